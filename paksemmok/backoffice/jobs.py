"""Periodic back-office work for `manage.py worker` (safe in several workers: SKIP LOCKED)."""

from paksemmok.jobs.registry import periodic

from . import services


@periodic(every_seconds=60, name="backoffice.release_idle_claims")
def release_idle_claims() -> int:
    return services.release_idle_claims()


@periodic(every_seconds=60, name="backoffice.deadline_alerts")
def deadline_alerts() -> int:
    return services.send_deadline_alerts()


@periodic(every_seconds=600, name="backoffice.reconcile_review_states")
def reconcile_review_states() -> int:
    return services.reconcile_review_states()
