"""Signing works from a thread that already runs an event loop (an ASGI worker, a test driven
by Playwright's sync API): pyHanko's synchronous sign_pdf would refuse with asyncio.run()."""

from __future__ import annotations

import asyncio

from paksemmok.issuance.signing import sign_pdf
from tests.cast import pdf_bytes


def test_a_pdf_is_signed_inside_a_running_event_loop():
    async def inside_a_loop() -> bytes:
        return sign_pdf(pdf_bytes(), reason="Uji", location="Kudus")

    signed = asyncio.run(inside_a_loop())
    assert signed.startswith(b"%PDF")
    assert b"/ByteRange" in signed and b"TandaTanganElektronik" in signed
