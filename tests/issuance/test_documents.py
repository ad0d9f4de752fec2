"""Issued PDFs: the text read back, the PAdES signature validated, the QR's target, and the
KK superseded by the next version."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from paksemmok.audit.models import AuditEntry
from paksemmok.issuance import services
from paksemmok.issuance.models import IssuedDocument
from paksemmok.population.services import record_family_version

Kind = IssuedDocument.Kind

pytestmark = pytest.mark.django_db


def pdf_bytes(document: IssuedDocument) -> bytes:
    with document.pdf.open("rb") as fh:
        return fh.read()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def validate(data: bytes, cert_path):
    _type, _headers, der = pem.unarmor(cert_path.read_bytes())
    root = x509.Certificate.load(der)
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    return validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[root])
    )


def test_kk_pdf_has_the_members_and_a_valid_signature(family, signing_pair, private_media):
    version = record_family_version(family.kk, reason="uji", actor=None)
    doc = services.issue_kk(version, actor=None)
    data = pdf_bytes(doc)
    assert data.startswith(b"%PDF")
    assert doc.pdf.name.startswith("issued/") and "dokumen" not in doc.pdf.name
    text = pdf_text(data)
    assert "KARTU KELUARGA" in text.upper()
    assert family.kk.kk_number in text
    for person in (family.agus, family.rina, family.dimas, family.sinta, family.bayu):
        assert person.full_name in text
        assert person.nik in text
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL KABUPATEN KUDUS" in text.upper()
    assert "Drs. Uji Pejabat, M.Si." in text and "197001011990031001" in text
    assert doc.code in text
    status = validate(data, signing_pair[1])
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Drs. Uji Pejabat"
    assert AuditEntry.objects.filter(action="issuance.document.issued").count() == 1


def test_signature_breaks_when_the_pdf_is_altered(family, signing_pair):
    version = record_family_version(family.kk, reason="uji", actor=None)
    data = bytearray(pdf_bytes(services.issue_kk(version, actor=None)))
    # Flip one byte inside the signed range (the start of the file).
    data[200] = (data[200] + 1) % 256
    status = validate(bytes(data), signing_pair[1])
    assert not status.intact


def test_birth_and_death_certificates_read_back(family):
    birth = services.issue_certificate(Kind.BIRTH, family.bayu, actor=None)
    text = pdf_text(pdf_bytes(birth))
    assert "AKTA KELAHIRAN" in text.upper()
    assert birth.number.startswith("3319-LT-") and birth.number in text
    assert family.bayu.full_name in text and family.bayu.nik in text

    family.agus.life_status = family.agus.LifeStatus.DECEASED
    family.agus.death_date = family.agus.birth_date.replace(year=family.agus.birth_date.year + 40)
    family.agus.save()
    death = services.issue_certificate(
        Kind.DEATH, family.agus, actor=None, facts={"death_place": "RSUD Kudus"}
    )
    text = pdf_text(pdf_bytes(death))
    assert "AKTA KEMATIAN" in text.upper() and "RSUD Kudus" in text
    assert death.number.startswith("3319-KM-") and family.agus.nik in text


def test_one_function_issues_both_certificates_with_their_own_facts(family):
    from paksemmok.issuance.services import IssuanceError

    birth = services.issue_certificate(
        Kind.BIRTH,
        family.bayu,
        actor=None,
        facts={"parents_note": {"before_mother": "anak dari seorang ibu"}},
    )
    assert birth.kind == Kind.BIRTH and birth.subject == family.bayu
    assert birth.data["parents_note"] == {"before_mother": "anak dari seorang ibu"}
    assert "death_date" not in birth.data and birth.data["kk_number"] == family.kk.kk_number
    assert "anak dari seorang ibu" in pdf_text(pdf_bytes(birth))

    family.agus.life_status = family.agus.LifeStatus.DECEASED
    family.agus.death_date = family.agus.birth_date.replace(year=family.agus.birth_date.year + 40)
    family.agus.save()
    death = services.issue_certificate(
        Kind.DEATH,
        family.agus,
        actor=None,
        facts={"death_place": "RSUD Kudus", "kk_number": "3319021234567890", "parents_note": ""},
    )
    assert death.kind == Kind.DEATH and death.number.startswith("3319-KM-")
    assert death.data["death_date"] == family.agus.death_date.strftime("%d-%m-%Y")
    assert death.data["death_place"] == "RSUD Kudus"
    assert death.data["kk_number"] == "3319021234567890" and "parents_note" not in death.data
    issued = AuditEntry.objects.filter(action="issuance.document.issued").order_by("id")
    assert [e.details["kind"] for e in issued] == [Kind.BIRTH, Kind.DEATH]

    with pytest.raises(IssuanceError):
        services.issue_certificate(Kind.KK, family.agus, actor=None)


def test_numbers_are_sequential_per_day(family):
    first = services.next_number(IssuedDocument.Kind.BIRTH)
    second = services.next_number(IssuedDocument.Kind.BIRTH)
    assert int(second[-4:]) == int(first[-4:]) + 1 and first[:-4] == second[:-4]


def test_qr_points_to_the_verification_page(family):
    from paksemmok.issuance.pdf import render_html, verification_url

    version = record_family_version(family.kk, reason="uji", actor=None)
    doc = services.issue_kk(version, actor=None)
    assert verification_url(doc) == f"https://paksemmok.example.id/verifikasi/{doc.code}"
    html = render_html(doc)
    assert 'src="data:image/svg+xml' in html


def test_a_new_kk_version_supersedes_the_old_document(family):
    old = services.issue_kk(record_family_version(family.kk, reason="uji", actor=None), actor=None)
    new = services.issue_kk(record_family_version(family.kk, reason="ubah", actor=None), actor=None)
    old.refresh_from_db()
    assert old.status == IssuedDocument.Status.SUPERSEDED and old.superseded_by == new
    assert new.status == IssuedDocument.Status.VALID
    assert AuditEntry.objects.filter(action="issuance.document.superseded").count() == 1


def test_codes_are_random_and_unique(family):
    docs = [services.issue_certificate(Kind.BIRTH, family.bayu, actor=None) for _ in range(3)]
    codes = {d.code for d in docs}
    assert len(codes) == 3 and all(len(c) == 16 for c in codes)


def test_making_a_pdf_leaves_pillows_truncated_image_guard_on(family):
    from PIL import ImageFile

    from paksemmok.issuance.pdf import render_pdf

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    render_pdf(services.issue_certificate(Kind.BIRTH, family.bayu, actor=None))
    # WeasyPrint turns it on at import; the upload checks rely on it being off.
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_make_demo_signing_key_is_idempotent(settings, tmp_path):
    from django.core.management import call_command

    settings.SIGNING_KEY_PATH = tmp_path / "s" / "key.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "s" / "cert.pem"
    call_command("make_demo_signing_key")
    first = settings.SIGNING_CERT_PATH.read_bytes()
    assert b"BEGIN CERTIFICATE" in first
    assert settings.SIGNING_KEY_PATH.stat().st_mode & 0o077 == 0
    call_command("make_demo_signing_key")
    assert settings.SIGNING_CERT_PATH.read_bytes() == first


def test_missing_key_in_production_is_a_clear_error(settings, tmp_path, family):
    from paksemmok.issuance.signing import SigningUnavailable, sign_pdf

    settings.DEBUG = False
    settings.SIGNING_KEY_PATH = tmp_path / "none.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "none-cert.pem"
    with pytest.raises(SigningUnavailable, match="make_demo_signing_key"):
        sign_pdf(b"%PDF-1.7", reason="x", location="x")


def test_demo_step_makes_the_signing_pair(settings, tmp_path):
    from paksemmok.demo import issuance as demo

    settings.SIGNING_KEY_PATH = tmp_path / "key.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "cert.pem"
    [(name, step)] = demo.STEPS
    step()
    assert name == "issuance.signing_key" and settings.SIGNING_KEY_PATH.exists()


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils (pdfsig) not installed")
def test_a_standard_pdf_reader_sees_the_signature(family, signing_pair, tmp_path):
    # Poppler (the engine of most Linux PDF viewers) must find and verify the signature, not
    # only pyHanko, which wrote it.
    version = record_family_version(family.kk, reason="uji", actor=None)
    path = tmp_path / "kk.pdf"
    path.write_bytes(pdf_bytes(services.issue_kk(version, actor=None)))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature #1" in result.stdout, result.stdout + result.stderr
    assert "Signature is Valid" in result.stdout, result.stdout
    assert "Drs. Uji Pejabat" in result.stdout
