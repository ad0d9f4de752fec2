"""Issue 15 item 2, measured: how many actions (clicks, key presses, choices, typed notes)
an operator needs from the queue to a confirmed decision. Printed, and held to the issue's
ceilings: a clean 4-document application in at most 10, a return with two items in 12."""

from __future__ import annotations

import pytest

from paksemmok.applications.lifecycle import Status
from tests.cast import birth_answers, login_cookie, submitted


class Operator:
    """The page, with every user action counted."""

    def __init__(self, page) -> None:
        self.page = page
        self.actions = 0

    def click(self, locator) -> None:
        locator.click()
        self.actions += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions += 1

    def select(self, locator, value: str) -> None:
        locator.select_option(value)
        self.actions += 1

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.actions += 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operator_action_counts(live_server, browser, family, agus_user, budi, capsys):
    clean = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    context.add_cookies([login_cookie(budi, live_server)])
    op = Operator(context.new_page())
    queue = f"{live_server.url}/staf/antrean/"

    # A clean 4-document application: take it, S on each file, Enter, Enter.
    op.page.goto(queue)
    op.click(op.page.get_by_test_id("take-next"))
    op.page.get_by_test_id("doc-f201").wait_for()
    # The shortcuts exist once the page's script has run (it focuses the first verdict); a
    # key pressed before that is lost, for an operator as for this test.
    op.page.locator(".bo-verdict :focus").wait_for()
    for _ in range(4):
        op.press("s")
    assert op.page.evaluate("document.activeElement.dataset.testid") == "approve"
    op.press("Enter")
    op.page.get_by_test_id("effects").wait_for()
    # "Ya, setujui" has the focus (autofocus), once the browser has applied it.
    op.page.locator("[data-testid=confirm]:focus").wait_for()
    op.press("Enter")
    op.page.wait_for_url(queue)
    clean.refresh_from_db()
    assert clean.status == Status.COMPLETED
    approve_actions = op.actions

    # A return with two items: each marked Kurang, a reason, a note; Kembalikan; confirm.
    answers = {**birth_answers(), "child_name": "Bagus Santoso", "child_sex": "L"}
    second = submitted(agus_user, "akta-kelahiran", answers=answers)
    op.actions = 0
    op.click(op.page.get_by_test_id("take-next"))
    op.page.get_by_test_id("doc-f201").wait_for()
    for code, note in (("kk", "KK terpotong"), ("f201", "Belum ditandatangani")):
        box = op.page.get_by_test_id(f"doc-{code}")
        op.click(box.get_by_label("Kurang"))
        op.select(box.locator(f'select[name="reason-doc:{code}"]'), "unreadable")
        op.fill(box.locator(f'input[name="note-doc:{code}"]'), note)
    op.click(op.page.get_by_test_id("return"))
    assert "KK terpotong" in op.page.get_by_test_id("summary").inner_text()
    op.page.locator("[data-testid=confirm]:focus").wait_for()
    op.press("Enter")
    op.page.wait_for_url(queue)
    second.refresh_from_db()
    assert second.status == Status.RETURNED
    assert sorted(d["item"] for d in second.deficiencies) == ["doc:f201", "doc:kk"]
    return_actions = op.actions

    with capsys.disabled():
        print(
            f"\noperator actions: clean 4-document approval = {approve_actions} (ceiling 10), "
            f"return with two items = {return_actions} (ceiling 12)"
        )
    assert approve_actions <= 10
    assert return_actions <= 12
    context.close()
