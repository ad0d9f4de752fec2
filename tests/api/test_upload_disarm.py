"""The REST API takes the same path as the page: a 50 MP photo sent without the page's script
is shrunk, a PDF carrying JavaScript is stored rebuilt, and a refusal carries the message and
a machine reason."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from paksemmok.applications.models import ApplicationDocument
from tests.applications import hostile_files as hostile

from .conftest import assert_error, draft, upload

pytestmark = pytest.mark.django_db


def stored(doc_id: int) -> bytes:
    doc = ApplicationDocument.objects.get(pk=doc_id)
    with doc.file.storage.open(doc.file.name, "rb") as f:
        return f.read()


def test_fifty_megapixel_photo_through_the_api_is_shrunk(a_client, family):
    ref = draft(a_client, family)["reference"]
    photo = hostile.jpeg(hostile.document_image(8660, 5774), quality=80)
    response = upload(a_client, ref, "kk", photo)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["width"], body["height"]) == (2000, 1334)
    assert body["quality_flags"] == []
    assert Image.open(io.BytesIO(stored(body["id"]))).size == (2000, 1334)


def test_javascript_pdf_through_the_api_is_stored_rebuilt(a_client, family):
    ref = draft(a_client, family)["reference"]
    response = upload(a_client, ref, "kk", hostile.js_pdf(), "kk.pdf")
    assert response.status_code == 201, response.json()
    data = stored(response.json()["id"])
    assert b"JavaScript" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert set(pdf.Root.keys()) == {"/Type", "/Pages"}


def test_refusals_carry_the_message_and_a_reason(a_client, family):
    ref = draft(a_client, family)["reference"]
    body = assert_error(
        upload(a_client, ref, "kk", hostile.user_password_pdf(), "kk.pdf"), 422, "upload_rejected"
    )
    assert body["details"] == {"reason": "pdf_password"}
    assert "Simpan ulang PDF tanpa kata sandi" in body["message"]
    bomb = assert_error(
        upload(a_client, ref, "kk", hostile.flate_bomb_pdf(), "kk.pdf"), 422, "upload_rejected"
    )
    assert bomb["details"] == {"reason": "pdf_not_rebuildable"}
