"""The delivery engine: each release and digest from the outbox to every chat, paced.

engine.py is the loop; wire.py the one send path (outage gate, budget, call, decision).
"""
