"""The API docs in a real browser under the site's Content-Security-Policy: Swagger UI from
vendored assets draws every operation, with no CSP violation and no request elsewhere."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_render_under_the_csp(live_server, browser):
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-summary", timeout=15000)
    assert page.locator(".opblock").count() >= 25
    assert "Pak Semmok API" in page.content()
    assert not [m for m in console if "Content Security Policy" in m or "Refused" in m], console
    assert foreign == []
