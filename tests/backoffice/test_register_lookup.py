"""The staff register look-up: exact NIK / No. KK first, names within a kecamatan, KK members
shown, every result an audited read, and no identity number in any URL."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from paksemmok.audit.models import AuditEntry
from paksemmok.audit.reads import READ_ACTION
from paksemmok.population.queries import exact_number_matches, search_register
from tests.cast import account_for

pytestmark = pytest.mark.django_db
URL = "/staf/antrean/cari-penduduk/"


def look(client, **data):
    return client.post(URL, {"purpose": "Layanan loket", "kecamatan": "", **data})


def reads():
    return AuditEntry.objects.filter(action=READ_ACTION, details__what="register.lookup")


def test_by_nik_shows_the_resident_and_the_kk_members_audited(client, budi, family):
    client.force_login(budi)
    assert reverse("backoffice:register_lookup") == URL
    html = look(client, query=f"{family.agus.nik[:6]} {family.agus.nik[6:]}").content.decode()
    assert 'data-testid="lookup-resident"' in html and family.agus.nik in html
    assert family.kk.kk_number in html
    assert html.count('data-testid="lookup-member"') == 5 and family.bayu.nik in html
    logged = reads()
    assert logged.count() == 5
    assert {e.object_id for e in logged} == {str(r.pk) for r in family.kk.members.all()}
    entry = logged.get(object_id=str(family.agus.pk))
    assert entry.actor == budi and entry.purpose == "Layanan loket"
    assert entry.details["by"] == "nik" and family.agus.nik not in entry.details["path"]


def test_the_whole_kk_is_logged_in_one_insert(client, budi, family):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(budi)
    with CaptureQueriesContext(connection) as queries:
        look(client, query=family.agus.nik)
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "audit_auditentry"')]
    assert len(inserts) == 1
    assert reads().count() == 5


def test_by_kk_number_lists_the_members(client, budi, family):
    client.force_login(budi)
    html = look(client, query=family.kk.kk_number).content.decode()
    assert html.count('data-testid="lookup-member"') == 5
    assert 'data-testid="lookup-resident"' not in html
    assert reads().count() == 5


def test_by_name_within_a_kecamatan_then_pick_one(client, budi, family):
    client.force_login(budi)
    html = look(client, query="santoso", kecamatan="33.19.02").content.decode()
    assert html.count('data-testid="lookup-row"') == 4  # Agus, Dimas, Sinta, Bayu
    assert family.agus.nik not in html and family.agus.masked_nik in html
    # Another kecamatan: nothing there.
    other = look(client, query="santoso", kecamatan="33.19.01").content.decode()
    assert 'data-testid="lookup-nothing"' in other
    # Picking a row sends a signed token, never the NIK.
    response = client.get(URL)
    assert response.status_code == 200
    token = re.findall(r'name="pick" value="([^"]+)"', html)[0]
    assert not any(r.nik in token for r in family.kk.members.all())
    picked = look(client, query="santoso", pick=token).content.decode()
    assert 'data-testid="lookup-resident"' in picked


def test_a_forged_pick_shows_nothing(client, budi, family):
    client.force_login(budi)
    html = look(client, query="santoso", pick=str(family.agus.pk)).content.decode()
    assert 'data-testid="lookup-resident"' not in html and family.agus.nik not in html
    assert not reads().exists()


def test_purpose_is_required_and_nothing_is_shown_without_it(client, budi, family):
    client.force_login(budi)
    html = client.post(URL, {"query": family.agus.nik, "purpose": ""}).content.decode()
    assert 'data-testid="lookup-resident"' not in html
    assert not reads().exists()


def test_short_or_partial_numbers_do_not_scan_names(family):
    assert search_register("ag").kind == "none"
    assert search_register(family.agus.nik[:10]).kind == "none"
    assert search_register("9" * 16).residents == []


def test_residents_may_not_look_up(client, family):
    client.force_login(account_for(family.agus))
    assert look(client, query=family.rina.nik).status_code == 403
    assert not reads().exists()


def test_admin_search_matches_exact_numbers_first(family):
    assert list(exact_number_matches(family.rina.nik)) == [family.rina]
    assert set(exact_number_matches(family.kk.kk_number)) == set(family.kk.members.all())
    assert exact_number_matches("Rina") is None


def test_a_name_search_keeps_the_first_page_by_name_and_says_there_is_more(family):
    """The page of ids is cut before the rows are read with their KK: the cut must still be
    the first names in order, and `capped` must say that more matched."""
    from tests.factories import ResidentFactory

    for name in ("Zaenal Santoso", "Ahmad Santoso", "Maryam Santosa"):
        ResidentFactory(full_name=name, family=family.kk)
    found = search_register("santos", kecamatan="33.19.02", limit=3)
    assert [r.full_name for r in found.residents] == sorted(
        r.full_name for r in family.kk.members.filter(full_name__icontains="santos")
    )[:3]
    assert found.capped
    assert found.residents[0].family.kk_number == family.kk.kk_number
    assert not search_register("santos", kecamatan="33.19.02", limit=50).capped


@pytest.mark.postgres
def test_the_planner_setting_for_a_name_search_ends_with_it(family):
    """Within a kecamatan the search turns plain index scans off for its one query
    (population.queries._ids_by_village_and_name): a caller's transaction must get it back."""
    from django.db import connection, transaction

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")
            return cursor.fetchone()[0]

    with transaction.atomic():
        assert search_register("santoso", kecamatan="33.19.02").residents
        assert setting() == "on"
    assert setting() == "on"
