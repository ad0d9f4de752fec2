"""Content disarm and reconstruction of every uploaded file, before it is stored.

Nothing the client says is trusted: not the name, not the extension, not the type. What is
stored is never the resident's file but a copy rebuilt from what it shows:

- Images are decoded to pixels (large JPEGs at a reduced scale, so memory stays bounded) and
  re-encoded as a plain JPEG in sRGB with nothing else: no EXIF/GPS, no comment or APPn
  segments, no XMP, no thumbnails, no trailing bytes (so no polyglots).
- PDFs are rebuilt with pikepdf (qpdf) into a new document holding the pages and their
  content only: annotations are flattened into the page, and no JavaScript, action, embedded
  file, form, XFA or rich media survives. Inflated size and object count are checked first, so
  a bomb is refused quickly without being inflated into memory.

The original's SHA-256 is returned for the audit entry; the original itself is dropped here.
Photos are also checked for blur, darkness, glare, low contrast and a document too small in
the frame: those never refuse (the resident may send anyway) but flag the file for staff.
"""

from __future__ import annotations

import hashlib
import io
import math
import time
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Any

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import (
    Image,
    ImageCms,
    ImageDraw,
    ImageFilter,
    ImageOps,
    ImageStat,
    UnidentifiedImageError,
)

from paksemmok.errors import DomainError

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
PDF_TYPE = "application/pdf"
# Below this spread of grey levels a picture is one flat colour: a blank page, a lens cap.
BLANK_STDDEV = 4.0
# Side of the grey copy the blank and quality checks look at: cheap, and the same scale
# whatever the camera, so thresholds mean the same for every photo (the browser uses it too).
# A quarter of the 2000 px the page sends (APPLICATIONS_IMAGE_LONG_SIDE), so the usual photo
# becomes its probe by one whole-factor box average with no resampling. Issue 14: at 800 px
# clean_image cost 1.7-1.9x a bare decode + re-encode of that photo, at 500 px 1.2-1.4x
# (`python bench/uploads.py`, part 2), and the labelled set scores the same (part 3).
PROBE_SIDE = 500
# The blank check looks at a copy of about this side: averaging over blocks of ~8 pixels
# of a 2000 px photo keeps sensor noise on a blank page from reading as content.
BLANK_SIDE = 256

# Photo quality thresholds, calibrated on the labelled set in tests/applications/
# quality_set.py (`python bench/uploads.py` prints precision and recall). Measured on the
# PROBE_SIDE grey copy; static/js/photo-check.js reads the same numbers from the page.
# Recalibrated when the probe went from 800 to 500 px: only sharpness moved (the same blur
# spans fewer pixels), to where 25 at 800 px put the line on the reference document (a blur
# of 2.7 px at 2000 px, 1.35 px at 1000 px), well inside the labelled set's gap (19 to 58).
QUALITY_THRESHOLDS = {
    "dark_mean": 70.0,  # mean grey level
    "bright_share": 0.2,  # share of pixels at 250 or above (blown out)
    "contrast_spread": 60.0,  # 98th - 2nd percentile grey level
    "sharpness": 38.0,  # mean |Laplacian| per 100 grey levels of spread, on edges only
    "doc_share": 0.12,  # share of the frame the document's strokes span
}
QUALITY_MESSAGES = {
    "blurry": gettext_lazy("Foto buram."),
    "dark": gettext_lazy("Foto terlalu gelap."),
    "bright": gettext_lazy("Foto terlalu terang (silau)."),
    "low_contrast": gettext_lazy("Foto pucat; tulisan sulit dibaca."),
    "small": gettext_lazy("Dokumen terlalu kecil dalam foto."),
}

