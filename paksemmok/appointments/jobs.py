"""Periodic perekaman work for `manage.py worker`. Both jobs are safe to run in several
workers at once: each booking is claimed by a conditional UPDATE or a row lock."""

from paksemmok.jobs.registry import periodic

from . import services


@periodic(every_seconds=300, name="appointments.send_reminders")
def send_reminders() -> int:
    return services.send_due_reminders()


@periodic(every_seconds=3600, name="appointments.mark_no_shows")
def mark_no_shows() -> int:
    return services.mark_no_shows()
