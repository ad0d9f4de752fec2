from paksemmok.jobs.registry import periodic

from .retention import purge_stale_drafts, purge_unneeded_files


@periodic(every_seconds=3600, name="applications.retention")
def apply_retention() -> int:
    return purge_stale_drafts() + purge_unneeded_files()
