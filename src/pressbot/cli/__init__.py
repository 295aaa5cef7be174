"""The command line: `pressbot run | import | import-url | console | backup | restore`."""