# Names that make a PDF act rather than show; removed wherever they appear in the rebuilt
# document (qpdf has already decoded #xx escapes and object streams, so spelling tricks do
# not hide them).
_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/OpenAction",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/RichMediaContent",
    "/RichMediaSettings",
    "/Launch",
    "/Names",
    "/URI",
    "/SubmitForm",
    "/ImportData",
    "/Annots",
    "/Metadata",
    "/PieceInfo",
}
_ACTION_TYPES = {
    "/JavaScript",
    "/Launch",
    "/URI",
    "/SubmitForm",
    "/ResetForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/RichMediaExecute",
    "/Sound",
    "/Movie",
    "/Hide",
    "/Named",
    "/SetOCGState",
    "/GoTo3DView",
    "/Trans",
    "/GoTo",
    "/Thread",
}
# A page keeps only what draws it.
_PAGE_KEYS = {
    "/Type",
    "/Contents",
    "/Resources",
    "/MediaBox",
    "/CropBox",
    "/BleedBox",
    "/TrimBox",
    "/ArtBox",
    "/Rotate",
    "/UserUnit",
    "/Group",
}
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_IMAGE_CODECS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"}
# Worst-case growth of filters we do not inflate to measure (LZW is far worse: refused).
_EXPANSION = {"/ASCIIHexDecode": 1, "/AHx": 1, "/ASCII85Decode": 5, "/A85": 5}


class UploadRejected(DomainError):
    """The file cannot be accepted; the message says why and what to do, in words a resident
    understands; `code` is the same reason for programs (the API returns both, the reason in
    `details`)."""

    status = 422

    def __init__(self, message: str, code: str = "rejected") -> None:
        super().__init__(message, code)

    def api_error(self) -> tuple[str, str, Any, int]:
        return "upload_rejected", self.message, {"reason": self.code}, self.status


@dataclass
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    # The resident's file as received: for the audit entry only, never stored.
    original_sha256: str = ""
    width: int | None = None
    height: int | None = None
    pages: int | None = None
    # Photo quality flags ("blurry", "dark", ...) for staff; empty when the photo looks fine.
    quality: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.content)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _too_big(size: int | None, limit: int) -> UploadRejected:
    what = {"size": _mb(size or 0), "limit": _mb(limit)}
    message = (
        _("Berkas terlalu besar (%(size)s MB). Batasnya %(limit)s MB.") % what
        if size
        else _("Berkas terlalu besar. Batasnya %(limit)s MB.") % what
    )
    advice = _(
        "Kecilkan foto (unggah lewat tombol di halaman ini, yang mengecilkan otomatis) atau "
        "simpan ulang PDF dengan ukuran lebih kecil, lalu unggah lagi."
    )
    return UploadRejected(f"{message} {advice}", "file_too_large")


