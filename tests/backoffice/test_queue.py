"""The staff queue read by keyset pages, with capped counts and one query for page and API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.backoffice import queues
from paksemmok.backoffice.models import Claim
from paksemmok.catalog.models import Variant
from paksemmok.population.models import Region
from tests.cast import clones, staff, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(family, agus_user):
    """One real e-KTP application cloned into 37 open and 20 closed rows; several share a
    deadline, so the id must break ties between pages. Every third open clone is in review,
    so held by an officer (Siti, who is in none of the tests' counts of "mine")."""
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    base = timezone.now()

    def vary(i, clone):
        clone.status = Status.IN_REVIEW if i % 3 == 0 else Status.SUBMITTED
        if i >= 37:
            clone.status = Status.APPROVED
        clone.deadline_at = base + dt.timedelta(hours=i // 4 - 3)

    siti = staff("siti", services=["ektp"])
    for clone in clones(app, 57, "PS-T", vary):
        if clone.status == Status.IN_REVIEW:
            Claim.objects.create(application=clone, officer=siti)
    return app


def expected(user) -> list[str]:
    return [
        a.reference
        for a in sorted(
            Application.objects.filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW)),
            key=lambda a: (a.deadline_at, a.pk),
        )
        if queues.queue_for(user).filter(pk=a.pk).exists()
    ]


def walk(user, filters, size) -> list[str]:
    seen, after = [], ""
    while True:
        page = queues.queue_page(user, filters, after=after, size=size)
        seen += [a.reference for a in page.rows]
        if not page.next_cursor:
            return seen
        after = page.next_cursor


@pytest.mark.parametrize("size", [1, 4, 7, 50])
def test_keyset_pages_cover_the_queue_once_in_deadline_order(backlog, budi, size):
    assert walk(budi, queues.QueueFilters(), size) == expected(budi)


def test_filters_apply_to_every_page(backlog, budi):
    only = queues.QueueFilters(status=Status.IN_REVIEW)
    refs = walk(budi, only, 5)
    assert refs and set(
        Application.objects.filter(reference__in=refs).values_list("status", flat=True)
    ) == {Status.IN_REVIEW}
    overdue = walk(budi, queues.QueueFilters(status="overdue"), 3)
    assert overdue == [
        r
        for r in expected(budi)
        if Application.objects.get(reference=r).deadline_at < timezone.now()
    ]


def test_a_forged_cursor_is_refused(budi):
    with pytest.raises(queues.CursorError):
        queues.queue_page(budi, queues.QueueFilters(), after="%%%")


def test_counts_stop_at_the_cap(backlog, budi):
    open_rows = len(expected(budi))
    assert str(queues.capped_count(queues.queue_for(budi), cap=open_rows)) == str(open_rows)
    capped = queues.capped_count(queues.queue_for(budi), cap=10)
    assert capped.n == 10 and capped.capped and str(capped) == "10+"


def test_queue_page_walks_by_the_next_link(client, backlog, budi):
    client.force_login(budi)
    html = client.get(reverse("backoffice:queue")).content.decode()
    assert html.count('data-testid="queue-row"') == queues.PAGE_SIZE - 12  # 38 open < 50
    assert 'data-testid="queue-next"' not in html
    assert 'data-testid="count-total">38<' in html


def test_queue_page_query_count_does_not_grow_with_the_backlog(client, family, agus_user, budi):
    client.force_login(budi)
    submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("backoffice:queue")).status_code == 200
    app = Application.objects.get()
    clones = []
    for i in range(120):
        app.pk, app.reference, app.subject_key = None, f"PS-Q-{i:05d}", f"q-{i}"
        clones.append(Application(**{f.attname: getattr(app, f.attname) for f in app._meta.fields}))
    Application.objects.bulk_create(clones)
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("backoffice:queue")).content.decode()
    assert len(large) <= len(small)
    assert html.count('data-testid="queue-row"') == queues.PAGE_SIZE
    assert 'data-testid="queue-next"' in html


def test_counts_name_what_the_officer_holds(backlog, budi, citra):
    from paksemmok.backoffice import services

    services.claim_application(backlog, actor=budi)
    counts = queues.queue_counts(budi)
    assert counts["mine"].n == 1 and counts["total"].n == 38
    # 38 open: Budi's, Siti's 13 (every third clone) and 24 nobody has taken.
    assert counts["free"].n == 24
    assert queues.queue_counts(citra)["mine"].n == 0


