from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from paksemmok.accounts.models import OneTimeCode, User
from paksemmok.audit.models import AuditEntry
from paksemmok.notifications.models import Message
from paksemmok.population.models import Resident
from tests.cast import PASSWORD, form_data, latest_code, signup
from tests.factories import FamilyFactory, ResidentFactory

NEUTRAL = "Data yang Anda masukkan tidak cocok dengan data kependudukan"


def test_matching_data_creates_an_unverified_account_and_sends_a_code(client, person):
    response = signup(client, form_data(person, full_name="  siti   aminah "))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    user = User.objects.get(username=person.nik)
    assert user.resident == person
    assert user.role == User.Role.RESIDENT
    assert str(user.phone) == "+6281234567890"
    assert user.contact_verified is False
    assert user.check_password(PASSWORD)
    message = Message.objects.get(user=user)
    assert message.template == "verification_code"
    assert message.channel == "whatsapp"
    assert message.to_phone == "+6281234567890"
    code = latest_code(user)
    stored = OneTimeCode.objects.get(user=user)
    # Only a keyed hash of the code is kept.
    assert code not in stored.code_hash
    assert stored.code_hash == OneTimeCode.hash_code(user.pk, "verify", code)
    assert AuditEntry.objects.filter(action="account.registered", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    "field, wrong",
    [
        ("nik", "other-nik"),
        ("kk_number", "other-kk"),
        ("full_name", "SITI AMINA"),
        ("birth_date", "1988-03-10"),
    ],
)
def test_each_wrong_field_gives_the_same_neutral_message(client, person, field, wrong):
    other = ResidentFactory(family=FamilyFactory(), birth_date=dt.date(1970, 1, 1))
    value = {"other-nik": other.nik, "other-kk": other.family.kk_number}.get(wrong, wrong)

    response = signup(client, form_data(person, **{field: value}))

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and errors[0].startswith(NEUTRAL)
    # Nothing says which field was wrong.
    assert not any(
        response.context["form"].errors.get(f)
        for f in ["nik", "kk_number", "full_name", "birth_date"]
    )
    assert not User.objects.filter(username=person.nik).exists()
    assert not Message.objects.exists()


def test_the_neutral_message_is_identical_for_every_kind_of_mismatch(client, person):
    bodies = set()
    for overrides in [{"full_name": "BUDI"}, {"birth_date": "2000-01-01"}]:
        response = signup(client, form_data(person, **overrides))
        bodies.add(str(response.context["form"].non_field_errors()))
    assert len(bodies) == 1


def test_a_deceased_resident_is_refused_neutrally(client, person):
    Resident.objects.filter(pk=person.pk).update(
        life_status="meninggal", death_date=dt.date(2024, 1, 1)
    )
    response = signup(client, form_data(person))
    assert response.context["form"].non_field_errors()[0].startswith(NEUTRAL)
    assert not User.objects.exists()


def test_someone_not_on_that_kk_is_refused(client, person):
    stranger = ResidentFactory(family=FamilyFactory())
    response = signup(client, form_data(stranger, kk_number=person.family.kk_number))
    assert response.context["form"].non_field_errors()[0].startswith(NEUTRAL)
    assert not User.objects.exists()


def test_an_already_registered_nik_is_refused_with_a_recovery_link(client, resident_user, person):
    response = signup(client, form_data(person, phone="081298765432"))

    assert response.status_code == 200
    assert "NIK ini sudah memiliki akun." in response.content.decode()
    assert reverse("accounts:reset_request") in response.content.decode()
    assert User.objects.filter(username=person.nik).count() == 1
    assert str(User.objects.get(username=person.nik).phone) == "+6281234500001"


