"""Profile, notification preferences, activity log and the personal-data export."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from paksemmok.audit.log import record
from paksemmok.audit.models import AuditEntry
from paksemmok.audit.reads import audited_read
from tests.cast import staff
from tests.factories import ResidentFactory


@pytest.fixture
def signed_in(client, resident_user):
    client.force_login(resident_user)
    return client


@pytest.fixture
def child(person):
    return ResidentFactory(family=person.family, full_name="AHMAD FAUZI", relationship="anak")


def test_profile_shows_own_data_in_full_and_other_members_masked(signed_in, person, child):
    html = signed_in.get(reverse("accounts:profile")).content.decode()
    assert person.nik in html
    assert person.family.kk_number in html
    assert "SITI AMINAH" in html
    assert "AHMAD FAUZI" in html
    assert child.nik not in html
    assert child.masked_nik in html


def test_preferences_are_editable_and_audited(signed_in, resident_user):
    response = signed_in.post(
        reverse("accounts:preferences"), {"channel": "email", "language": "en"}
    )
    assert response.status_code == 302
    resident_user.refresh_from_db()
    assert resident_user.preferred_channel == "email"
    assert resident_user.preferred_language == "en"
    entry = AuditEntry.objects.get(action="account.preferences.changed")
    assert entry.details["before"]["channel"] == "whatsapp"


def test_email_channel_needs_an_address(signed_in, resident_user):
    resident_user.email = ""
    resident_user.save()
    response = signed_in.post(
        reverse("accounts:preferences"), {"channel": "email", "language": "id"}
    )
    assert response.status_code == 200
    assert "Isi alamat e-mail dulu" in response.content.decode()


def test_activity_shows_own_acts_and_staff_reads_with_purpose(rf, signed_in, resident_user, person):
    operator = staff("operator9", "operator")
    request = rf.get("/staf/permohonan/1/")
    request.user = operator
    audited_read(request, person, "Permohonan KK-2026-000123")
    record("account.signed_in", actor=resident_user, obj=resident_user)
    unrelated = staff("operator8", "operator")
    record("account.signed_in", actor=unrelated, obj=unrelated)

    html = signed_in.get(reverse("accounts:activity")).content.decode()

    assert "Data Anda dibuka petugas" in html
    assert "Petugas Disdukcapil (Operator)" in html
    assert "Permohonan KK-2026-000123" in html
    assert "operator9" not in html  # staff are named by role, not by name
    assert html.count("Masuk</strong>") == 1  # only the resident's own sign-in


def test_export_contains_all_own_data_and_is_audited(signed_in, resident_user, person, child):
    page = signed_in.get(reverse("accounts:export"))
    assert page.status_code == 200
    response = signed_in.post(reverse("accounts:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert person.nik not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["username"] == person.nik
    assert data["account"]["phone"] == "+6281234500001"
    assert data["register"]["nik"] == person.nik
    assert data["register"]["birth_date"] == "1988-03-09"
    assert data["register"]["village"]["code"] == person.village.code
    assert data["family"]["kk_number"] == person.family.kk_number
    members = {m["full_name"]: m["nik"] for m in data["family"]["members"]}
    assert members["SITI AMINAH"] == person.nik
    assert members["AHMAD FAUZI"] == child.masked_nik
    assert isinstance(data["activity"], list)
    assert "password" not in json.dumps(data).lower()
    entry = AuditEntry.objects.get(action="account.data.exported")
    assert entry.actor == resident_user
    assert entry.object_id == str(resident_user.pk)


def test_audited_read_requires_a_purpose(rf, person, operator):
    request = rf.get("/")
    request.user = operator
    with pytest.raises(ValueError):
        audited_read(request, person, "  ")
    entry = audited_read(request, person, "Permohonan X", what="kk_scan")
    assert entry.actor == operator
    assert entry.action == "personal_data.read"
    assert entry.details["what"] == "kk_scan"
    assert person.nik not in entry.object_label  # masked by Resident.__str__
