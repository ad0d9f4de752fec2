import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_on_a_phone_and_language_switch(browser, live_server, phone_context_args):
    context = browser.new_context(**phone_context_args)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_contain_text("tanpa harus keluar kamar")
    # Mobile-first: nothing overflows a 393 px wide screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 393
    # The skip link is the first stop for keyboard users.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Langsung ke isi")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("without leaving your room")

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    # The deferred scripts run before "load"; the page may still be parsing here.
    page.wait_for_load_state("load")
    page.wait_for_function("typeof window.htmx === 'object'", timeout=10000)
    # Vendored htmx loaded under the CSP, and the CSP blocked nothing.
    assert page.evaluate("typeof window.htmx") == "object"
    assert console_errors == []
    context.close()
