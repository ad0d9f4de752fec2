"""Data minimisation for uploads (UU 27/2022 PDP): files are kept while they serve a purpose.

- A draft nobody sent for APPLICATIONS_DRAFT_RETENTION_DAYS is deleted with its files: it
  never became a request to the state, and the resident can start again.
- Once an application is closed (decided, completed or cancelled) for
  APPLICATIONS_CLOSED_FILE_RETENTION_DAYS, files that no decision rests on are deleted: the
  replaced versions, and every file of a cancelled application. The application, its history
  and its figures stay; the audit entry keeps each file's checksum.

Rows go first, in a transaction; the stored files after it commits. A crash in between
leaves an orphan file (harmless, removed by nothing worse than a later sweep), never a row
pointing at a missing file.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from paksemmok.audit.log import record

from .lifecycle import Status
from .models import Application, ApplicationDocument

logger = logging.getLogger("paksemmok.applications")


def _delete_files_on_commit(names: list[tuple[object, str]]) -> None:
    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except Exception:  # a storage hiccup must not undo the purge; log and move on
                logger.exception("could not delete %s", name)

    transaction.on_commit(delete)


def purge_stale_drafts(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.APPLICATIONS_DRAFT_RETENTION_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            drafts = list(
                Application.objects.select_for_update(skip_locked=True)
                .filter(status=Status.DRAFT, updated_at__lt=cutoff)
                .order_by("id")[:batch_size]
            )
            if not drafts:
                return total
            files = [
                (d.file.storage, d.file.name)
                for d in ApplicationDocument.objects.filter(application__in=drafts)
            ]
            for app in drafts:
                record(
                    "applications.application.draft_purged",
                    actor=None,
                    obj=app,
                    details={"idle_since": app.updated_at.isoformat()},
                )
            Application.objects.filter(pk__in=[d.pk for d in drafts]).delete()
            _delete_files_on_commit(files)
        total += len(drafts)


def purge_unneeded_files(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(
        days=settings.APPLICATIONS_CLOSED_FILE_RETENTION_DAYS
    )
    closed_long_ago = Q(
        application__status__in=[Status.APPROVED, Status.REJECTED, Status.COMPLETED],
        application__decided_at__lt=cutoff,
        replaced_at__isnull=False,
    ) | Q(application__status=Status.CANCELLED, application__decided_at__lt=cutoff)
    total = 0
    while True:
        with transaction.atomic():
            docs = list(
                ApplicationDocument.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(closed_long_ago)
                .select_related("requirement", "application")
                .order_by("id")[:batch_size]
            )
            if not docs:
                return total
            for doc in docs:
                record(
                    "applications.document.purged",
                    actor=None,
                    obj=doc.application,
                    details={
                        "requirement": doc.requirement.code,
                        "sha256": doc.sha256,
                        "round": doc.round,
                    },
                )
            files = [(d.file.storage, d.file.name) for d in docs]
            # The replaced_by links point forward (old -> new): clear links into the rows
            # about to go so the delete needs no cascade.
            ApplicationDocument.objects.filter(replaced_by__in=docs).update(replaced_by=None)
            ApplicationDocument.objects.filter(pk__in=[d.pk for d in docs]).delete()
            _delete_files_on_commit(files)
        total += len(docs)
