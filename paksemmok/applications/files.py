"""Every private file leaves the server through `private_file_response`: residents' uploads
(resident, helper and staff pages, and the API), issued documents, and PDF pages rendered for
staff. One set of headers, so no copy can drift:

- never cached, not even privately on disk (`private, no-store`);
- one Content-Security-Policy that lets the file run nothing and be framed by nobody
  (`sandbox` gives a PDF or an SVG opened directly an opaque origin with no script);
- PDFs always as attachments: a browser never opens them inline, staff read them as page
  images rendered on the server (`viewer.py`); images may be shown inline.

The site middleware adds its own (page) policy only where none is set, so this one stands.
"""

from __future__ import annotations

import io
from typing import IO

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

PRIVATE_FILE_CSP = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"
INLINE_TYPES = {"image/jpeg", "image/png"}


def private_file_response(
    content: IO[bytes] | bytes,
    *,
    content_type: str,
    filename: str,
    download: bool = False,
) -> FileResponse:
    """`content` is an open file (closed by the response) or bytes. Only JPEG and PNG images
    may be shown inline, and only when `download` is false."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    response = FileResponse(
        stream,
        content_type=content_type,
        as_attachment=download or content_type not in INLINE_TYPES,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = PRIVATE_FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def stored_file_response(
    field_file: FieldFile, *, content_type: str, filename: str, download: bool = False
) -> FileResponse:
    """A stored FileField's file (an upload or an issued PDF) through the one function."""
    return private_file_response(
        field_file.storage.open(field_file.name, "rb"),
        content_type=content_type,
        filename=filename,
        download=download,
    )
