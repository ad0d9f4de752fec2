"""Every file check, with files made here: the type is sniffed, images are decoded and
re-encoded without EXIF/GPS, tiny/blank/huge images and bad PDFs are refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops

from paksemmok.applications import services
from paksemmok.applications.uploads import UploadRejected, clean_upload
from paksemmok.catalog.models import Requirement
from tests.cast import pdf, pdf_bytes, photo, photo_bytes, variant

BOTH = ["image", "pdf"]
MB5 = 5 * 1024 * 1024


def upload(content: bytes, name: str = "x.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_photo_is_reencoded_without_exif_or_gps():
    original = photo_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    clean = clean_upload(upload(original), file_kinds=BOTH, max_bytes=MB5)
    stored = Image.open(io.BytesIO(clean.content))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert b"Exif" not in clean.content[:200]
    assert clean.content_type == "image/jpeg" and clean.extension == "jpg"


def test_png_is_accepted_and_stored_as_jpeg():
    clean = clean_upload(
        upload(photo_bytes(fmt="PNG"), "scan.png", "image/png"), file_kinds=BOTH, max_bytes=MB5
    )
    assert clean.content_type == "image/jpeg"


def test_big_photo_is_shrunk_to_the_long_side(settings):
    clean = clean_upload(upload(photo_bytes(3000, 2200)), file_kinds=BOTH, max_bytes=MB5)
    assert (clean.width, clean.height) == (2000, 1467)


def test_the_real_type_decides_not_the_name():
    # An executable named like a photo.
    with pytest.raises(UploadRejected, match="Jenis berkas tidak diterima"):
        clean_upload(
            upload(b"MZ\x90\x00" + b"\x00" * 500, "ktp.jpg"), file_kinds=BOTH, max_bytes=MB5
        )
    # A real PDF named .jpg is taken as the PDF it is.
    clean = clean_upload(upload(pdf_bytes(), "ktp.jpg"), file_kinds=BOTH, max_bytes=MB5)
    assert clean.content_type == "application/pdf" and clean.extension == "pdf"
    # An HTML page pretending to be a PDF.
    with pytest.raises(UploadRejected):
        clean_upload(
            upload(b"<html><script>alert(1)</script></html>", "a.pdf", "application/pdf"),
            file_kinds=BOTH,
            max_bytes=MB5,
        )


def test_pdf_refused_where_only_photos_are_accepted():
    with pytest.raises(UploadRejected, match=r"foto \(JPG/PNG\)"):
        clean_upload(upload(pdf_bytes(), "foto.pdf"), file_kinds=["image"], max_bytes=MB5)


def test_truncated_image_is_refused():
    data = photo_bytes()
    with pytest.raises(UploadRejected, match="tidak dapat dibuka"):
        clean_upload(upload(data[: len(data) // 3]), file_kinds=BOTH, max_bytes=MB5)


def test_tiny_image_is_refused():
    with pytest.raises(UploadRejected, match="terlalu kecil"):
        clean_upload(upload(photo_bytes(200, 150)), file_kinds=BOTH, max_bytes=MB5)


def test_blank_image_is_refused():
    with pytest.raises(UploadRejected, match="kosong"):
        clean_upload(upload(photo_bytes(colour="white")), file_kinds=BOTH, max_bytes=MB5)


def test_blank_page_with_camera_grain_is_still_blank():
    """The blank check looks at a copy of about BLANK_SIDE pixels, coarser than the quality
    probe: a phone camera's grain on an empty page (spread 5 on the probe) is not writing."""
    paper = Image.new("RGB", (2000, 1500), (236, 232, 220))
    grain = Image.effect_noise(paper.size, 24)  # grey noise around 128
    grainy = Image.merge("RGB", [ImageChops.add(band, grain, 1, -128) for band in paper.split()])
    out = io.BytesIO()
    grainy.save(out, "JPEG", quality=85)
    with pytest.raises(UploadRejected, match="kosong") as refused:
        clean_upload(upload(out.getvalue()), file_kinds=BOTH, max_bytes=MB5)
    assert refused.value.code == "image_blank"


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims enormous dimensions: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding():
    bomb = png_header_only(30000, 30000)
    assert len(bomb) < 2000
    with pytest.raises(UploadRejected, match="megapiksel"):
        clean_upload(upload(bomb, "bom.png", "image/png"), file_kinds=BOTH, max_bytes=MB5)
    # Over our limit (40 MP) but under Pillow's own guard: our check answers, by the header.
    with pytest.raises(UploadRejected, match="48 megapiksel"):
        clean_upload(
            upload(png_header_only(8000, 6000), "b.png", "image/png"),
            file_kinds=BOTH,
            max_bytes=MB5,
        )


