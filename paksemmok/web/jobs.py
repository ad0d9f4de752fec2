from django.conf import settings

from paksemmok.jobs.registry import periodic

from .orphans import sweep_orphans


@periodic(every_seconds=settings.ORPHAN_SWEEP_SECONDS, name="storage.orphan_sweep")
def sweep_orphan_files() -> int:
    return sweep_orphans().removed
