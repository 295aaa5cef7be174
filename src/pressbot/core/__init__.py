"""The domain, pure: models, kinds, languages, the clock, quiet hours, release times, ids.

Nothing here does I/O or reads the time: `now` is an argument. Every layer may import it;
it imports nothing else of pressbot.
"""