def test_page_counts_beyond_the_cap_say_at_least(backlog, budi, monkeypatch):
    monkeypatch.setattr(queues, "COUNT_CAP", 10)
    counts = queues.queue_counts(budi)
    assert str(counts["total"]) == "10+"
    # "Not taken" among the first eleven by deadline, said as "at least" like the rest.
    first = queues.queue_for(budi).values_list("pk", flat=True)[:11]
    free = Application.objects.filter(pk__in=list(first), claim__isnull=True).count()
    assert 0 < free < 10 and str(counts["free"]) == f"{free}+"
    # The 12 earliest deadlines are past (deadline = now + (i // 4 - 3) hours): the first
    # ten by deadline are all overdue, so overdue too can only say "at least".
    assert str(counts["overdue"]) == "10+"
    monkeypatch.setattr(queues, "COUNT_CAP", 30)
    counts = queues.queue_counts(budi)
    assert counts["total"].capped and not counts["overdue"].capped
    overdue = Application.objects.filter(
        status__in=(Status.SUBMITTED, Status.IN_REVIEW), deadline_at__lt=timezone.now()
    ).count()
    assert counts["overdue"].n == overdue


def _queue_page_holding(client, app, officer, first_name: str, last_name: str) -> str:
    """The queue page as `officer`, so named, after they took `app`."""
    from paksemmok.backoffice import services

    officer.first_name, officer.last_name = first_name, last_name
    officer.save()
    services.claim_application(app, actor=officer)
    client.force_login(officer)
    return client.get(reverse("backoffice:queue")).content.decode()


def test_page_rows_show_status_and_the_officer_holding_them(client, backlog, budi):
    html = _queue_page_holding(client, backlog, budi, "Budi", "Petugas")
    rows = html.split('data-testid="queue-row"')[1:]
    mine = next(r for r in rows if backlog.reference in r)
    assert "Budi Petugas" in mine and "Diperiksa petugas" in mine
    others = [r for r in rows if backlog.reference not in r]
    assert others and all("Budi Petugas" not in r for r in others)
    # Each other row names who holds it (Siti, in the backlog) or nobody.
    held = [r for r in others if "<td>Diperiksa petugas</td>" in r]
    waiting = [r for r in others if "<td>Dikirim</td>" in r]
    assert held and all("<td>Siti</td>" in r for r in held)
    assert waiting and all("<td>—</td>" in r for r in waiting)
    assert len(held) + len(waiting) == len(others)


def test_row_values_are_escaped_and_overdue_rows_are_marked(client, backlog, budi):
    html = _queue_page_holding(client, backlog, budi, "<b>Budi</b>", "& Co")
    assert "<b>Budi</b>" not in html and "&lt;b&gt;Budi&lt;/b&gt; &amp; Co" in html
    rows = html.split('data-testid="queue-row"')[1:]
    # Deadlines 3 hours ago come first (the backlog fixture): marked, with the badge.
    assert 'class="bo-row-overdue"' in rows[0] and "bo-badge-overdue" in rows[0]
    assert "lewat" in rows[0]
    assert all(r.startswith(' class="">') or "bo-row" in r for r in rows)
    assert 'class="bo-row-overdue"' not in rows[-1] and "bo-badge-overdue" not in rows[-1]


def test_every_value_a_row_shows_is_escaped(client, family, agus_user, budi):
    """Names an admin types (variant, kecamatan) and an officer's name reach the row only
    escaped, quotes included: the row is built outside the template engine."""
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    # Saved, not updated: a save moves the catalogue's version, so the names show at once.
    variant, kecamatan = app.variant, app.kecamatan
    variant.name = 'Cetak "ulang" <i>KTP</i>'
    variant.save()
    kecamatan.name = "KOTA <script>x</script>"
    kecamatan.save()
    html = _queue_page_holding(client, app, budi, "O'Neil", '"Budi"')
    row = html.split('data-testid="queue-row"')[1].split("</tr>")[0]
    assert "<i>" not in row and "<script>" not in row and '"ulang"' not in row
    assert "Cetak &quot;ulang&quot; &lt;i&gt;KTP&lt;/i&gt;" in row
    assert "KOTA &lt;script&gt;x&lt;/script&gt;" in row
    assert "O&#x27;Neil &quot;Budi&quot;" in row
    # The filter's options show the same names, escaped as well.
    assert ">Cetak &quot;ulang&quot; &lt;i&gt;KTP&lt;/i&gt;</option>" in html
    assert ">KOTA &lt;script&gt;x&lt;/script&gt;</option>" in html


