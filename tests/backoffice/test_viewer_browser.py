"""In a real browser: an operator opens an application whose KK is a PDF carrying
JavaScript. It is shown as page images rendered on the server; no script of it runs (no
dialog, no console error) and nothing of it is framed or embedded."""

from __future__ import annotations

import pytest

from tests.cast import login_cookie, with_hostile_files


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_javascript_pdf_opens_as_page_images(live_server, browser, family, agus_user, budi):
    app, _slot = with_hostile_files(agus_user)
    context = browser.new_context(locale="id-ID")
    context.add_cookies([login_cookie(budi, live_server)])
    page = context.new_page()
    console: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server.url}/staf/antrean/{app.reference}/")
    pages = page.get_by_test_id("pdf-pages-kk")
    first = pages.locator("img.bo-page").first
    first.scroll_into_view_if_needed()
    width = first.evaluate(
        "img => (img.complete && img.naturalWidth) ? img.naturalWidth : new Promise("
        "r => img.addEventListener('load', () => r(img.naturalWidth), {once: true}))"
    )
    assert width == 1400
    assert page.locator("iframe, embed, object").count() == 0
    # The rebuilt PDF is offered only as a download.
    link = page.get_by_test_id("doc-kk").get_by_role("link", name="Unduh PDF")
    assert link.get_attribute("download") is not None
    # The photo flagged on upload carries its note for the operator.
    assert "Foto buram." in page.content()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert console == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_viewer_tools_show_only_when_they_work(
    live_server, browser, family, agus_user, budi, script
):
    """Rotate and zoom exist only in the script: they are shown once it has run, so a quick
    click on a slow line is never lost, and without a script they are not offered at all.
    The PDF download needs no script and is there either way."""
    app, _slot = with_hostile_files(agus_user)
    context = browser.new_context(locale="id-ID", java_script_enabled=script)
    context.add_cookies([login_cookie(budi, live_server)])
    page = context.new_page()
    page.goto(f"{live_server.url}/staf/antrean/{app.reference}/")
    box = page.get_by_test_id("doc-kk")
    rotate = box.get_by_role("button", name="Putar")
    assert box.get_by_role("link", name="Unduh PDF").is_visible()
    if script:
        rotate.click()  # waits until it is shown, i.e. until the script has bound it
        first = box.locator("img.bo-page").first
        assert "bo-rot-90" in first.get_attribute("class")
        box.get_by_role("button", name="Perbesar").click()
        assert "bo-zoomed" in first.get_attribute("class")
    else:
        # In the page, but hidden (so not in the accessibility tree either).
        assert box.locator("button.bo-rotate").count() == 1
        assert not box.locator("button.bo-rotate").is_visible()
        assert not box.locator("button.bo-zoom").is_visible()
        assert rotate.count() == 0
    context.close()
