"""Sign-in with NIK, lockout (django-axes), password reset by code, sign-out everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from paksemmok.accounts.models import User
from paksemmok.audit.models import AuditEntry
from tests.cast import latest_code, post_login


def test_sign_in_with_nik_typed_with_spaces(client, resident_user):
    nik = resident_user.username
    response = post_login(client, f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert AuditEntry.objects.filter(action="account.signed_in", actor=resident_user).exists()


def test_wrong_password_message_does_not_say_which_part_was_wrong(client, resident_user):
    response = post_login(client, resident_user.username, "salah-sekali")
    assert response.status_code == 200
    assert "NIK/nama pengguna atau kata sandi salah" in response.content.decode()


def test_lockout_after_repeated_failures_says_when_to_retry(
    client, resident_user, settings, time_machine
):
    time_machine.move_to(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False)  # 09.00 WIB
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, resident_user.username, "salah-sekali").status_code == 200

    response = post_login(client, resident_user.username, "salah-sekali")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in html
    assert "Coba lagi setelah pukul 09.15 WIB (15 menit lagi)" in html
    assert reverse("accounts:reset_request") in html
    # Even the right password is refused while locked, and reformatting the NIK does not help.
    assert post_login(client, resident_user.username).status_code == 429
    assert (
        post_login(client, f"{resident_user.username[:4]} {resident_user.username[4:]}").status_code
        == 429
    )

    time_machine.shift(dt.timedelta(minutes=16))
    assert post_login(client, resident_user.username).status_code == 302


def test_password_reset_by_code(client, resident_user):
    other_device = Client()
    other_device.force_login(resident_user)
    assert other_device.get(reverse("accounts:profile")).status_code == 200

    response = client.post(reverse("accounts:reset_request"), {"username": resident_user.username})
    assert response["Location"] == reverse("accounts:reset_confirm")
    code = latest_code(resident_user, "password_reset")
    new_password = "Menara-Kudus-1685"
    response = client.post(
        reverse("accounts:reset_confirm"),
        {"code": code, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302

    resident_user.refresh_from_db()
    assert resident_user.check_password(new_password)
    assert post_login(Client(), resident_user.username, new_password).status_code == 302
    # Sessions opened with the old password are over.
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert AuditEntry.objects.filter(
        action="account.password.reset", object_id=str(resident_user.pk)
    ).exists()


def test_password_reset_code_cannot_be_used_twice(client, resident_user):
    client.post(reverse("accounts:reset_request"), {"username": resident_user.username})
    code = latest_code(resident_user, "password_reset")
    client.post(
        reverse("accounts:reset_confirm"),
        {"code": code, "password1": "Menara-Kudus-1685", "password2": "Menara-Kudus-1685"},
    )
    from paksemmok.accounts.services.reset import reset_password

    result = reset_password(resident_user.username, code, "Lain-Lagi-2027")
    assert not result.ok
    resident_user.refresh_from_db()
    assert resident_user.check_password("Menara-Kudus-1685")


def test_password_reset_answers_the_same_for_unknown_niks(client, resident_user):
    from paksemmok.notifications.models import Message

    known = client.post(
        reverse("accounts:reset_request"), {"username": resident_user.username}, follow=True
    )
    unknown = Client().post(
        reverse("accounts:reset_request"), {"username": "3319020101900099"}, follow=True
    )
    messages_known = [str(m) for m in known.context["messages"]]
    messages_unknown = [str(m) for m in unknown.context["messages"]]
    assert messages_known == messages_unknown
    assert Message.objects.filter(template="password_reset").count() == 1


def test_password_reset_lifts_a_lockout(client, resident_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, resident_user.username, "salah-sekali")
    assert post_login(client, resident_user.username).status_code == 429
    client.post(reverse("accounts:reset_request"), {"username": resident_user.username})
    code = latest_code(resident_user, "password_reset")
    client.post(
        reverse("accounts:reset_confirm"),
        {"code": code, "password1": "Menara-Kudus-1685", "password2": "Menara-Kudus-1685"},
    )
    assert post_login(client, resident_user.username, "Menara-Kudus-1685").status_code == 302


@pytest.mark.parametrize(
    "store",
    [
        "django.contrib.sessions.backends.db",
        # Production's store with Redis (settings.SESSION_ENGINE): a session still held in the
        # cache must end too.
        "django.contrib.sessions.backends.cached_db",
    ],
)
def test_sign_out_everywhere_ends_other_sessions(resident_user, settings, store):
    settings.SESSION_ENGINE = store
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        assert post_login(device, resident_user.username).status_code == 302
        assert device.get(reverse("accounts:profile")).status_code == 200

    page = laptop.get(reverse("accounts:sign_out_everywhere"))
    assert page.status_code == 200
    response = laptop.post(reverse("accounts:sign_out_everywhere"))

    assert response["Location"] == reverse("accounts:login")
    for device in (phone, laptop):
        response = device.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.filter(
        action="account.signed_out_everywhere", actor=resident_user
    ).exists()
    # Signing in again works as usual.
    assert post_login(phone, resident_user.username).status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 200


def test_sign_out(client, resident_user):
    post_login(client, resident_user.username)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_admin_action_signs_a_user_out_everywhere(resident_user):
    from paksemmok.accounts.services.sessions import sign_out_everywhere

    device = Client()
    device.force_login(resident_user)
    token = resident_user.session_token
    sign_out_everywhere(User.objects.get(pk=resident_user.pk))
    assert User.objects.get(pk=resident_user.pk).session_token != token
    assert device.get(reverse("accounts:profile")).status_code == 302
