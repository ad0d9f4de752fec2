"""The sign-up code: expiry, replay, too many tries, resend limits; unusable until verified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from paksemmok.accounts.models import OneTimeCode, User
from paksemmok.notifications.models import Message
from tests.cast import PASSWORD, form_data, latest_code, post_login, signup

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def pending(client, person, time_machine):
    """A fresh sign-up whose session waits on the verification page."""
    time_machine.move_to(START, tick=False)
    assert signup(client, form_data(person)).status_code == 302
    return User.objects.get(username=person.nik)


def verify(client, code):
    return client.post(reverse("accounts:verify"), {"code": code})


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 10**6:06d}"


def test_the_right_code_verifies_and_the_account_can_sign_in(client, pending):
    page = client.get(reverse("accounts:verify"))
    assert "+6281****890" in page.content.decode()  # masked destination

    response = verify(client, latest_code(pending))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    pending.refresh_from_db()
    assert pending.contact_verified
    response = post_login(client, pending.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_an_unverified_account_cannot_sign_in(client, pending):
    client.cookies.clear()
    response = post_login(client, pending.username)
    # Right password: sent to finish verification, not signed in.
    assert response["Location"] == reverse("accounts:verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_an_expired_code_is_refused_with_a_resend_option(client, pending, time_machine):
    code = latest_code(pending)
    time_machine.shift(dt.timedelta(minutes=10, seconds=1))

    response = verify(client, code)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kode sudah kedaluwarsa. Minta kode baru." in html
    assert reverse("accounts:resend") in html
    pending.refresh_from_db()
    assert not pending.contact_verified


def test_the_code_lifetime_is_configurable(client, person, settings, time_machine):
    settings.ACCOUNTS_CODE_LIFETIME_MINUTES = 2
    time_machine.move_to(START, tick=False)
    signup(client, form_data(person))
    user = User.objects.get(username=person.nik)
    assert "Berlaku 2 menit" in Message.objects.get(user=user).body
    time_machine.shift(dt.timedelta(minutes=2, seconds=1))
    assert "kedaluwarsa" in verify(client, latest_code(user)).content.decode()


def test_a_used_code_cannot_be_replayed(client, pending):
    code = latest_code(pending)
    assert verify(client, code).status_code == 302
    # The session forgets the pending user after success; replay at the service level.
    from paksemmok.accounts.services.codes import CodeResult, check_code

    assert check_code(pending, "verify", code).result == CodeResult.USED


def test_a_replayed_old_code_is_refused_after_a_resend(client, pending, time_machine):
    from paksemmok.accounts.services.codes import CodeResult, check_code, issue_code

    first = latest_code(pending)
    assert check_code(pending, "verify", first).ok
    time_machine.shift(61)
    issue_code(pending, "verify")
    result = check_code(pending, "verify", first)
    assert result.result == CodeResult.USED
    assert "sudah dipakai" in result.message
    assert check_code(pending, "verify", latest_code(pending)).ok


def test_too_many_wrong_tries_burn_the_code(client, pending, settings):
    right = latest_code(pending)
    for remaining in [4, 3, 2, 1]:
        response = verify(client, wrong_code(right))
        assert f"Kode salah. Sisa {remaining} kali percobaan." in response.content.decode()
    response = verify(client, wrong_code(right))
    assert "Terlalu banyak kode salah" in response.content.decode()
    # Even the right code no longer works: a new one must be requested.
    response = verify(client, right)
    assert "Tidak ada kode yang berlaku" in response.content.decode()
    pending.refresh_from_db()
    assert not pending.contact_verified
    assert OneTimeCode.objects.get(user=pending).attempts == 5


def test_resend_is_rate_limited(client, pending, time_machine, settings):
    response = client.post(reverse("accounts:resend"), follow=True)
    assert "Kode baru bisa diminta lagi dalam 60 detik" in response.content.decode()
    assert Message.objects.filter(user=pending).count() == 1

    time_machine.shift(61)
    response = client.post(reverse("accounts:resend"), follow=True)
    assert "Kode baru sudah dikirim" in response.content.decode()
    assert Message.objects.filter(user=pending).count() == 2
    # The code sent first is replaced by the new one.
    assert OneTimeCode.objects.filter(user=pending, invalidated_at__isnull=False).count() == 1

    # At most ACCOUNTS_CODE_MAX_PER_HOUR codes per hour, however patiently spaced.
    for _ in range(3):
        time_machine.shift(61)
        client.post(reverse("accounts:resend"))
    assert Message.objects.filter(user=pending).count() == 5
    time_machine.shift(61)
    response = client.post(reverse("accounts:resend"), follow=True)
    assert "Kode baru bisa diminta lagi dalam" in response.content.decode()
    assert "menit" in response.content.decode()
    assert Message.objects.filter(user=pending).count() == 5
    time_machine.shift(dt.timedelta(hours=1))
    client.post(reverse("accounts:resend"))
    assert Message.objects.filter(user=pending).count() == 6


def test_a_new_code_works_after_expiry(client, pending, time_machine):
    time_machine.shift(dt.timedelta(minutes=11))
    client.post(reverse("accounts:resend"))
    assert verify(client, latest_code(pending)).status_code == 302
    pending.refresh_from_db()
    assert pending.contact_verified


def test_code_with_spaces_is_accepted(client, pending):
    code = latest_code(pending)
    assert verify(client, f"{code[:3]} {code[3:]}").status_code == 302
    pending.refresh_from_db()
    assert pending.contact_verified


def test_verify_page_without_a_pending_sign_up_goes_to_login(client, db):
    response = client.get(reverse("accounts:verify"))
    assert response["Location"] == reverse("accounts:login")


def test_password_is_not_sent_in_the_code_message(pending):
    assert PASSWORD not in Message.objects.get(user=pending).body
