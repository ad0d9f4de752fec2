"""Issue 15 items 1 and 2: verdicts start unset, approval needs one on every item, a
confirmation sums up the decision, and a re-review shows what changed since the return."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.applications import services as app_services
from paksemmok.applications.lifecycle import Status
from paksemmok.backoffice import services
from paksemmok.backoffice.review import verdict_items
from tests.cast import birth_answers, photo, submitted

pytestmark = pytest.mark.django_db


def decide(client, app, data):
    return client.post(reverse("backoffice:decide", args=[app.reference]), data)


def test_the_review_page_starts_with_no_verdict(client, ektp, budi):
    services.claim_application(ektp, actor=budi)
    client.force_login(budi)
    html = client.get(reverse("backoffice:review", args=[ektp.reference])).content.decode()
    assert 'name="verdict-doc:' in html
    assert "checked" not in html.split('data-testid="decide-form"')[1]


def test_approval_without_a_verdict_on_every_item_is_refused(client, ektp, budi):
    services.claim_application(ektp, actor=budi)
    client.force_login(budi)
    items = verdict_items(ektp)
    assert items and all(i.startswith(("doc:", "field:")) for i in items)
    partial = {f"verdict-{i}": "ok" for i in items[1:]}
    for data in ({"action": "approve"}, {"action": "approve", **partial}):
        for confirmed in ("", "1"):
            response = decide(client, ektp, {**data, "confirmed": confirmed})
            assert response.status_code == 400
            assert "Beri putusan" in response.content.decode()
    # A "Kurang" cannot be approved either; the marks stay on the page.
    marked = {**partial, f"verdict-{items[0]}": "deficient"}
    response = decide(client, ektp, {"action": "approve", "confirmed": "1", **marked})
    assert response.status_code == 400
    assert f'name="verdict-{items[0]}" value="deficient" checked' in response.content.decode()
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW


def test_confirmation_shows_the_summary_and_register_changes(client, family, agus_user, budi):
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    services.claim_application(app, actor=budi)
    client.force_login(budi)
    data = {"action": "approve", **{f"verdict-{i}": "ok" for i in verdict_items(app)}}
    page = decide(client, app, data).content.decode()
    assert 'data-testid="summary"' in page and "Sesuai" in page
    assert "ditambahkan ke KK" in page  # what approving does to the register
    app.refresh_from_db()
    assert app.status == Status.IN_REVIEW  # nothing decided yet
    # "Back" keeps the marks; "Ya, setujui" decides.
    back = decide(client, app, {**data, "confirmed": "0"}).content.decode()
    assert back.count('value="ok" checked') == len(verdict_items(app))
    assert decide(client, app, {**data, "confirmed": "1"}).status_code == 302
    app.refresh_from_db()
    assert app.status == Status.COMPLETED


def test_return_and_reject_are_confirmed_too(client, ektp, budi):
    services.claim_application(ektp, actor=budi)
    client.force_login(budi)
    data = {"action": "reject", "reject_reason": "age_or_marriage", "reject_note": "Belum 17"}
    page = decide(client, ektp, data).content.decode()
    assert "Tolak permohonan ini?" in page and "Belum 17" in page
    ektp.refresh_from_db()
    assert ektp.status == Status.IN_REVIEW


def test_re_review_shows_what_was_asked_and_what_changed(client, ektp, budi, agus_user):
    services.claim_application(ektp, actor=budi)
    doc = ektp.current_documents().select_related("requirement").first()
    code = doc.requirement.code
    services.return_for_fixes(
        ektp,
        deficiencies=[
            {"item": f"doc:{code}", "reason": "unreadable", "note": "Foto buram"},
            {"item": "field:pickup_place", "reason": "data_mismatch", "note": "Pilih kecamatan"},
        ],
        actor=budi,
    )
    old_place = ektp.data["pickup_place"]
    new_place = "kecamatan" if old_place != "kecamatan" else "dinas"
    app_services.save_draft(ektp, data={"pickup_place": new_place}, actor=agus_user)
    app_services.attach_document(ektp, doc.requirement, photo(seed=77), actor=agus_user)
    app_services.resubmit_application(ektp, actor=agus_user, note="Sudah saya foto ulang")
    services.claim_application(ektp, actor=budi)
    client.force_login(budi)
    html = client.get(reverse("backoffice:review", args=[ektp.reference])).content.decode()
    section = html.split('data-testid="rereview"')[1].split("</section>")[0]
    assert "Foto buram" in section and "Pilih kecamatan" in section
    assert "Sudah saya foto ulang" in section
    changed = section.split('data-testid="changed-fields"')[1]
    assert "Kantor Disdukcapil" in changed and "Kantor kecamatan" in changed
    # The replaced file beside its replacement, and the earlier reason beside the item.
    compare = html.split(f'data-testid="compare-{code}"')[1].split("</div>")[0]
    assert reverse("backoffice:document", args=[ektp.reference, doc.pk]) in compare
    assert f'data-testid="asked-doc:{code}"' in html
    # The corrected field needs a verdict now.
    assert "field:pickup_place" in verdict_items(ektp)
