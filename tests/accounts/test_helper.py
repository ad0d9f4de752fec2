"""A village helper acting for a resident, with the resident's one-time code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from paksemmok.audit.models import AuditEntry
from tests.cast import latest_code
from tests.factories import FamilyFactory, ResidentFactory, village

HELPER_TEMPLATE = "helper_access_code"


@pytest.fixture
def helper_client(client, helper_user):
    client.force_login(helper_user)
    return client


def start(client, nik):
    return client.post(reverse("accounts:helper"), {"nik": nik})


def confirm(client, resident_user):
    code = latest_code(resident_user, HELPER_TEMPLATE)
    return client.post(reverse("accounts:helper_code"), {"code": code})


def test_helper_acts_for_a_resident_after_the_residents_code(
    helper_client, helper_user, resident_user, person
):
    response = start(helper_client, person.nik)
    assert response["Location"] == reverse("accounts:helper_code")
    code = latest_code(resident_user, HELPER_TEMPLATE)  # the resident reads it on their phone
    from paksemmok.notifications.models import Message

    message = Message.objects.get(user=resident_user, template=HELPER_TEMPLATE)
    assert helper_user.get_full_name() in message.body
    assert message.to_phone == "+6281234500001"

    response = helper_client.post(reverse("accounts:helper_code"), {"code": code})
    assert response["Location"] == reverse("accounts:profile")

    html = helper_client.get(reverse("accounts:profile")).content.decode()
    assert person.nik in html
    assert "Anda bertindak atas nama" in html
    started = AuditEntry.objects.get(action="account.acting.started")
    assert started.actor == helper_user
    assert started.on_behalf_of == resident_user
    viewed = AuditEntry.objects.get(action="account.profile.viewed")
    assert viewed.actor == helper_user
    assert viewed.on_behalf_of == resident_user

    response = helper_client.post(reverse("accounts:helper_stop"))
    assert response.status_code == 302
    stopped = AuditEntry.objects.get(action="account.acting.stopped")
    assert (stopped.actor, stopped.on_behalf_of) == (helper_user, resident_user)
    html = helper_client.get(reverse("accounts:profile")).content.decode()
    assert person.nik not in html


def test_acting_ends_after_the_configured_time(
    helper_client, resident_user, person, time_machine, settings
):
    time_machine.move_to(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False)
    start(helper_client, person.nik)
    confirm(helper_client, resident_user)
    assert person.nik in helper_client.get(reverse("accounts:profile")).content.decode()
    time_machine.shift(dt.timedelta(minutes=settings.ACCOUNTS_ACTING_FOR_MINUTES, seconds=1))
    assert person.nik not in helper_client.get(reverse("accounts:profile")).content.decode()


def test_wrong_code_does_not_start_acting(helper_client, resident_user, person):
    start(helper_client, person.nik)
    code = latest_code(resident_user, HELPER_TEMPLATE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = helper_client.post(reverse("accounts:helper_code"), {"code": wrong})
    assert "Kode salah" in response.content.decode()
    assert not AuditEntry.objects.filter(action="account.acting.started").exists()


def test_resident_of_another_village_is_refused(helper_client, kudus):
    other = ResidentFactory(family=FamilyFactory(village=village("33.19.01.2001")))
    response = start(helper_client, other.nik)
    assert response.status_code == 200
    assert "tidak ditemukan di desa Anda" in response.content.decode()


def test_resident_without_account_is_refused(helper_client, person):
    response = start(helper_client, person.nik)
    assert "belum memiliki akun" in response.content.decode()


def test_the_code_only_works_for_the_helper_who_asked(client, helper_user, resident_user, person):
    from paksemmok.accounts.models import User
    from paksemmok.accounts.services.acting_for import confirm_acting

    client.force_login(helper_user)
    start(client, person.nik)
    code = latest_code(resident_user, HELPER_TEMPLATE)
    other_helper = User.objects.create_user(
        "pendamping2", password="x-Y-z-12345", role="helper", village=person.village
    )
    assert not confirm_acting(other_helper, resident_user, code).ok
    assert confirm_acting(helper_user, resident_user, code).ok


def test_helper_cannot_export_or_change_settings_while_acting(helper_client, resident_user, person):
    start(helper_client, person.nik)
    confirm(helper_client, resident_user)
    assert helper_client.post(reverse("accounts:export")).status_code == 403
    assert (
        helper_client.post(
            reverse("accounts:preferences"), {"channel": "sms", "language": "id"}
        ).status_code
        == 403
    )


def test_current_subject(rf, helper_user, resident_user):
    from django.contrib.sessions.backends.db import SessionStore

    from paksemmok.accounts import acting

    request = rf.get("/")
    request.user = helper_user
    request.session = SessionStore()
    assert acting.current_subject(request) == helper_user
    acting.begin(request, resident_user)
    assert acting.current_subject(request) == resident_user
    entry = acting.audit_act(request, "application.submitted", obj=resident_user)
    assert (entry.actor, entry.on_behalf_of) == (helper_user, resident_user)


def test_the_resident_sees_the_helpers_acts_in_their_activity(helper_client, resident_user, person):
    start(helper_client, person.nik)
    confirm(helper_client, resident_user)
    helper_client.get(reverse("accounts:profile"))

    resident = Client()
    resident.force_login(resident_user)
    html = resident.get(reverse("accounts:activity")).content.decode()
    assert "Pendamping desa mulai bertindak atas nama Anda" in html
    assert "Pendamping atas nama Anda" in html  # the helper's name, then "on your behalf"
