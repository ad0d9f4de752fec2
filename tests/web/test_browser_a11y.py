"""The axe-core check every browser test gets (tests/a11y.py) can fail, and does watch."""

from __future__ import annotations

import pytest

from tests.a11y import AxeAudit, audited_new_context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_axe_finds_the_barriers_the_issue_named(live_server, browser):
    audit = AxeAudit()
    context = type(browser).new_context(browser)  # not watched: this test runs axe itself
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    # The "Lepas" button as it was (white on light blue) and a scrollable table without a
    # focus stop: both serious, both found. (Styles set through the CSSOM: the site's CSP
    # ignores style attributes.)
    page.evaluate(
        """() => {
        const box = document.createElement('div');
        box.style.background = '#eef4fb';
        const button = document.createElement('button');
        button.textContent = 'Lepas';
        Object.assign(button.style, {color: '#fff', background: 'none', border: '0'});
        const scroller = document.createElement('div');
        Object.assign(scroller.style, {overflow: 'auto', maxHeight: '40px'});
        scroller.innerHTML = '<table><tr><td>1</td></tr><tr><td>2</td></tr>'
          + '<tr><td>3</td></tr><tr><td>4</td></tr></table>';
        box.append(button, scroller);
        document.querySelector('main').append(box);
    }"""
    )
    found = {v["id"] for v in audit.check(page)}
    assert {"color-contrast", "scrollable-region-focusable"} <= found
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_loaded_through_the_fixture_is_checked(live_server, browser):
    audit = AxeAudit()
    # Not through the fixture's own watcher: two axe runs on one page refuse each other.
    context = audited_new_context(type(browser).new_context.__get__(browser), audit)()
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    audit.settle(page)
    page.goto(f"{live_server.url}/layanan/")
    audit.settle(page)
    assert [u.removeprefix(live_server.url) for u in audit.checked] == ["/", "/layanan/"]
    assert audit.violations == []
    context.close()
