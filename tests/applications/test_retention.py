"""Uploads are deleted once they serve no purpose (UU PDP), and only those."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from paksemmok.applications import services
from paksemmok.applications.jobs import apply_retention
from paksemmok.applications.models import Application, ApplicationDocument
from paksemmok.applications.retention import purge_stale_drafts, purge_unneeded_files
from paksemmok.audit.models import AuditEntry
from paksemmok.catalog.models import Requirement
from tests.cast import birth_answers, fill_required, photo, variant

pytestmark = pytest.mark.django_db(transaction=True)


def stored(doc: ApplicationDocument) -> bool:
    return doc.file.storage.exists(doc.file.name)


def test_an_idle_draft_goes_with_its_files_and_a_recent_one_stays(family, agus_user, settings):
    settings.APPLICATIONS_DRAFT_RETENTION_DAYS = 60
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=61), tick=False):
        old = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
        fill_required(old, agus_user, birth_answers())
    recent = services.create_draft(
        applicant=agus_user, variant=variant("ektp-cetak"), subject=family.agus
    )
    old_docs = list(old.documents.all())
    assert old_docs and all(stored(d) for d in old_docs)

    assert purge_stale_drafts() == 1
    assert not Application.objects.filter(pk=old.pk).exists()
    assert Application.objects.filter(pk=recent.pk).exists()
    assert not any(stored(d) for d in old_docs)  # deleted after the commit
    assert AuditEntry.objects.filter(action="applications.application.draft_purged").count() == 1
    assert purge_stale_drafts() == 0


def test_closed_applications_lose_replaced_files_but_keep_what_was_decided_on(
    family, agus_user, operator, settings
):
    settings.APPLICATIONS_CLOSED_FILE_RETENTION_DAYS = 90
    past = timezone.now() - dt.timedelta(days=100)
    with time_machine.travel(past, tick=False) as clock:
        app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
        fill_required(app, agus_user, birth_answers())
        services.submit_application(app, actor=agus_user)
        services.return_application(
            app, [{"item": "doc:kk", "reason": "unreadable", "note": ""}], operator
        )
        clock.shift(dt.timedelta(hours=1))
        kk = Requirement.objects.get(variant=app.variant, code="kk")
        first_kk = app.current_documents().get(requirement=kk)
        new_kk = services.attach_document(app, kk, photo(seed=5), actor=agus_user)
        services.resubmit_application(app, actor=agus_user)
        services.reject_application(
            app, [{"item": "application", "reason": "duplicate", "note": ""}], operator
        )
    kept = list(app.current_documents())
    assert new_kk in kept and stored(first_kk)

    assert purge_unneeded_files() == 1
    assert not ApplicationDocument.objects.filter(pk=first_kk.pk).exists()
    assert not stored(first_kk)
    assert all(stored(d) for d in kept) and app.current_documents().count() == len(kept)
    entry = AuditEntry.objects.get(action="applications.document.purged")
    assert entry.details["sha256"] == first_kk.sha256 and entry.details["requirement"] == "kk"


def test_a_cancelled_application_loses_every_file_after_the_period(family, agus_user, settings):
    settings.APPLICATIONS_CLOSED_FILE_RETENTION_DAYS = 90
    with time_machine.travel(timezone.now() - dt.timedelta(days=91), tick=False):
        app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
        fill_required(app, agus_user, birth_answers())
        services.submit_application(app, actor=agus_user)
        services.cancel_application(app, actor=agus_user)
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        fresh = services.create_draft(
            applicant=agus_user, variant=variant("ektp-cetak"), subject=family.agus
        )
        fill_required(fresh, agus_user, {"pickup_place": "dinas"})
        services.submit_application(fresh, actor=agus_user)
        services.cancel_application(fresh, actor=agus_user)
    docs = list(app.documents.all())
    assert apply_retention() == len(docs)
    assert not app.documents.exists() and not any(stored(d) for d in docs)
    assert Application.objects.get(pk=app.pk).events.exists()  # the history stays
    assert fresh.documents.exists()
