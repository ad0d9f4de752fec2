"""Content disarm and reconstruction, checked on the STORED copy: each hostile or awkward file
goes through the upload service (the one the page and the API call) and what lands in storage
is opened and searched."""

from __future__ import annotations

import hashlib
import io
import tracemalloc

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from paksemmok.applications import services
from paksemmok.applications.uploads import UploadRejected, clean_upload
from paksemmok.audit.models import AuditEntry
from paksemmok.catalog.models import Requirement
from tests.cast import variant

from . import hostile_files as hostile

BOTH = ["image", "pdf"]
MB5 = 5 * 1024 * 1024
ACTIVE = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/OpenAction",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMediaContent",
    "/Launch",
    "/Annots",
    "/A",
}


def as_upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def slot(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    return app, Requirement.objects.get(variant=app.variant, code="kk"), agus_user


def store(slot, data: bytes, name: str):
    app, requirement, user = slot
    doc = services.attach_document(app, requirement, as_upload(data, name), actor=user)
    with doc.file.storage.open(doc.file.name, "rb") as stored:
        return doc, stored.read()


def active_names(data: bytes) -> set[str]:
    """Every active key or action type anywhere in the PDF, after qpdf has decoded escapes
    and object streams."""
    found: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                found |= set(obj.keys()) & ACTIVE
                kind = obj.get("/S")
                if kind in (pikepdf.Name.JavaScript, pikepdf.Name.Launch):
                    found.add(str(kind))
        found |= set(pdf.Root.keys()) - {"/Type", "/Pages"}
        for page in pdf.pages:
            found |= set(page.obj.keys()) & ACTIVE
    return found


HOSTILE_PDFS = {
    "javascript-openaction-objstm": hostile.js_pdf,
    "javascript-hex-escaped-names": hostile.hex_escaped_js_pdf,
    "launch": hostile.launch_pdf,
    "embedded-file": hostile.embedded_file_pdf,
    "form-xfa-richmedia": hostile.form_pdf,
    "html-polyglot": hostile.polyglot_pdf,
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", HOSTILE_PDFS)
def test_hostile_pdf_is_stored_rebuilt_with_pages_only(slot, kind):
    original = HOSTILE_PDFS[kind]()
    # The attack is really there before the upload.
    assert active_names(original) or b"<script>" in original
    doc, stored = store(slot, original, "kk.pdf")
    assert active_names(stored) == set()
    for needle in (b"JavaScript", b"alert", b"cmd.exe", b"Launch", b"MZ\x90", b"<script", b"xdp"):
        assert needle not in stored, needle
    assert stored.rstrip().endswith(b"%%EOF")
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == doc.pages == 1
        assert not pdf.is_encrypted
    # The page itself survived: PDFium still draws the blue box of the original.
    from paksemmok.applications.viewer import render_page

    page = Image.open(io.BytesIO(render_page(doc, 1)))
    assert page.width > 500
    assert any(b > 150 and r < 80 for r, g, b in page.convert("RGB").get_flattened_data())
    # Audit: what was received (never kept) and what was stored.
    entry = AuditEntry.objects.get(action="applications.document.uploaded")
    assert entry.details["original_sha256"] == hashlib.sha256(original).hexdigest()
    assert entry.details["sha256"] == hashlib.sha256(stored).hexdigest() == doc.sha256
    assert entry.details["sha256"] != entry.details["original_sha256"]


def test_filled_form_keeps_what_it_shows():
    """The field value is drawn into the page (flattened), the form machinery is gone."""
    clean = clean_upload(as_upload(hostile.form_pdf(), "f.pdf"), file_kinds=BOTH, max_bytes=MB5)
    with pikepdf.open(io.BytesIO(clean.content)) as pdf:
        page = pdf.pages[0]
        assert "/Annots" not in page.obj
        assert "/XObject" in page.obj.Resources  # the field's appearance, now page content


@pytest.mark.django_db
def test_flate_bomb_is_refused_quickly_in_bounded_memory(slot):
    bomb = hostile.flate_bomb_pdf(1 << 30)  # 1 GiB inflated
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UploadRejected) as refused:
            store(slot, bomb, "bom.pdf")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.code == "pdf_not_rebuildable"
    assert "Simpan ulang" in str(refused.value)
    assert peak < 64 * 1024 * 1024
    assert not slot[0].documents.exists()


@pytest.mark.django_db
def test_owner_password_only_pdf_is_accepted_and_stored_unencrypted(slot):
    original = hostile.owner_password_pdf()
    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert pdf.is_encrypted
    _doc, stored = store(slot, original, "kk.pdf")
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert not pdf.is_encrypted and len(pdf.pages) == 1


def test_user_password_pdf_says_what_to_do():
    with pytest.raises(UploadRejected, match="Simpan ulang PDF tanpa kata sandi") as refused:
        clean_upload(
            as_upload(hostile.user_password_pdf(), "a.pdf"), file_kinds=BOTH, max_bytes=MB5
        )
    assert refused.value.code == "pdf_password"


def jpeg_segments(data: bytes) -> list[int]:
    """Markers before the image data (SOS)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        marker = data[at + 1]
        if marker == 0xDA:
            break
        markers.append(marker)
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return markers


@pytest.mark.django_db
def test_jpeg_metadata_segments_and_appended_payload_are_not_stored(slot):
    original = hostile.jpeg_with_segments()
    assert hostile.PHP in original and 0xFE in jpeg_segments(original)
    _doc, stored = store(slot, original, "kk.jpg")
    assert hostile.PHP not in stored and b"PK\x03\x04" not in stored
    assert b"xmpmeta" not in stored and b"Photoshop" not in stored
    # Only the bare JFIF header (APP0, no thumbnail), tables and frame: no COM, no APP1-15.
    markers = jpeg_segments(stored)
    assert 0xFE not in markers
    assert not [m for m in markers if 0xE1 <= m <= 0xEF]
    assert stored.endswith(b"\xff\xd9")


@pytest.mark.django_db
def test_jpeg_polyglot_with_pdf_inside_is_stored_as_a_plain_jpeg(slot):
    """A JPEG whose comment holds a whole PDF (it opens as both)."""
    pdf_inside = hostile.js_pdf()
    base = hostile.jpeg(hostile.document_image())
    body = b"\xff\xfe" + (len(pdf_inside) + 2).to_bytes(2, "big") + pdf_inside
    polyglot = base[:2] + body + base[2:]
    _doc, stored = store(slot, polyglot, "kk.jpg")
    assert b"%PDF" not in stored and b"JavaScript" not in stored


@pytest.mark.django_db
def test_fifty_megapixel_photo_is_shrunk_not_refused(slot):
    photo = hostile.jpeg(hostile.document_image(8660, 5774), quality=80)
    assert Image.open(io.BytesIO(photo)).size == (8660, 5774)
    tracemalloc.start()
    try:
        doc, stored = store(slot, photo, "kk.jpg")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (doc.width, doc.height) == (2000, 1334)
    assert Image.open(io.BytesIO(stored)).size == (2000, 1334)
    # Decoded at 1/4 scale: far below the 150 MB the full 50 MP picture takes in RGB.
    assert peak < 60 * 1024 * 1024


def test_pixel_bomb_limit_still_refuses_with_advice(settings):
    settings.APPLICATIONS_MAX_IMAGE_PIXELS = 20_000_000
    photo = hostile.jpeg(hostile.document_image(6000, 4000))
    with pytest.raises(UploadRejected, match=r"24 megapiksel\). Batasnya 20 megapiksel. Kecilkan"):
        clean_upload(as_upload(photo, "a.jpg"), file_kinds=BOTH, max_bytes=MB5)


@pytest.mark.django_db
def test_sixteen_bit_grey_scan_is_accepted_and_keeps_its_contrast(slot):
    scan = hostile.grey16_scan()
    assert Image.open(io.BytesIO(scan)).mode.startswith("I;16")
    doc, stored = store(slot, scan, "scan.png")
    image = Image.open(io.BytesIO(stored)).convert("L")
    low, high = image.getextrema()
    assert low < 80 and high > 200  # dark strokes on light paper, not clipped white
    assert doc.quality_flags == []


def test_blank_sixteen_bit_scan_is_still_blank():
    with pytest.raises(UploadRejected, match="kosong") as refused:
        clean_upload(
            as_upload(hostile.grey16_scan(blank=True), "s.png"), file_kinds=BOTH, max_bytes=MB5
        )
    assert refused.value.code == "image_blank"


def _modes():
    doc = hostile.document_image()
    paper = Image.new("RGB", doc.size, (236, 232, 220))
    transparent = Image.new("RGBA", doc.size, (0, 0, 0, 0))
    return {
        "palette": (
            hostile.png(doc.convert("P", palette=Image.Palette.ADAPTIVE)),
            hostile.png(paper.convert("P")),
        ),
        "palette-transparent": (
            hostile.png(doc.convert("RGBA").convert("P", palette=Image.Palette.ADAPTIVE)),
            hostile.png(transparent.convert("P")),
        ),
        "cmyk": (hostile.jpeg(doc.convert("CMYK")), hostile.jpeg(paper.convert("CMYK"))),
        "la": (hostile.png(doc.convert("LA")), hostile.png(paper.convert("LA"))),
        "rgba": (hostile.png(doc.convert("RGBA")), hostile.png(transparent)),
        "bilevel": (
            hostile.png(doc.convert("1")),
            hostile.png(paper.convert("1", dither=Image.Dither.NONE)),
        ),
        "i16": (hostile.grey16_scan(), hostile.grey16_scan(blank=True)),
    }


@pytest.mark.parametrize("mode", list(_modes()))
def test_every_mode_is_accepted_and_blank_detection_holds(mode):
    document, blank = _modes()[mode]
    clean = clean_upload(as_upload(document, "d"), file_kinds=BOTH, max_bytes=MB5)
    stored = Image.open(io.BytesIO(clean.content))
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert stored.convert("L").getextrema()[1] - stored.convert("L").getextrema()[0] > 100
    with pytest.raises(UploadRejected) as refused:
        clean_upload(as_upload(blank, "b"), file_kinds=BOTH, max_bytes=MB5)
    assert refused.value.code == "image_blank"


def test_colour_profile_is_applied_then_dropped():
    """A tagged photo goes through its profile to sRGB; the stored copy carries no profile
    (untagged JPEG means sRGB)."""
    from pathlib import Path

    import pikepdf as _pikepdf  # its bundled sRGB profile stands in for a camera's

    profile = (Path(_pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc").read_bytes()
    data = hostile.jpeg(hostile.document_image(800, 600), icc_profile=profile)
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    clean = clean_upload(as_upload(data, "c.jpg"), file_kinds=BOTH, max_bytes=MB5)
    stored = Image.open(io.BytesIO(clean.content))
    assert "icc_profile" not in stored.info
    assert 0xE2 not in jpeg_segments(clean.content)
