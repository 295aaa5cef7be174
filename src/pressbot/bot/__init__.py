"""python-telegram-bot: the typed context and bot data, the jobs, the handlers.

Handlers are thin: read the update, call a store, a use case or a view, reply.
"""
