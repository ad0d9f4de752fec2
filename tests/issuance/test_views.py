"""The public verification page and who may download a document."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.accounts.models import User
from paksemmok.applications.files import PRIVATE_FILE_CSP
from paksemmok.audit.masking import mask_number
from paksemmok.audit.models import AuditEntry
from paksemmok.issuance import services
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.services import record_family_version
from tests.cast import account_for, sign_in_with_totp

Kind = IssuedDocument.Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk_doc(family):
    return services.issue_kk(record_family_version(family.kk, reason="uji", actor=None), actor=None)


def test_valid_document_shows_masked_data_without_login(client, family, kk_doc):
    response = client.get(f"/verifikasi/{kk_doc.code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="valid"' in html
    # A KK's number is the No. KK: shown masked, with the version.
    assert "Kartu Keluarga" in html and "versi 1" in html
    assert mask_number(family.kk.kk_number) in html
    assert mask_number(family.kk.kk_number).startswith("3319 **** **** ")
    assert "Drs. Uji Pejabat, M.Si." in html
    # The head's full name and the full number are not on the public page.
    assert "Agus Santoso" not in html and "A*** S******" in html
    assert f">{family.kk.kk_number}<" not in html


def test_birth_certificate_shows_masked_nik(client, family):
    doc = services.issue_certificate(Kind.BIRTH, family.bayu, actor=None)
    html = client.get(f"/verifikasi/{doc.code}").content.decode()
    assert mask_number(family.bayu.nik) in html and family.bayu.nik not in html
    assert "Akta Kelahiran" in html and doc.number in html


def test_superseded_kk_is_marked(client, family, kk_doc):
    services.issue_kk(record_family_version(family.kk, reason="ubah", actor=None), actor=None)
    html = client.get(f"/verifikasi/{kk_doc.code}").content.decode()
    assert 'data-status="superseded"' in html and 'data-status="valid"' not in html


def test_revoked_document_is_marked(client, family, kk_doc):
    services.revoke_document(kk_doc, actor=None, reason="Salah cetak")
    html = client.get(f"/verifikasi/{kk_doc.code}").content.decode()
    assert 'data-status="revoked"' in html


def test_unknown_code_is_a_red_mark(client, db):
    response = client.get("/verifikasi/ZZZZZZZZZZZZZZZZ")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="unknown"' in html and "verify-bad" in html


def test_family_member_downloads_the_kk(client, family, kk_doc, agus_user):
    client.force_login(agus_user)
    response = client.get(reverse("issuance:download", args=[kk_doc.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # Every private PDF is an attachment under the one sandboxing policy, even when "viewed".
    viewed = client.get(reverse("issuance:download", args=[kk_doc.code]), {"lihat": "1"})
    assert viewed["Content-Disposition"].startswith("attachment")
    assert viewed["Content-Security-Policy"] == PRIVATE_FILE_CSP
    listing = client.get(reverse("issuance:mine")).content.decode()
    assert kk_doc.number in listing


def test_someone_else_gets_404(client, family, kk_doc, eko_user):
    client.force_login(eko_user)
    assert client.get(reverse("issuance:download", args=[kk_doc.code])).status_code == 404
    assert kk_doc.number not in client.get(reverse("issuance:mine")).content.decode()


def test_anonymous_is_sent_to_login(client, kk_doc):
    response = client.get(reverse("issuance:download", args=[kk_doc.code]))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_child_of_the_family_may_download_their_birth_certificate(client, family):
    doc = services.issue_certificate(Kind.BIRTH, family.bayu, actor=None)
    client.force_login(account_for(family.dimas))
    # Dimas is in the same family but the birth certificate is Bayu's, not a KK.
    assert client.get(reverse("issuance:download", args=[doc.code])).status_code == 404
    client.force_login(account_for(family.bayu))
    response = client.get(reverse("issuance:download", args=[doc.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == doc.pdf.open("rb").read()


def test_supervisor_download_is_audited(client, family, kk_doc):
    supervisor = User.objects.create_user(
        username="sup", password="x-Pass-12345", role=User.Role.SUPERVISOR
    )
    sign_in_with_totp(client, supervisor)
    response = client.get(reverse("issuance:download", args=[kk_doc.code]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="personal_data.read")
    assert entry.actor == supervisor


def test_operator_without_the_service_gets_404(client, family, kk_doc, operator):
    client.force_login(operator)
    assert client.get(reverse("issuance:download", args=[kk_doc.code])).status_code == 404
    assert IssuedDocument.objects.count() == 1
