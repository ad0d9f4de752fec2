"""Signals other apps listen to without the applications app knowing them."""

from django.dispatch import Signal

# Sent inside the completing transaction with `application`; receivers that write rows (the
# satisfaction survey invitation) commit or roll back with the completion.
application_completed = Signal()
