"""PDF pages as images for staff: the (already rebuilt) PDF is rendered on the server with
PDFium, so the browser only ever receives pixels. Nothing of the PDF runs in the browser, and
PDFium runs with forms off and no JavaScript (pypdfium2 does not enable V8)."""

from __future__ import annotations

import io
import threading

from django.conf import settings

from .models import ApplicationDocument

# PDFium is not thread-safe; a threaded server must not render two pages at once.
_PDFIUM = threading.Lock()
# A page a few metres tall must not become a pixel bomb: the rendered image is capped.
MAX_PAGE_PIXELS = 12_000_000


class PageNotFound(Exception):
    pass


def render_page(document: ApplicationDocument, number: int) -> bytes:
    """Page `number` (from 1) of a stored PDF as a JPEG, at most APPLICATIONS_PDF_VIEW_WIDTH
    wide."""
    import pypdfium2 as pdfium

    if document.is_image or not 1 <= number <= (document.pages or 0):
        raise PageNotFound
    with document.file.storage.open(document.file.name, "rb") as stored:
        data = stored.read()
    with _PDFIUM:
        pdf = pdfium.PdfDocument(data)
        try:
            if number > len(pdf):
                raise PageNotFound
            page = pdf[number - 1]
            width, height = page.get_size()
            scale = settings.APPLICATIONS_PDF_VIEW_WIDTH / max(width, 1)
            if width * height * scale * scale > MAX_PAGE_PIXELS:
                scale = (MAX_PAGE_PIXELS / max(width * height, 1)) ** 0.5
            bitmap = page.render(scale=scale, may_draw_forms=False)
            image = bitmap.to_pil().convert("RGB")
            page.close()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
