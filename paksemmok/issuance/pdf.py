"""The A4 documents as HTML rendered by WeasyPrint, with a QR code to the verification page."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import IssuedDocument

# WeasyPrint logs every layout step at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STYLESHEET = Path(__file__).parent / "templates" / "issuance" / "pdf" / "document.css"
TEMPLATES = {
    IssuedDocument.Kind.KK: "issuance/pdf/kk.html",
    IssuedDocument.Kind.BIRTH: "issuance/pdf/akta_kelahiran.html",
    IssuedDocument.Kind.DEATH: "issuance/pdf/akta_kematian.html",
}


def verification_url(document: IssuedDocument) -> str:
    return settings.SITE_URL + reverse("issuance:verify", args=[document.code])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def render_html(document: IssuedDocument) -> str:
    url = verification_url(document)
    context: dict[str, Any] = {
        "doc": document,
        "data": document.data,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "regency_name": settings.REGENCY_NAME,
        "agency_name": settings.AGENCY_NAME,
        "signer_title": settings.SIGNER_TITLE,
    }
    # Official documents are in Indonesian whatever the staff member's language.
    with translation.override("id"):
        return render_to_string(TEMPLATES[document.kind], context)


def _weasyprint_html() -> Any:
    """WeasyPrint's HTML class, imported late (loading Pango costs ~0.3 s at start-up).

    Importing WeasyPrint sets Pillow's process-wide ImageFile.LOAD_TRUNCATED_IMAGES = True,
    which would make the upload checks (applications/uploads.py) accept truncated photos in
    any process that has made a PDF. Our documents embed no raster images (the QR is SVG),
    so the flag is put back as it was.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


@functools.cache
def _font_config() -> Any:
    """One font configuration per process: WeasyPrint otherwise builds a fresh one (and
    registers the fonts with fontconfig again) for every document."""
    _weasyprint_html()
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _stylesheet() -> Any:
    """document.css parsed once per process: compiling its selectors cost more than laying
    out a page when the rules came with every document's HTML."""
    _weasyprint_html()
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), font_config=_font_config())


def render_pdf(document: IssuedDocument) -> bytes:
    html = _weasyprint_html()
    return html(string=render_html(document), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[_stylesheet()],
        font_config=_font_config(),
    )
