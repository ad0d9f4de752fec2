"""Admin reads of personal data are audited (lists, searches, records opened), search terms
are masked in the log and never travel in a URL, and the admin login's next= stays on site."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin

from paksemmok.audit.admin_reads import AuditedReadsMixin, mask_search_term
from paksemmok.audit.models import AuditEntry
from tests.cast import sign_in_with_totp


@pytest.fixture
def staff_admin(client, admin_user):
    sign_in_with_totp(client, admin_user)
    return client


def reads():
    return AuditEntry.objects.filter(action="personal_data.read").order_by("id")


def test_the_user_list_is_an_audited_read(staff_admin, resident_user, admin_user):
    response = staff_admin.get("/staf/admin/accounts/user/")
    assert response.status_code == 200
    entry = reads().get()
    assert entry.actor == admin_user
    assert entry.purpose == "Django admin"
    assert entry.details["view"] == "list"
    assert entry.details["model"] == "accounts.user"
    assert str(resident_user.pk) in entry.details["object_ids"]


def test_a_search_is_posted_tokenised_and_masked(staff_admin, resident_user):
    nik = resident_user.username
    response = staff_admin.post(
        "/staf/admin/accounts/user/", {"_search_post": "1", "q": nik, "role__exact": "resident"}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert nik not in location
    assert re.search(r"[?&]q=~", location) and "role__exact=resident" in location
    page = staff_admin.get(location)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{nik}"' in html  # the box shows the term (in the page, not a URL)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if nik in h]
    assert 'method="post" role="search"' in html
    entry = reads().get()
    assert entry.details["search"] == mask_search_term(nik)
    assert nik not in str(entry.details)
    assert entry.details["object_ids"] == [str(resident_user.pk)]


def test_a_search_typed_into_the_url_continues_without_it(staff_admin, resident_user):
    nik = resident_user.username
    response = staff_admin.get(f"/staf/admin/accounts/user/?q={nik}")
    assert response.status_code == 302
    assert nik not in response["Location"]
    assert staff_admin.get(response["Location"]).status_code == 200


def test_opening_a_record_is_an_audited_read(staff_admin, resident_user):
    response = staff_admin.get(f"/staf/admin/accounts/user/{resident_user.pk}/change/")
    assert response.status_code == 200
    entry = reads().get()
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(resident_user.pk)
    staff_admin.get(f"/staf/admin/accounts/user/{resident_user.pk}/history/")
    assert reads().count() == 2


def test_search_terms_are_masked():
    assert mask_search_term("3319021503949001") == "3319 **** **** 9001"
    assert mask_search_term("budi 081234567890") == "b*** 08********90"


PERSONAL = {
    "accounts.user",
    "accounts.onetimecode",
    "applications.application",
    "applications.applicationdocument",
    "notifications.message",
    "appointments.booking",
    "population.resident",
    "population.family",
    "survey.surveyresponse",
    "audit.auditentry",
}


def test_every_admin_of_personal_data_audits_reads():
    registered = {model._meta.label_lower: ma for model, ma in admin.site._registry.items()}
    assert set(registered) >= PERSONAL
    for label in PERSONAL:
        assert isinstance(registered[label], AuditedReadsMixin), label


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_admin_login_next_stays_on_site(staff_admin, target):
    response = staff_admin.get("/staf/admin/login/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/staf/admin/"


def test_admin_login_next_on_site_is_kept(staff_admin):
    response = staff_admin.get("/staf/admin/login/", {"next": "/staf/admin/accounts/user/"})
    assert response["Location"] == "/staf/admin/accounts/user/"
