"""Checking an uploaded file before it is stored: what it really is, and whether staff could
use it. Nothing the client says is trusted: not the name, not the extension, not the type.

Images are decoded and re-encoded as JPEG: that strips EXIF (including GPS positions taken
by phone cameras), rejects files that only pretend to be images, and bounds the stored size.
PDFs are opened with pypdf and kept byte for byte (re-writing a signed PDF would break it).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
PDF_TYPE = "application/pdf"
# Below this spread of grey levels a picture is one flat colour: a blank page, a lens cap.
BLANK_STDDEV = 4.0


class UploadRejected(Exception):
    """The file cannot be accepted; the message says why, in words a resident understands."""


@dataclass
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def read_limited(upload: UploadedFile, limit: int) -> bytes:
    """Reads at most `limit` bytes; a larger file is refused without reading the rest."""
    if upload.size is not None and upload.size > limit:
        raise UploadRejected(
            _("Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB.")
            % {"size": _mb(upload.size), "limit": _mb(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(
            _("Berkas terlalu besar. Batasnya %(limit)s MB.") % {"limit": _mb(limit)}
        )
    if not data:
        raise UploadRejected(_("Berkas kosong. Pilih atau foto ulang dokumennya."))
    return data


def sniff(data: bytes) -> str:
    """The type libmagic reads from the content itself."""
    return magic.from_buffer(data[:8192], mime=True)


def clean_upload(upload: UploadedFile, *, file_kinds: list[str], max_bytes: int) -> CleanFile:
    data = read_limited(upload, max_bytes)
    kind = sniff(data)
    accepts_images = "image" in file_kinds
    accepts_pdf = "pdf" in file_kinds
    if kind in IMAGE_TYPES and accepts_images:
        return clean_image(data)
    if kind == PDF_TYPE and accepts_pdf:
        return clean_pdf(data)
    if kind == "image/heic" or kind == "image/heif":
        raise UploadRejected(
            _(
                "Foto format HEIC belum didukung. Ubah pengaturan kamera ke "
                "JPG, atau unggah lewat tombol ini agar otomatis diubah."
            )
        )
    if accepts_images and accepts_pdf:
        expected = _("foto (JPG/PNG) atau PDF")
    elif accepts_pdf:
        expected = _("PDF")
    else:
        expected = _("foto (JPG/PNG)")
    raise UploadRejected(
        _("Jenis berkas tidak diterima. Unggah %(expected)s.") % {"expected": expected}
    )


def clean_image(data: bytes) -> CleanFile:
    max_pixels = settings.APPLICATIONS_MAX_IMAGE_PIXELS
    unreadable = UploadRejected(_("Foto tidak dapat dibuka. Foto ulang atau pilih berkas lain."))
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past 2x raises) on huge images; the explicit check below is
            # the rule, so a bomb is refused by its header before any pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if width * height > max_pixels:
                raise UploadRejected(
                    _("Foto terlalu besar (%(mp)s megapiksel). Batasnya %(limit)s megapiksel.")
                    % {"mp": (width * height) // 1_000_000, "limit": max_pixels // 1_000_000}
                )
            probe.verify()
            # verify() leaves the image unusable: open again to decode.
            image = Image.open(io.BytesIO(data))
            image.load()
    except UploadRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        # Pillow's own guard fired first (far beyond our limit).
        raise UploadRejected(
            _("Foto terlalu besar (lebih dari %(limit)s megapiksel).")
            % {"limit": max_pixels // 1_000_000}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unreadable from exc

    # The camera's orientation tag is applied before EXIF is dropped, or the page would
    # come out sideways.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    width, height = image.size
    min_side = settings.APPLICATIONS_MIN_IMAGE_SIDE
    if min(width, height) < min_side:
        raise UploadRejected(
            _(
                "Foto terlalu kecil (%(w)s×%(h)s piksel); tulisan tidak akan terbaca. Minimal "
                "%(min)s piksel pada sisi terpendek."
            )
            % {"w": width, "h": height, "min": min_side}
        )
    grey = image.convert("L")
    grey.thumbnail((256, 256))
    if ImageStat.Stat(grey).stddev[0] < BLANK_STDDEV:
        raise UploadRejected(
            _(
                "Foto tampak kosong (satu warna saja). Pastikan dokumen terlihat "
                "jelas lalu foto ulang."
            )
        )
    long_side = settings.APPLICATIONS_IMAGE_LONG_SIDE
    if max(width, height) > long_side:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= argument: Pillow writes no EXIF (nor GPS) unless given some.
    image.convert("RGB").save(
        out, "JPEG", quality=settings.APPLICATIONS_JPEG_QUALITY, optimize=True
    )
    content = out.getvalue()
    return CleanFile(
        content=content,
        content_type="image/jpeg",
        extension="jpg",
        sha256=hashlib.sha256(content).hexdigest(),
        width=image.width,
        height=image.height,
    )


def clean_pdf(data: bytes) -> CleanFile:
    unreadable = UploadRejected(
        _("PDF tidak dapat dibuka atau rusak. Simpan ulang PDF-nya, atau unggah foto dokumen.")
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(_("PDF dilindungi kata sandi. Unggah PDF tanpa kata sandi."))
        pages = len(reader.pages)
    except UploadRejected:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise unreadable from exc
    if pages == 0:
        raise unreadable
    limit = settings.APPLICATIONS_MAX_PDF_PAGES
    if pages > limit:
        raise UploadRejected(
            _("PDF terlalu banyak halaman (%(pages)s). Maksimal %(limit)s halaman.")
            % {"pages": pages, "limit": limit}
        )
    return CleanFile(
        content=data,
        content_type=PDF_TYPE,
        extension="pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
    )


def display_name(name: str) -> str:
    """The resident's file name, cut to something safe to show (never used as a path)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:120]
