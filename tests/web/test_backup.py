"""Backups: the manifest lists every stored document with its SHA-256; a restore into an
empty store gives back the same bytes; verification catches a missing or altered file."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from paksemmok.applications import services
from paksemmok.backup import restore_files, take_backup, verify_files
from paksemmok.catalog.models import Requirement
from tests.cast import account_for, pdf_bytes, photo_bytes, variant

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_restore_and_verify(family, private_media, tmp_path):
    agus = account_for(family.agus, email="agus@example.id", contact_verified=True)
    app = services.create_draft(applicant=agus, variant=variant("ektp-cetak"), subject=family.agus)
    docs = [
        services.attach_document(
            app,
            Requirement.objects.get(variant=app.variant, code="kk"),
            SimpleUploadedFile("kk.jpg", photo_bytes()),
            actor=agus,
        )
    ]
    if Requirement.objects.filter(variant=app.variant).exclude(code="kk").exists():
        other = Requirement.objects.filter(variant=app.variant).exclude(code="kk").first()
        if "pdf" in other.file_kinds:
            docs.append(
                services.attach_document(
                    app, other, SimpleUploadedFile("x.pdf", pdf_bytes()), actor=agus
                )
            )

    out = tmp_path / "backup"
    report = take_backup(out)
    assert report.problems == [] and report.files == len(docs)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["name"]: e["sha256"] for e in manifest["files"]} == {
        d.file.name: d.sha256 for d in docs
    }
    assert any((out / n).exists() for n in ("database.dump", "database.sqlite3"))

    # The store is lost; the rows remain (the database restore is drilled in make stack-test).
    shutil.rmtree(private_media)
    with pytest.raises(CommandError):
        call_command("verify_files")
    assert len(verify_files().problems) == len(docs)

    restored = restore_files(out)
    assert restored.problems == [] and restored.files == len(docs)
    assert verify_files(out / "manifest.json").problems == []
    call_command("verify_files", "--manifest", str(out / "manifest.json"))

    # A file altered in the store is caught.
    (private_media / docs[0].file.name).write_bytes(b"tampered")
    [problem] = verify_files().problems
    assert "SHA-256 differs" in problem
