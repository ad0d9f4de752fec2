"""Issued documents: listed and downloaded by whom issuance.access allows, 404 for others."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from paksemmok.issuance.models import IssuedDocument
from tests.cast import pdf_bytes

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def issued(resident, number):
    doc = IssuedDocument.objects.create(
        kind=IssuedDocument.Kind.BIRTH,
        number=number,
        subject=resident,
        holder_name=resident.full_name,
        holder_number=resident.nik,
        signer_name="Drs. Contoh Pejabat, M.Si.",
        signer_nip="197001011990031001",
    )
    doc.pdf.save("dokumen.pdf", ContentFile(pdf_bytes()), save=True)
    return doc


def test_own_document_listed_and_downloaded(a_client, agus, eko):
    mine = issued(agus.resident, "3319-LT-0001")
    issued(eko.resident, "3319-LT-0002")
    listed = a_client.get("/api/v1/documents/").json()
    assert [d["code"] for d in listed] == [mine.code]
    response = a_client.get(f"/api/v1/documents/{mine.code}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_someone_elses_document_is_404(a_client, b_client, eko):
    theirs = issued(eko.resident, "3319-LT-0003")
    assert_error(a_client.get(f"/api/v1/documents/{theirs.code}/file/"), 404, "not_found")
    assert a_client.get("/api/v1/documents/").json() == []
    assert b_client.get(f"/api/v1/documents/{theirs.code}/file/").status_code == 200


def test_anonymous_gets_401(api, eko):
    theirs = issued(eko.resident, "3319-LT-0004")
    assert_error(api.get(f"/api/v1/documents/{theirs.code}/file/"), 401, "not_authenticated")
    assert_error(api.get("/api/v1/documents/"), 401, "not_authenticated")