def _options(html: str, name: str) -> list[tuple[str, bool]]:
    """The (value, selected) of each option of the filter's `name` select."""
    select = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S).group(1)
    return [
        (value, bool(chosen))
        for value, chosen in re.findall(r'<option value="([^"]*)"( selected)?>', select)
    ]


def test_filter_options_offer_what_the_officer_handles_and_keep_the_choice(client, backlog, citra):
    kecamatan = backlog.kecamatan
    client.force_login(citra)  # e-KTP only
    html = client.get(
        reverse("backoffice:queue"), {"variant": "ektp-cetak", "kecamatan": kecamatan.code}
    ).content.decode()
    assert _options(html, "service") == [("", False), ("ektp", False)]
    variants = _options(html, "variant")
    ektp = set(Variant.objects.filter(service__code="ektp").values_list("code", flat=True))
    assert {v for v, _ in variants[1:]} == ektp and variants[0] == ("", False)
    assert [v for v, chosen in variants if chosen] == ["ektp-cetak"]
    kecamatans = _options(html, "kecamatan")
    assert len(kecamatans) == 1 + Region.objects.filter(level=Region.Level.KECAMATAN).count()
    assert [k for k, chosen in kecamatans if chosen] == [kecamatan.code]
    assert [s for s, chosen in _options(html, "status") if chosen] == []


def test_an_empty_queue_says_so(client, budi):
    client.force_login(budi)
    html = client.get(reverse("backoffice:queue")).content.decode()
    assert 'data-testid="queue-row"' not in html
    assert "Tidak ada permohonan yang menunggu." in html


def test_rows_name_the_variant_and_kecamatan_as_the_catalogue_and_regions_now_say(
    client, family, agus_user, budi
):
    """The names come from a per-process copy of the catalogue (queues.queue_choices): an
    admin's edit of a variant or a region must show at the next request all the same."""
    from paksemmok.catalog.models import Variant
    from paksemmok.population.models import Region

    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    client.force_login(budi)
    before = client.get(reverse("backoffice:queue")).content.decode()
    assert app.variant.name in before and app.kecamatan.name in before
    variant = Variant.objects.get(pk=app.variant_id)
    variant.name = "Cetak ulang KTP-el (nama baru)"
    variant.save()
    assert (
        "Cetak ulang KTP-el (nama baru)" in client.get(reverse("backoffice:queue")).content.decode()
    )
    kecamatan = Region.objects.get(pk=app.kecamatan_id)
    kecamatan.name = "KOTA KUDUS BARU"
    kecamatan.save()
    assert "KOTA KUDUS BARU" in client.get(reverse("backoffice:queue")).content.decode()
    api = client.get("/api/v1/staff/queue/").json()["results"][0]
    assert api["variant_name"] == "Cetak ulang KTP-el (nama baru)"
    assert api["kecamatan"] == "KOTA KUDUS BARU"


def test_a_warm_queue_page_reads_no_catalogue_or_region_rows(client, family, agus_user, budi):
    submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    client.force_login(budi)
    client.get(reverse("backoffice:queue"))
    with CaptureQueriesContext(connection) as warm:
        html = client.get(reverse("backoffice:queue"), {"kecamatan": "33.19.02"}).content
    tables = ("catalog_service", "catalog_variant", "population_region")
    assert not [q["sql"] for q in warm if any(t in q["sql"] for t in tables)]
    assert html.decode().count('data-testid="queue-row"') == 1


def test_a_row_keeps_the_kecamatan_it_was_sent_from(client, family, agus_user, budi):
    """The queue filters and names rows by the application's kecamatan, fixed at its first
    sending (as the figures count it), not by where the family lives today."""
    from paksemmok.population.models import Region

    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    elsewhere = Region.objects.filter(
        level=Region.Level.VILLAGE, code__startswith="33.19.01."
    ).first()
    family.kk.village = elsewhere
    family.kk.save()
    client.force_login(budi)
    by_sent = client.get(reverse("backoffice:queue"), {"kecamatan": app.kecamatan.code})
    by_now = client.get(reverse("backoffice:queue"), {"kecamatan": "33.19.01"})
    assert app.reference in by_sent.content.decode()
    assert app.reference not in by_now.content.decode()
