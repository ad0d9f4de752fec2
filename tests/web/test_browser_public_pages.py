"""On a phone, without signing in: home -> perekaman places -> how to verify a document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from paksemmok.appointments.models import JemputBolaEvent, Place
from paksemmok.population.models import Region
from tests.cast import make_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 393, page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > 393)"
        ".map(e => e.tagName + '.' + e.className)"
    )


def test_public_pages_on_a_phone(browser, live_server, phone_context_args, kudus):
    make_office(Region.objects.get(code="33.19"), name="Kantor Disdukcapil Kudus")
    village = Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").first()
    hall = Place.objects.create(
        kind=Place.Kind.BALAI_DESA, name=f"Balai Desa {village.name}", region=village
    )
    JemputBolaEvent.objects.create(
        place=hall,
        date=timezone.localdate() + dt.timedelta(days=5),
        opens=dt.time(8),
        closes=dt.time(12),
        capacity=40,
    )

    context = browser.new_context(**phone_context_args)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Tempat dan jam perekaman").first.click()
    expect(page).to_have_url(live_server.url + "/perekaman/tempat/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tempat dan jam perekaman e-KTP")
    expect(page.get_by_role("heading", name="Kantor Disdukcapil Kudus")).to_be_visible()
    event = page.get_by_test_id("event")
    expect(event).to_have_count(1)
    expect(event).to_contain_text(hall.name)
    expect(event).to_contain_text("Sisa 40 tempat")
    expect(page.get_by_role("link", name="Buat janji perekaman")).to_have_attribute(
        "href", "/perekaman/"
    )
    no_sideways_scroll(page)

    page.get_by_role("navigation", name="Informasi publik").get_by_role(
        "link", name="Verifikasi dokumen"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cara memeriksa keaslian dokumen")
    no_sideways_scroll(page)
    code = page.get_by_label("Kode verifikasi")
    code.fill("abc")
    page.get_by_role("button", name="Periksa dokumen").click()
    expect(page.get_by_test_id("verify-error")).to_contain_text("16 huruf dan angka")
    expect(page.get_by_label("Kode verifikasi")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Kode verifikasi").fill("abcd efgh jkmn pqrs")
    page.get_by_role("button", name="Periksa dokumen").click()
    expect(page).to_have_url(live_server.url + "/verifikasi/ABCDEFGHJKMNPQRS")
    expect(page.get_by_test_id("verify-status")).to_have_attribute("data-status", "unknown")
    # The unknown code's page answers 404, which the browser reports in the console.
    assert [e for e in console_errors if "404" not in e] == []
    context.close()
