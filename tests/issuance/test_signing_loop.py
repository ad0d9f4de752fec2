"""Signing works from a thread that already runs an event loop (an ASGI worker, a test driven
by Playwright's sync API): pyHanko's synchronous sign_pdf would refuse with asyncio.run()."""

from __future__ import annotations

import asyncio
import threading

from paksemmok.issuance.signing import sign_pdf
from tests.cast import pdf_bytes


def test_a_pdf_is_signed_inside_a_running_event_loop():
    async def inside_a_loop() -> bytes:
        return sign_pdf(pdf_bytes(), reason="Uji", location="Kudus")

    # A thread of its own, so the loop is the test's (the test runner's thread may already
    # run one, e.g. Playwright's, where asyncio.run() would refuse to start).
    result: dict[str, bytes] = {}
    thread = threading.Thread(target=lambda: result.update(pdf=asyncio.run(inside_a_loop())))
    thread.start()
    thread.join()
    signed = result["pdf"]
    assert signed.startswith(b"%PDF")
    assert b"/ByteRange" in signed and b"TandaTanganElektronik" in signed
