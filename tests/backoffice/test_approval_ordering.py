"""Births in one kecamatan do not queue behind each other's PDFs: the documents are rendered
and signed after the approval (and its NIK number-sequence row lock) has committed."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from paksemmok.applications.lifecycle import Status
from paksemmok.issuance import services as issuance
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.models import Resident
from tests.cast import approve, birth_answers, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_pdfs_are_rendered_once_the_nik_sequence_is_free(family, agus_user, budi, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks seen from a second connection")
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    seen: list[dict] = []
    real_render = issuance.render_pdf

    def render_watching_locks(document):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                # NOWAIT: fails at once if the approval still held the sequence rows.
                cursor.execute(
                    "SELECT last_serial FROM population_numbersequence FOR UPDATE NOWAIT"
                )
                seen.append({"kind": document.kind, "in_transaction": connection.in_atomic_block})
        finally:
            other.close()
        return real_render(document)

    monkeypatch.setattr(issuance, "render_pdf", render_watching_locks)
    docs = approve(app, budi)

    assert sorted(s["kind"] for s in seen) == ["akta_kelahiran", "kk"]
    assert not any(s["in_transaction"] for s in seen)
    assert all(IssuedDocument.objects.get(pk=d.pk).pdf for d in docs)
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
    assert Resident.objects.filter(full_name="Putri Santoso").exists()


def test_a_pdf_failing_after_the_commit_is_rendered_by_the_worker(
    family, agus_user, budi, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs beside the test above)")
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())

    def broken(document):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(issuance, "render_pdf", broken)
    docs = approve(app, budi)
    # The register change stands; the documents wait for their PDFs.
    assert Resident.objects.filter(full_name="Putri Santoso").exists()
    assert not any(IssuedDocument.objects.get(pk=d.pk).pdf for d in docs)

    monkeypatch.undo()
    assert issuance.render_missing_pdfs(older_than_seconds=0) == 2
    assert all(IssuedDocument.objects.get(pk=d.pk).pdf for d in docs)
