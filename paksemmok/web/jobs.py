from paksemmok.jobs.registry import periodic

from .orphans import sweep_orphans


@periodic(every_seconds=3600, name="storage.orphan_sweep")
def sweep_orphan_files() -> int:
    return sweep_orphans().removed