def test_an_unverified_earlier_sign_up_is_replaced(client, person, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC), tick=False)
    signup(client, form_data(person, phone="081211112222"))
    first = User.objects.get(username=person.nik)
    client.cookies.clear()

    # Signing up again at once would be a way around the resend limit.
    response = signup(client, form_data(person, phone="081233334444"))
    assert response.status_code == 200
    assert "Kode baru bisa diminta lagi dalam" in response.content.decode()
    assert str(User.objects.get(pk=first.pk).phone) == "+6281211112222"

    time_machine.shift(61)
    response = signup(client, form_data(person, phone="081233334444"))

    assert response.status_code == 302
    user = User.objects.get(username=person.nik)
    assert user.pk == first.pk
    assert str(user.phone) == "+6281233334444"
    # The first code no longer works: only the newest code is active.
    assert OneTimeCode.objects.filter(user=user, used_at=None, invalidated_at=None).count() == 1


@pytest.mark.parametrize(
    "phone, message",
    [
        ("+14155552671", "Hanya nomor HP Indonesia (+62)"),
        ("+6591234567", "Hanya nomor HP Indonesia (+62)"),
        ("0291432100", "bukan telepon rumah"),
        ("0812", "Nomor HP tidak valid"),
        ("abc", "Nomor HP tidak dikenali"),
    ],
)
def test_phone_must_be_an_indonesian_mobile(client, person, phone, message):
    response = signup(client, form_data(person, phone=phone))
    assert message in " ".join(response.context["form"].errors["phone"])
    assert not User.objects.exists()


def test_a_phone_of_another_verified_account_is_refused(client, person, resident_user):
    other = ResidentFactory(family=person.family, full_name="AHMAD", relationship="anak")
    response = signup(client, form_data(other, phone="+6281234500001"))
    assert "Satu nomor hanya untuk satu akun" in " ".join(response.context["form"].errors["phone"])


def test_password_rules_come_from_django_in_indonesian(client, person):
    response = signup(client, form_data(person, password1="12345678", password2="12345678"))
    assert response.context["form"].errors["password1"] == [
        "Kata sandi terlalu pendek. Harus mengandung setidaknya 12 karakter.",
        "Kata sandi ini terlalu umum.",
        "Kata sandi ini seluruhnya terdiri dari angka.",
    ]
    assert not User.objects.exists()


def test_email_channel_needs_an_email(client, person):
    response = signup(client, form_data(person, channel="email"))
    assert response.context["form"].errors["email"]
    response = signup(client, form_data(person, channel="email", email="siti@example.invalid"))
    assert response.status_code == 302
    assert Message.objects.get().channel == "email"


def test_sign_up_attempts_are_throttled_per_ip(client, person, settings):
    settings.ACCOUNTS_SIGNUP_THROTTLE_ATTEMPTS = 3
    for _ in range(3):
        assert signup(client, form_data(person, full_name="SALAH")).status_code == 200
    response = signup(client, form_data(person))
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert not User.objects.exists()
    # Another address still has its budget.
    response = client.post(reverse("accounts:signup"), form_data(person), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302


def test_sign_up_page_is_mobile_friendly(client, kudus):
    response = client.get(reverse("accounts:signup"))
    html = response.content.decode()
    assert 'inputmode="numeric"' in html
    assert 'type="tel"' in html
    assert 'type="date"' in html
    assert 'autocomplete="new-password"' in html


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("nik", "3319101503900001", "Kode kecamatan 33.19.10"),
        ("kk_number", "3319100101240001", "Kode kecamatan 33.19.10"),
    ],
)
def test_numbers_with_a_kecamatan_that_does_not_exist_are_refused(
    client, person, field, value, fragment
):
    response = signup(client, form_data(person, **{field: value}))

    assert response.status_code == 200
    assert fragment in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(username=person.nik).exists()


def test_a_nik_born_in_the_future_is_refused(client, person, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 9, 0))
    # 15 December 2026: two weeks ahead.
    response = signup(client, form_data(person, nik="3319021512260001"))

    assert "masa depan" in " ".join(response.context["form"].errors["nik"])
