"""The resident's pages, and who may see an application and its files."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from paksemmok.applications import services
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.audit.models import AuditEntry
from paksemmok.catalog.models import Requirement
from tests.cast import act_for, birth_answers, client_for, fill_required, pdf, photo, variant

pytestmark = pytest.mark.django_db


def test_resident_applies_for_a_birth_certificate_through_the_pages(family, agus_user):
    c = client_for(agus_user)
    assert c.get("/permohonan/baru/").status_code == 200
    page = c.get("/permohonan/baru/akta-kelahiran/")
    assert "Anak yang baru lahir" in page.content.decode()
    response = c.post("/permohonan/baru/akta-kelahiran/", {"subject": "newborn"})
    app = Application.objects.get()
    assert response.url == f"/permohonan/{app.reference}/ubah/"

    edit = c.get(response.url).content.decode()
    # Pre-filled from the register: the mother's NIK from the KK.
    assert family.rina.nik in edit
    assert 'capture="environment"' in edit

    answers = {**birth_answers(), "mother_nik": family.rina.nik, "father_nik": family.agus.nik}
    answers["child_birth_date"] = answers["child_birth_date"].isoformat()
    saved = c.post(response.url, answers, HTTP_X_AUTOSAVE="1")
    assert saved.json() == {"ok": True, "saved": "Draf tersimpan"}

    for code in ("surat_kelahiran", "buku_nikah", "kk", "f201"):
        r = c.post(
            f"/permohonan/{app.reference}/unggah/{code}/",
            {"file": photo()},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
        assert r.status_code == 200
        assert f'data-testid="uploaded-{code}"' in r.content.decode()

    review = c.get(f"/permohonan/{app.reference}/periksa/")
    assert "Kirim permohonan" in review.content.decode()
    sent = c.post(f"/permohonan/{app.reference}/periksa/")
    assert sent.url == f"/permohonan/{app.reference}/tanda-terima/"
    receipt = c.get(sent.url).content.decode()
    assert app.reference in receipt and "data:image/svg+xml" in receipt
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED

    # A second tap on "Kirim" changes nothing.
    again = c.post(f"/permohonan/{app.reference}/periksa/")
    assert again.url == f"/permohonan/{app.reference}/"
    assert app.events.filter(action="submitted").count() == 1

    mine = c.get("/permohonan/").content.decode()
    assert app.reference in mine and "Sisa waktu 23 jam" in mine


def test_bad_upload_is_explained_next_to_its_slot(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    c = client_for(agus_user)
    r = c.post(
        f"/permohonan/{app.reference}/unggah/kk/",
        {"file": photo(colour="white")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="slot-kk"' in body and 'data-testid="error-kk"' in body
    assert "Foto tampak kosong" in body
    # Without JavaScript: back to the form with the message.
    r = c.post(
        f"/permohonan/{app.reference}/unggah/kk/", {"file": photo(colour="white")}, follow=True
    )
    assert "Kartu Keluarga: Foto tampak kosong" in r.content.decode()


def test_review_shows_each_problem_next_to_its_item(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    r = client_for(agus_user).post(f"/permohonan/{app.reference}/periksa/")
    assert r.status_code == 422
    body = r.content.decode()
    start = body.index('id="doc-f201"')
    assert "Wajib diunggah." in body[start : start + 600]
    start = body.index('id="field-child_name"')
    assert "Wajib diisi." in body[start : start + 300]


def test_invalid_nik_in_the_form_is_shown_next_to_the_field(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    r = client_for(agus_user).post(f"/permohonan/{app.reference}/ubah/", {"mother_nik": "33190212"})
    assert r.status_code == 422
    assert "NIK harus terdiri dari 16 digit angka." in r.content.decode()


def test_returned_application_shows_the_list_and_locks_other_fields(family, agus_user, operator):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    services.submit_application(app, actor=agus_user)
    services.return_application(
        app, [{"item": "doc:kk", "reason": "unreadable", "note": "Terpotong"}], operator
    )
    c = client_for(agus_user)
    body = c.get(f"/permohonan/{app.reference}/ubah/").content.decode()
    assert "Berkas tidak terbaca, buram atau terpotong" in body and "Terpotong" in body
    assert f'action="/permohonan/{app.reference}/unggah/kk/"' in body
    assert f'action="/permohonan/{app.reference}/unggah/f201/"' not in body
    assert 'name="child_name"' in body and "disabled" in body
    # A posted change to a locked field is ignored (disabled fields keep their value).
    c.post(f"/permohonan/{app.reference}/ubah/", {"child_name": "Diganti"})
    app.refresh_from_db()
    assert app.data["child_name"] == "Putri Santoso"


def test_cancel_page(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    services.submit_application(app, actor=agus_user)
    c = client_for(agus_user)
    assert c.get(f"/permohonan/{app.reference}/batal/").status_code == 200
    c.post(f"/permohonan/{app.reference}/batal/", {"reason": "Salah data"})
    app.refresh_from_db()
    assert app.status == Status.CANCELLED


def test_ektp_page_links_to_perekaman_for_residents_not_recorded(family, agus_user):
    family.agus.ektp_recording = "belum_rekam"
    family.agus.save()
    body = client_for(agus_user).get("/permohonan/baru/ektp-cetak/").content.decode()
    assert "belum melakukan perekaman" in body
    assert 'href="/perekaman/"' in body


# --- who may see what ---------------------------------------------------------------------


@pytest.fixture
def submitted(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    fill_required(app, agus_user, birth_answers())
    services.submit_application(app, actor=agus_user)
    return app


def test_another_resident_gets_404_for_the_application_and_its_files(submitted, eko_user):
    c = client_for(eko_user)
    doc = submitted.documents.first()
    for url in (
        f"/permohonan/{submitted.reference}/",
        f"/permohonan/{submitted.reference}/ubah/",
        f"/permohonan/{submitted.reference}/tanda-terima/",
        f"/permohonan/{submitted.reference}/batal/",
        f"/permohonan/{submitted.reference}/berkas/{doc.pk}/",
    ):
        assert c.get(url).status_code == 404, url
    r = c.post(f"/permohonan/{submitted.reference}/unggah/kk/", {"file": pdf()})
    assert r.status_code == 404
    assert Client().get(f"/permohonan/{submitted.reference}/berkas/{doc.pk}/").status_code == 404


def test_applicant_reads_own_file_unaudited(submitted, agus_user):
    doc = submitted.documents.first()
    r = client_for(agus_user).get(f"/permohonan/{submitted.reference}/berkas/{doc.pk}/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == doc.file.open("rb").read()
    assert r["Content-Type"] == doc.content_type
    assert "no-store" in r["Cache-Control"]
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


def test_staff_read_is_audited_and_limited_to_their_services(submitted, operator):
    from paksemmok.accounts.models import User

    doc = submitted.documents.first()
    url = f"/permohonan/{submitted.reference}/berkas/{doc.pk}/"
    assert client_for(operator).get(url).status_code == 200
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.actor == operator and entry.purpose == f"Permohonan {submitted.reference}"
    other = User.objects.create_user(
        username="ani", password="x-Pass-12345", role=User.Role.OPERATOR, services=["ektp"]
    )
    assert client_for(other).get(url).status_code == 404
    perekaman = User.objects.create_user(
        username="tono", password="x-Pass-12345", role=User.Role.PEREKAMAN
    )
    assert client_for(perekaman).get(url).status_code == 404


def test_helper_reads_the_file_only_while_acting_and_audited(family, agus_user, helper_user):

    app = services.create_draft(
        applicant=agus_user, variant=variant("akta-kelahiran"), filed_by=helper_user
    )
    kk = Requirement.objects.get(variant=app.variant, code="kk")
    doc = services.attach_document(app, kk, pdf(), actor=helper_user)
    url = reverse("applications:document", args=[app.reference, doc.pk])
    c = client_for(helper_user)
    # Not acting for anyone any more: filing it gave no lasting access.
    assert c.get(url).status_code == 404
    act_for(c, helper_user, agus_user)
    assert c.get(url).status_code == 200
    entry = AuditEntry.objects.get(action="applications.document.viewed")
    assert entry.actor == helper_user and entry.on_behalf_of == agus_user


def test_helper_acting_for_a_resident_applies_for_them(family, agus_user, helper_user):

    c = client_for(helper_user)
    act_for(c, helper_user, agus_user)
    r = c.post("/permohonan/baru/kia-5-17/", {"subject": family.sinta.pk})
    app = Application.objects.get()
    assert r.url == f"/permohonan/{app.reference}/ubah/"
    assert app.applicant == agus_user and app.filed_by == helper_user
