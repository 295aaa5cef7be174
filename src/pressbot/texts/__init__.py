"""What the bot says: the translations, the one escaping path, and a view per audience.

Pure functions from core models to Telegram HTML and keyboards, in the reader's language.
"""
