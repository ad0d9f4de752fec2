from __future__ import annotations

import pytest

from paksemmok.issuance.models import IssuedDocument

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(db):
    return IssuedDocument.objects.create(
        kind=IssuedDocument.Kind.BIRTH,
        number="3319-LT-20261201-0001",
        holder_name="Putri Santoso",
        holder_number="3319024512260001",
        signer_name="Drs. Contoh Pejabat, M.Si.",
        signer_nip="197001011990031001",
    )


def test_valid_document_shows_what_the_page_shows_masked(api, document):
    data = api.get(f"/api/v1/verify/{document.code.lower()}/").json()
    assert data["status"] == "valid" and data["message"] == "Dokumen asli dan berlaku."
    assert data["holder_name"] == "P**** S******"
    assert data["holder_number"] == "3319 **** **** 0001"
    assert "Putri" not in str(data) and "3319024512260001" not in str(data)


def test_revoked_document(api, document):
    document.status = IssuedDocument.Status.REVOKED
    document.save()
    data = api.get(f"/api/v1/verify/{document.code}/").json()
    assert data["status"] == "revoked" and "dicabut" in data["message"]


def test_unknown_code_is_json_404(api, db):
    data = assert_error(api.get("/api/v1/verify/ABCDEFGHJKLMNPQR/"), 404, "unknown_document")
    assert "bukan dokumen resmi" in data["message"]
    assert_error(api.get("/api/v1/verify/%00%0A/"), 404, "unknown_document")
