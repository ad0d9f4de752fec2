"""Applications through the API: the same service functions as the pages."""

from __future__ import annotations

import pytest

from paksemmok.applications import services
from paksemmok.applications.models import Application, ApplicationDocument
from tests.cast import pdf_bytes, photo_bytes

from .conftest import assert_error, draft, upload

pytestmark = pytest.mark.django_db


def test_draft_fill_upload_submit_and_track(a_client, family, agus):
    app = draft(a_client, family)
    ref = app["reference"]
    assert app["status"] == "draft" and app["actions"] == ["edit", "submit", "cancel"]
    # Creating again returns the same draft (double tap).
    assert draft(a_client, family)["reference"] == ref

    saved = a_client.patch(
        f"/api/v1/applications/{ref}/", {"data": {"pickup_place": "dinas"}}, format="json"
    )
    assert saved.status_code == 200 and saved.json()["data"]["pickup_place"] == "dinas"

    doc = upload(a_client, ref, "kk", photo_bytes())
    assert doc.status_code == 201, doc.json()
    assert doc.json()["content_type"] == "image/jpeg"
    stored = ApplicationDocument.objects.get(pk=doc.json()["id"])
    assert stored.uploaded_by == agus

    file = a_client.get(f"/api/v1/applications/{ref}/documents/{stored.pk}/")
    assert file.status_code == 200 and file["Content-Type"] == "image/jpeg"
    assert file["Cache-Control"] == "private, no-store"
    assert b"".join(file.streaming_content)[:2] == b"\xff\xd8"

    sent = a_client.post(f"/api/v1/applications/{ref}/submit/")
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "submitted" and sent.json()["deadline_at"]
    status = a_client.get(f"/api/v1/applications/{ref}/status/").json()
    assert [e["action"] for e in status["events"]] == ["created", "submitted"]
    listed = a_client.get("/api/v1/applications/").json()
    assert [a["reference"] for a in listed] == [ref]


def test_submit_of_incomplete_draft_lists_every_problem(a_client, family):
    ref = draft(a_client, family)["reference"]
    data = assert_error(
        a_client.post(f"/api/v1/applications/{ref}/submit/"), 422, "submission_rejected"
    )
    items = {d["item"] for d in data["details"]}
    assert {"doc:kk", "field:pickup_place"} <= items
    assert Application.objects.get(reference=ref).status == "draft"


def test_ineligible_subject_is_refused_with_the_service_message(a_client, family):
    data = assert_error(
        a_client.post(
            "/api/v1/applications/",
            {"variant": "ektp-cetak", "subject": family.dimas.pk},
            format="json",
        ),
        422,
        "submission_rejected",
    )
    assert "17 tahun" in data["message"]


def test_someone_outside_the_kk_cannot_be_chosen(a_client, family, eko):
    data = assert_error(
        a_client.post(
            "/api/v1/applications/",
            {"variant": "ektp-cetak", "subject": eko.resident_id},
            format="json",
        ),
        422,
        "submission_rejected",
    )
    assert data["details"][0]["item"] == "subject"


def test_unknown_variant_and_bad_field_values(a_client, family):
    data = assert_error(
        a_client.post("/api/v1/applications/", {"variant": "nope"}, format="json"), 400, "invalid"
    )
    assert "variant" in data["details"]
    ref = draft(a_client, family)["reference"]
    data = assert_error(
        a_client.patch(
            f"/api/v1/applications/{ref}/", {"data": {"pickup_place": "bulan"}}, format="json"
        ),
        400,
        "invalid",
    )
    assert "pickup_place" in data["details"]
    data = assert_error(
        a_client.patch(
            f"/api/v1/applications/{ref}/", {"data": {"nama_palsu": "x"}}, format="json"
        ),
        400,
        "invalid",
    )
    assert "nama_palsu" in data["details"]