def test_encrypted_pdf_is_refused():
    with pytest.raises(UploadRejected, match="kata sandi"):
        clean_upload(upload(pdf_bytes(password="rahasia"), "a.pdf"), file_kinds=BOTH, max_bytes=MB5)


def test_broken_pdf_is_refused():
    broken = b"%PDF-1.7\n" + b"garbage " * 200
    with pytest.raises(UploadRejected, match="PDF tidak dapat dibuka"):
        clean_upload(upload(broken, "a.pdf"), file_kinds=BOTH, max_bytes=MB5)


def test_pdf_page_limit(settings):
    settings.APPLICATIONS_MAX_PDF_PAGES = 3
    assert clean_upload(upload(pdf_bytes(3), "a.pdf"), file_kinds=BOTH, max_bytes=MB5).pages == 3
    with pytest.raises(UploadRejected, match="terlalu banyak halaman"):
        clean_upload(upload(pdf_bytes(4), "a.pdf"), file_kinds=BOTH, max_bytes=MB5)


def test_size_limit_per_file():
    with pytest.raises(UploadRejected, match="terlalu besar"):
        clean_upload(upload(photo_bytes()), file_kinds=BOTH, max_bytes=1000)


def test_empty_file_is_refused():
    with pytest.raises(UploadRejected, match="kosong"):
        clean_upload(upload(b""), file_kinds=BOTH, max_bytes=MB5)


@pytest.mark.django_db
def test_size_limit_per_application(settings, family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    first = services.attach_document(
        app, Requirement.objects.get(variant=app.variant, code="kk"), photo(), actor=agus_user
    )
    settings.APPLICATIONS_MAX_TOTAL_BYTES = first.size + 1000
    f201 = Requirement.objects.get(variant=app.variant, code="f201")
    with pytest.raises(UploadRejected, match="Total berkas"):
        services.attach_document(app, f201, photo(seed=3), actor=agus_user)
    # Nothing of the refused file stays behind.
    assert app.documents.count() == 1
    storage_root = settings.STORAGES["default"]["OPTIONS"]["location"]
    from pathlib import Path

    assert len([p for p in Path(storage_root).rglob("*") if p.is_file()]) == 1


@pytest.mark.django_db
def test_stored_under_a_random_name_never_the_residents(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    kk = Requirement.objects.get(variant=app.variant, code="kk")
    doc = services.attach_document(
        app, kk, photo(name="../../etc/KK Agus <script>.jpg"), actor=agus_user
    )
    assert doc.file.name.startswith("applications/")
    assert "Agus" not in doc.file.name and ".." not in doc.file.name
    assert doc.file.name.endswith(".jpg")
    assert doc.original_name == "KK Agus <script>.jpg"


@pytest.mark.django_db
def test_replacing_a_file_in_a_draft_deletes_the_old_one(
    family, agus_user, django_capture_on_commit_callbacks
):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    kk = Requirement.objects.get(variant=app.variant, code="kk")
    first = services.attach_document(app, kk, pdf(), actor=agus_user)
    storage, name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.attach_document(app, kk, photo(), actor=agus_user)
    assert app.documents.count() == 1
    assert not storage.exists(name)
