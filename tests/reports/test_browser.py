"""The dashboard in a desktop browser: charts drawn, tables shown, presets, a download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from paksemmok.accounts.models import User
from tests.cast import sign_in_with_totp, staff

from .conftest import END, START, World, build_perekaman, build_world

# Non-blank: some pixel of the canvas is not fully transparent.
DRAWN = """canvas => {
  if (Chart.getChart(canvas) === undefined) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_draws_its_charts(live_server, browser, kudus, tmp_path):
    w = World()
    build_world(w)
    build_perekaman(w)
    dewi = staff("dewi", User.Role.SUPERVISOR)
    client = Client()
    sign_in_with_totp(client, dewi)
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        locale="id-ID",
        accept_downloads=True,
        reduced_motion="reduce",
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server.url}/staf/dasbor/?start={START}&end={END}")
    expect(page.get_by_role("heading", name="Dasbor layanan", level=1)).to_be_visible()
    expect(page.get_by_test_id("sum-applications")).to_have_text("6")
    expect(page.get_by_test_id("sum-within")).to_have_text("80,0%")
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 9
    for i in range(canvases.count()):
        canvas = canvases.nth(i)
        canvas.scroll_into_view_if_needed()
        page.wait_for_function(DRAWN, arg=canvas.element_handle(), timeout=10000)
        assert canvas.get_attribute("role") == "img"
        assert canvas.get_attribute("aria-label")
    # Reduced motion: animation off, so the chart is complete at once.
    assert page.evaluate("Chart.defaults.animation") is False
    per_day = page.get_by_test_id("table-permohonan-harian")
    expect(per_day).to_be_visible()
    expect(per_day.locator("tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("table-petugas")).to_contain_text("Citra")
    # The long village table is folded away until asked for.
    villages = page.get_by_test_id("table-desa")
    expect(villages).to_be_hidden()
    page.get_by_test_id("details-desa").locator("summary").click()
    expect(villages).to_be_visible()

    # A preset replaces the range; the page and its charts come back for 7 days.
    page.get_by_test_id("preset-7").click()
    expect(page.get_by_test_id("preset-7")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("period")).to_contain_text("(7 hari)")
    today = timezone.localdate()
    expect(page.get_by_label("Dari tanggal")).to_have_value(
        (today - dt.timedelta(days=6)).isoformat()
    )
    expect(page.get_by_label("Sampai tanggal")).to_have_value(today.isoformat())
    expect(page.get_by_test_id("table-permohonan-harian").locator("tbody tr")).to_have_count(7)
    first = page.locator("canvas[data-chart]").first
    page.wait_for_function(DRAWN, arg=first.element_handle(), timeout=10000)

    # Back to December; an export downloads a spreadsheet.
    page.goto(f"{live_server.url}/staf/dasbor/?start={START}&end={END}")
    with page.expect_download() as info:
        page.get_by_test_id("csv-permohonan-harian").click()
    download = info.value
    assert download.suggested_filename == "pak-semmok-permohonan-harian-20261201-20261205.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_text(encoding="utf-8-sig").splitlines()[1] == "2026-12-01;3"
    assert problems == []
    context.close()