def test_upload_checks_are_the_pages_checks(a_client, family):
    ref = draft(a_client, family)["reference"]
    data = assert_error(
        upload(a_client, ref, "kk", b"MZ\x90\x00 not a document", "kk.pdf"), 422, "upload_rejected"
    )
    assert data["message"]
    encrypted = upload(a_client, ref, "kk", pdf_bytes(password="rahasia"), "kk.pdf")
    assert_error(encrypted, 422, "upload_rejected")
    blank = upload(a_client, ref, "kk", photo_bytes(colour="white"))
    assert_error(blank, 422, "upload_rejected")
    assert_error(upload(a_client, ref, "pas_foto", photo_bytes()), 400, "invalid")
    assert not ApplicationDocument.objects.exists()


def test_upload_needs_multipart(a_client, family):
    ref = draft(a_client, family)["reference"]
    assert_error(
        a_client.post(
            f"/api/v1/applications/{ref}/documents/", {"requirement": "kk"}, format="json"
        ),
        415,
        "unsupported_media_type",
    )


def test_return_deficiencies_and_resubmit(a_client, family, agus):
    from paksemmok.accounts.models import User

    operator = User.objects.create_user(
        username="budi", password="x-Pass-12345", role=User.Role.OPERATOR, services=["ektp"]
    )
    ref = draft(a_client, family)["reference"]
    a_client.patch(
        f"/api/v1/applications/{ref}/", {"data": {"pickup_place": "dinas"}}, format="json"
    )
    upload(a_client, ref, "kk", photo_bytes())
    a_client.post(f"/api/v1/applications/{ref}/submit/")
    app = Application.objects.get(reference=ref)
    services.start_review(app, actor=operator)
    services.return_application(
        app, [{"item": "doc:kk", "reason": "unreadable", "note": "Foto buram"}], operator
    )

    items = a_client.get(f"/api/v1/applications/{ref}/deficiencies/").json()
    assert items == [
        {
            "code": "doc:kk",
            "item": "Kartu Keluarga",
            "reason": "Berkas tidak terbaca, buram atau terpotong",
            "note": "Foto buram",
        }
    ]
    # Not yet replaced: the service refuses, and says what is missing.
    data = assert_error(
        a_client.post(f"/api/v1/applications/{ref}/resubmit/"), 422, "submission_rejected"
    )
    assert data["details"][0]["item"] == "doc:kk"
    # Fields the officer did not list stay frozen.
    assert_error(
        a_client.patch(
            f"/api/v1/applications/{ref}/", {"data": {"pickup_place": "kecamatan"}}, format="json"
        ),
        409,
        "application_conflict",
    )
    assert upload(a_client, ref, "kk", photo_bytes(seed=7)).status_code == 201
    again = a_client.post(f"/api/v1/applications/{ref}/resubmit/")
    assert again.status_code == 200 and again.json()["round"] == 2


def test_cancel_and_what_cannot_follow(a_client, family):
    ref = draft(a_client, family)["reference"]
    cancelled = a_client.post(
        f"/api/v1/applications/{ref}/cancel/", {"reason": "Salah pilih"}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    data = assert_error(
        a_client.post(f"/api/v1/applications/{ref}/cancel/"), 409, "application_conflict"
    )
    assert "Dibatalkan" in data["message"]
    assert_error(a_client.post(f"/api/v1/applications/{ref}/submit/"), 409, "application_conflict")
    assert_error(a_client.get(f"/api/v1/applications/{ref}/documents/999999/"), 404, "not_found")


def test_a_nik_with_a_kecamatan_that_does_not_exist_is_refused(a_client, family):
    # Kudus (33.19) has kecamatan 01-09: "10" makes the number invalid, not just unknown.
    ref = draft(a_client, family, variant="kk-keluarga-baru")["reference"]
    data = assert_error(
        a_client.patch(
            f"/api/v1/applications/{ref}/",
            {"data": {"spouse_nik": "3319101503900001"}},
            format="json",
        ),
        400,
        "invalid",
    )
    assert "33.19.10" in str(data["details"]["spouse_nik"])
