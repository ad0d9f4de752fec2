"""The orphan sweep: after a kill between the storage write and the commit, the file with no
row goes (once an hour old), and so do abandoned temporary files; referenced files stay."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from paksemmok.applications import services
from paksemmok.audit.models import AuditEntry
from paksemmok.catalog.models import Requirement
from paksemmok.jobs.registry import registered_jobs
from tests.cast import account_for, photo_bytes, variant

pytestmark = pytest.mark.django_db


def age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_sweep_removes_old_orphans_and_temporaries_only(family, private_media, settings, tmp_path):
    settings.ORPHAN_MIN_AGE_SECONDS = 3600
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    agus = account_for(family.agus, email="agus@example.id", contact_verified=True)
    app = services.create_draft(applicant=agus, variant=variant("ektp-cetak"), subject=family.agus)
    requirement = Requirement.objects.get(variant=app.variant, code="kk")
    kept = services.attach_document(
        app, requirement, SimpleUploadedFile("kk.jpg", photo_bytes()), actor=agus
    )
    # What a kill -9 between the storage write and the commit leaves: a whole file, no row.
    orphan = default_storage.save("uploads/2026/11/orphan.jpg", ContentFile(b"x" * 1000))
    young = default_storage.save("uploads/2026/11/young.jpg", ContentFile(b"y"))
    part = private_media / "uploads" / ".tmp-abc.part"
    part.write_bytes(b"half")
    spooled = spool / "tmpq1w2e3.upload.jpg"
    spooled.write_bytes(b"z" * 10)
    for path in (private_media / kept.file.name, private_media / orphan, part, spooled):
        age(path, 7200)

    call_command("sweep_orphans", "--dry-run")
    assert (private_media / orphan).exists()

    [job] = [j for j in registered_jobs() if j.name == "storage.orphan_sweep"]
    assert job.func() == 3

    assert not (private_media / orphan).exists()
    assert not part.exists() and not spooled.exists()
    assert (private_media / kept.file.name).exists()  # its row points at it
    assert (private_media / young).exists()  # maybe its row is about to commit
    entry = AuditEntry.objects.get(action="storage.orphans.swept")
    assert entry.details["orphans"] == 1 and entry.details["temporary"] == 2
    assert job.func() == 0
    assert AuditEntry.objects.filter(action="storage.orphans.swept").count() == 1