def read_limited(upload: UploadedFile, limit: int) -> bytes:
    """Reads at most `limit` bytes; a larger file is refused without reading the rest."""
    if upload.size is not None and upload.size > limit:
        raise _too_big(upload.size, limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(None, limit)
    if not data:
        raise UploadRejected(_("Berkas kosong. Pilih atau foto ulang dokumennya."), "empty")
    return data


def sniff(data: bytes) -> str:
    """The type libmagic reads from the content itself."""
    return magic.from_buffer(data[:8192], mime=True)


def clean_upload(upload: UploadedFile, *, file_kinds: list[str], max_bytes: int) -> CleanFile:
    data = read_limited(upload, max_bytes)
    kind = sniff(data)
    accepts_images = "image" in file_kinds
    accepts_pdf = "pdf" in file_kinds
    clean: CleanFile | None = None
    if kind in IMAGE_TYPES and accepts_images:
        clean = clean_image(data)
    elif kind == PDF_TYPE and accepts_pdf:
        clean = clean_pdf(data)
    if clean is not None:
        clean.original_sha256 = hashlib.sha256(data).hexdigest()
        return clean
    if kind == "image/heic" or kind == "image/heif":
        raise UploadRejected(
            _(
                "Foto format HEIC belum didukung. Ubah pengaturan kamera ke "
                "JPG, atau unggah lewat tombol ini agar otomatis diubah."
            ),
            "heic",
        )
    if accepts_images and accepts_pdf:
        expected = _("foto (JPG/PNG) atau PDF")
    elif accepts_pdf:
        expected = _("PDF")
    else:
        expected = _("foto (JPG/PNG)")
    raise UploadRejected(
        _("Jenis berkas tidak diterima. Unggah %(expected)s.") % {"expected": expected},
        "wrong_type",
    )


# --- Images ---------------------------------------------------------------------------


def _too_many_pixels(pixels: int, limit: int) -> UploadRejected:
    return UploadRejected(
        _(
            "Foto terlalu besar (%(mp)s megapiksel). Batasnya %(limit)s megapiksel. Kecilkan "
            "foto atau foto ulang dengan resolusi kamera lebih rendah, lalu unggah lagi."
        )
        % {"mp": pixels // 1_000_000, "limit": limit // 1_000_000},
        "image_too_many_pixels",
    )


def _open_image(data: bytes) -> Image.Image:
    """Decodes the image, large JPEGs at a reduced scale; refuses a pixel bomb by its header
    before any pixel is decoded."""
    long_side = settings.APPLICATIONS_IMAGE_LONG_SIDE
    try:
        with warnings.catch_warnings():
            # Our own limits below are the rule (Pillow's warning threshold is lower than
            # the pixel-bomb limit for JPEGs, which are decoded reduced).
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size
        pixels = width * height
        bomb_limit = settings.APPLICATIONS_MAX_IMAGE_PIXELS
        if pixels > bomb_limit:
            raise _too_many_pixels(pixels, bomb_limit)
        if image.format == "JPEG":
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale straight from the file: a 50 MP photo
            # costs the memory of a ~3 MP one. The result stays at least the stored size.
            scale = max(width, height) / long_side
            if scale > 1:
                image.draft(None, (math.ceil(width / scale), math.ceil(height / scale)))
        else:
            # PNG and WebP have no reduced decoding: they are decoded whole, so their own
            # (lower) limit bounds memory.
            full_limit = settings.APPLICATIONS_MAX_FULL_DECODE_PIXELS
            if pixels > full_limit:
                raise _too_many_pixels(pixels, full_limit)
        image.load()
    except UploadRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(10**9, settings.APPLICATIONS_MAX_IMAGE_PIXELS) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UploadRejected(
            _("Foto tidak dapat dibuka. Foto ulang atau pilih berkas lain."), "image_unreadable"
        ) from exc
    return image


_SRGB = ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    """Any mode to 8-bit "RGB" or "L" in sRGB: 16-bit and float scaled (not clipped),
    transparency laid on white paper, CMYK and tagged colour converted through their profile."""
    icc = image.info.get("icc_profile")
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # Clipping to 0-255 would turn a 16-bit scan white (and "blank"): scale from the
        # bit depth the data uses (16 bits, or 10/12 bits some scanners put in 16).
        wide = image.convert("F")
        top = max(wide.getextrema()[1], 255)
        full = 2 ** max(8, math.ceil(math.log2(top + 1))) - 1
        if full > 255:
            wide = wide.point(lambda v: v * (255.0 / full))
        return wide.convert("L")
    if mode in ("P", "PA"):
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("LA", "La", "RGBA", "RGBa"):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", image.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        image, mode = paper, "RGB"
    if mode == "1":
        return image.convert("L")
    if icc and mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken profile: fall back to the plain conversion below.
    if mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def _percentile(histogram: list[int], share: float) -> int:
    target = share * sum(histogram)
    running = 0
    for level, count in enumerate(histogram):
        running += count
        if running >= target:
            return level
    return 255


# Kernel filter for the Laplacian, and the table that keeps its strong edges (|v| > 24).
_LAPLACIAN = ImageFilter.Kernel((3, 3), [0, 1, 0, 1, -4, 1, 0, 1, 0], 1, 128)
_EDGE_TABLE = [255 if abs(level - 128) > 24 else 0 for level in range(256)]


def photo_measures(grey: Image.Image) -> dict[str, float]:
    """Figures the quality check compares with its thresholds, from a grey copy whose long
    side is PROBE_SIDE. The same computation runs in the browser (photo-check.js)."""
    histogram = grey.histogram()
    total = grey.width * grey.height
    low, high = _percentile(histogram, 0.02), _percentile(histogram, 0.98)
    spread = max(high - low, 1)
    lap = grey.filter(_LAPLACIAN)
    # Pillow copies the outermost pixels through unfiltered, so a light page touching the
    # frame would read as a ring of strong "edges" (inflating sharpness and stretching the
    # document's box to the whole frame); the browser counts them as 0, and so do we.
    ImageDraw.Draw(lap).rectangle((0, 0, lap.width - 1, lap.height - 1), outline=128)
    lap_hist = lap.histogram()
    # Mean |Laplacian| over the strongest 10% of pixels (where the writing is), per 100
    # grey levels of spread: sharp strokes keep it high, blur spreads it thin.
    magnitudes = [0] * 129
    for level, count in enumerate(lap_hist):
        magnitudes[min(abs(level - 128), 128)] += count
    wanted = max(total // 10, 1)
    taken = 0
    weighted = 0
    for magnitude in range(128, -1, -1):
        count = min(magnitudes[magnitude], wanted - taken)
        taken += count
        weighted += count * magnitude
        if taken >= wanted:
            break
    sharpness = (weighted / wanted) * 100 / spread
    # Where the strokes are: the box holding the middle 96% of strong-edge pixels.
    edges = lap.point(_EDGE_TABLE)
    cols = [c for c, v in enumerate(_projection(edges, axis=0)) if v]
    rows = [r for r, v in enumerate(_projection(edges, axis=1)) if v]
    if cols and rows:
        (left, right), (top, bottom) = _trim(cols), _trim(rows)
        doc_share = (right - left + 1) * (bottom - top + 1) / total
    else:
        doc_share = 0.0
    return {
        # From the histogram already taken, not a second pass over the pixels.
        "mean": ImageStat.Stat(histogram).mean[0],
        "bright_share": sum(histogram[250:]) / total,
        "spread": float(high - low),
        "sharpness": sharpness,
        "doc_share": doc_share,
    }


def _projection(edges: Image.Image, axis: int) -> list[int]:
    # Column (axis 0) or row (axis 1) edge counts as a share of the line, via reduce (a box
    # average over the whole column or row, rounded: one fast pass in C, no numpy). Over 6
    # of 255: about 2.5% of the line or more is edge.
    factor = (1, edges.height) if axis == 0 else (edges.width, 1)
    line = edges.reduce(factor)
    return [1 if v > 6 else 0 for v in line.tobytes()]


def _trim(indices: list[int]) -> tuple[int, int]:
    cut = len(indices) // 50
    return indices[cut], indices[len(indices) - 1 - cut]


def quality_flags(measures: dict[str, float]) -> list[str]:
    t = QUALITY_THRESHOLDS
    flags = []
    if measures["mean"] < t["dark_mean"]:
        flags.append("dark")
    if measures["bright_share"] > t["bright_share"]:
        flags.append("bright")
    if not flags and measures["spread"] < t["contrast_spread"]:
        # A dark or glaring photo is also flat; its cause is the message that helps.
        flags.append("low_contrast")
    if not flags and measures["sharpness"] < t["sharpness"]:
        # Dark or washed-out photos also look soft; name the cause the resident can fix.
        flags.append("blurry")
    if not flags and measures["doc_share"] < t["doc_share"]:
        # Judged from the strokes' edges, which blur and darkness also weaken: only
        # asked about when the photo is otherwise fine.
        flags.append("small")
    return flags


def probe(image: Image.Image, side: int = PROBE_SIDE) -> Image.Image:
    """The small grey copy the blank and quality checks look at: shrunk by a whole factor
    first (a box average, cheap), then to exactly `side` on the long edge."""
    grey = image if image.mode == "L" else image.convert("L")
    long_side = max(grey.size)
    if long_side <= side:
        return grey
    # The short edge rounded as photo-check.js rounds it, so both copies have one shape.
    scale = side / long_side
    size = (max(int(grey.width * scale + 0.5), 1), max(int(grey.height * scale + 0.5), 1))
    factor = long_side // side
    if factor >= 2:
        grey = grey.reduce(factor)
    if grey.size != size:
        grey = grey.resize(size, Image.Resampling.BOX)
    return grey


def clean_image(data: bytes) -> CleanFile:
    image = _open_image(data)
    # The camera's orientation tag is applied before EXIF is dropped, or the page would
    # come out sideways.
    ImageOps.exif_transpose(image, in_place=True)
    image = _to_srgb(image)
    # Pillow would write a JPEG comment (COM) read from the source back out on save.
    image.info = {}
    width, height = image.size
    min_side = settings.APPLICATIONS_MIN_IMAGE_SIDE
    if min(width, height) < min_side:
        raise UploadRejected(
            _(
                "Foto terlalu kecil (%(w)s×%(h)s piksel); tulisan tidak akan terbaca. Minimal "
                "%(min)s piksel pada sisi terpendek. Foto ulang dari jarak lebih dekat."
            )
            % {"w": width, "h": height, "min": min_side},
            "image_too_small",
        )
    grey = probe(image)
    # The whole factor nearest BLANK_SIDE, not the one below it: from a 500 px probe that is
    # 2 (250 px), where flooring would look at the probe itself and let noise pass as content.
    blank = grey.reduce(max(round(max(grey.size) / BLANK_SIDE), 1))
    if ImageStat.Stat(blank).stddev[0] < BLANK_STDDEV:
        raise UploadRejected(
            _(
                "Foto tampak kosong (satu warna saja). Pastikan dokumen terlihat "
                "jelas lalu foto ulang."
            ),
            "image_blank",
        )
    flags = quality_flags(photo_measures(grey))
    long_side = settings.APPLICATIONS_IMAGE_LONG_SIDE
    if max(width, height) > long_side:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    content = encode_jpeg(image)
    return CleanFile(
        content=content,
        content_type="image/jpeg",
        extension="jpg",
        sha256=hashlib.sha256(content).hexdigest(),
        width=image.width,
        height=image.height,
        quality=flags,
    )


def encode_jpeg(image: Image.Image) -> bytes:
    """Pixels only: no exif=, icc_profile= or comment= argument, so Pillow writes none."""
    out = io.BytesIO()
    # convert() copies even an image already in RGB (~0.6 ms for a 2000 px photo).
    (image if image.mode == "RGB" else image.convert("RGB")).save(
        out,
        "JPEG",
        quality=settings.APPLICATIONS_JPEG_QUALITY,
        optimize=settings.APPLICATIONS_JPEG_OPTIMIZE,
        progressive=settings.APPLICATIONS_JPEG_PROGRESSIVE,
    )
    return out.getvalue()


# --- PDFs -----------------------------------------------------------------------------


def _pdf_unreadable() -> UploadRejected:
    return UploadRejected(
        _("PDF tidak dapat dibuka atau rusak. Simpan ulang PDF-nya, atau unggah foto dokumen."),
        "pdf_unreadable",
    )


def _pdf_too_complex() -> UploadRejected:
    return UploadRejected(
        _(
            "PDF ini tidak dapat dibersihkan untuk diperiksa petugas (isinya terlalu besar atau "
            "tidak biasa). Simpan ulang sebagai PDF biasa (Cetak → Simpan sebagai PDF), atau "
            "unggah foto dokumen."
        ),
        "pdf_not_rebuildable",
    )


def _filters(stream) -> list[str]:  # type: ignore[no-untyped-def]
    import pikepdf

    value = stream.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return [str(v) for v in value]
    return [str(value)]


def _inflated_size(stream, budget: int) -> int:  # type: ignore[no-untyped-def]
    """The stream's decoded size, inflating a chunk at a time and keeping none of it; stops
    as soon as the budget is spent (a flate bomb costs a few MB of memory, not a GiB)."""
    raw = stream.read_raw_bytes()
    filters = _filters(stream)
    if not filters:
        return len(raw)
    first = filters[0]
    if first in ("/FlateDecode", "/Fl"):
        inflater = zlib.decompressobj()
        produced = 0
        pending = raw
        try:
            while pending and produced <= budget:
                chunk = inflater.decompress(pending, 1 << 20)
                produced += len(chunk)
                pending = inflater.unconsumed_tail
                if not chunk and not pending:
                    break
        except zlib.error:
            pass  # Damaged data decodes to little; the rebuild decides what it is worth.
        return produced
    if first in _IMAGE_CODECS:
        return len(raw)
    if first in _EXPANSION:
        return len(raw) * _EXPANSION[first]
    # LZW, RunLength and unknown filters can multiply their input many times over.
    raise _pdf_too_complex()


def _check_pdf_limits(pdf) -> None:  # type: ignore[no-untyped-def]
    import pikepdf

    deadline = time.monotonic() + settings.APPLICATIONS_PDF_MAX_SECONDS
    objects = pdf.objects
    if len(objects) > settings.APPLICATIONS_PDF_MAX_OBJECTS:
        raise _pdf_too_complex()
    budget = settings.APPLICATIONS_PDF_MAX_INFLATED_BYTES
    max_pixels = settings.APPLICATIONS_MAX_IMAGE_PIXELS
    for obj in objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Image:
            width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
            if width * height > max_pixels:
                raise _pdf_too_complex()
        budget -= _inflated_size(obj, budget)
        if budget < 0 or time.monotonic() > deadline:
            raise _pdf_too_complex()


def _inherit(page) -> None:  # type: ignore[no-untyped-def]
    """Copies attributes a page inherits from its page tree onto the page itself, as the
    rebuilt document has no tree of its own."""
    for key in _INHERITED:
        if key in page:
            continue
        node = page.get("/Parent")
        depth = 0
        while node is not None and depth < 64:
            if key in node:
                page[key] = node[key]
                break
            node = node.get("/Parent")
            depth += 1


def _disarm(obj, seen: set) -> None:  # type: ignore[no-untyped-def]
    """Removes every active key, and every action dictionary, reachable from `obj`."""
    import pikepdf

    stack = [obj]
    while stack:
        current = stack.pop()
        if isinstance(current, (pikepdf.Dictionary, pikepdf.Stream)):
            if current.is_indirect:
                key = current.objgen
                if key in seen:
                    continue
                seen.add(key)
            for name in list(current.keys()):
                value = current.get(name)
                is_action = (
                    isinstance(value, pikepdf.Dictionary) and str(value.get("/S")) in _ACTION_TYPES
                )
                if name in _ACTIVE_KEYS or is_action or name in ("/A", "/Dest", "/Next"):
                    del current[name]
                else:
                    stack.append(value)
        elif isinstance(current, pikepdf.Array):
            if current.is_indirect:
                key = current.objgen
                if key in seen:
                    continue
                seen.add(key)
            stack.extend(current)


def rebuild_pdf(data: bytes) -> tuple[bytes, int]:
    """A new PDF holding only the pages of `data` and what draws them; refuses what cannot
    be opened, exceeds the limits, or cannot be rebuilt."""
    import pikepdf

    try:
        # An empty password opens files that only carry an owner password (they open in
        # any reader); a real user password raises PasswordError.
        source = pikepdf.open(io.BytesIO(data), password="")
    except pikepdf.PasswordError as exc:
        raise UploadRejected(
            _(
                "PDF dilindungi kata sandi. Simpan ulang PDF tanpa kata sandi (buka dengan "
                "kata sandinya, lalu Cetak → Simpan sebagai PDF), lalu unggah lagi."
            ),
            "pdf_password",
        ) from exc
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as exc:
        raise _pdf_unreadable() from exc
    with source:
        try:
            pages = len(source.pages)
        except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
            raise _pdf_unreadable() from exc
        if pages == 0:
            raise _pdf_unreadable()
        limit = settings.APPLICATIONS_MAX_PDF_PAGES
        if pages > limit:
            raise UploadRejected(
                _(
                    "PDF terlalu banyak halaman (%(pages)s). Maksimal %(limit)s halaman. "
                    "Unggah hanya halaman dokumen yang diminta."
                )
                % {"pages": pages, "limit": limit},
                "pdf_too_many_pages",
            )
        try:
            _check_pdf_limits(source)
            try:
                # Filled-in forms and stamps show through their appearance; drawing that
                # into the page keeps what the resident sees, without the form machinery.
                source.generate_appearance_streams()
                source.flatten_annotations("all")
            except (pikepdf.PdfError, RuntimeError, ValueError):
                pass  # Annotations that cannot be flattened are dropped below.
            rebuilt = pikepdf.new()
            for page in source.pages:
                obj = page.obj
                _inherit(obj)
                for key in list(obj.keys()):
                    if key not in _PAGE_KEYS:
                        del obj[key]
                rebuilt.pages.append(page)
            seen: set = set()
            for page in rebuilt.pages:
                _disarm(page.obj, seen)
            for key in list(rebuilt.Root.keys()):
                if key not in ("/Type", "/Pages"):
                    del rebuilt.Root[key]
            for key in list(rebuilt.trailer.keys()):
                if key not in ("/Root", "/Size", "/ID"):
                    del rebuilt.trailer[key]
            out = io.BytesIO()
            rebuilt.remove_unreferenced_resources()
            rebuilt.save(
                out,
                compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                deterministic_id=True,
                fix_metadata_version=False,
            )
        except UploadRejected:
            raise
        except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, KeyError) as exc:
            raise _pdf_too_complex() from exc
    return out.getvalue(), pages


def clean_pdf(data: bytes) -> CleanFile:
    content, pages = rebuild_pdf(data)
    return CleanFile(
        content=content,
        content_type=PDF_TYPE,
        extension="pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
    )


def display_name(name: str) -> str:
    """The resident's file name, cut to something safe to show (never used as a path)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:120]
