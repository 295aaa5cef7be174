"""The process: the Application built, run by polling or webhook, listened to and watched."""
