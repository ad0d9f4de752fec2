"""Account changes, one module per concern.

Each function runs in one transaction, writes its audit entry, and queues its notification
through `notify()`, which writes the outbox row in the same transaction.
"""
