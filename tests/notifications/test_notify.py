"""notify(): rendering in the recipient's language, the stored row, and outbox atomicity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from paksemmok.notifications.models import Attempt, Message
from paksemmok.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_verification_code_is_rendered_in_indonesian_for_siti(siti):
    message = notify(
        template="verification_code", context={"code": "482913", "minutes": 10}, user=siti
    )

    message.refresh_from_db()
    assert message.language == "id"
    assert message.channel == "whatsapp"
    assert message.address == "+6281234567890"
    assert message.status == Message.Status.PENDING
    assert message.body.startswith("482913 adalah kode verifikasi Pak Semmok Anda.")
    assert "Berlaku 10 menit" in message.body
    assert message.subject == "Kode verifikasi Pak Semmok"
    # A code message fits in one SMS segment (160 characters).
    assert len(message.body) <= 160
    assert message.expires_at == message.created_at + dt.timedelta(minutes=10)


def test_status_change_is_rendered_in_english_for_john(john):
    message = notify(
        template="status_change",
        user=john,
        context={
            "kind": "returned",
            "reference": "KK-2025-0042",
            "url": "/permohonan/42/",
            "deficiencies": [
                {"item": "Kartu Keluarga", "reason": "Scan tidak terbaca", "note": "blurred"}
            ],
        },
    )

    assert message.language == "en"
    assert message.channel == "email"
    assert message.address == "john@example.com"
    assert message.subject == "Application KK-2025-0042 needs more information"
    assert "Application KK-2025-0042 was returned. Please fix:" in message.body
    assert "- Kartu Keluarga: Scan tidak terbaca (blurred)" in message.body
    assert "http://127.0.0.1:8000/permohonan/42/" in message.body
    assert message.expires_at is None


def test_body_is_stored_so_later_template_changes_do_not_alter_it(siti, settings):
    message = notify(
        template="generic",
        user=siti,
        context={"subject": "Info", "body": "Kantor tutup 17 Agustus."},
    )
    settings.SERVICE_NAME = "Nama Baru"

    assert Message.objects.get(pk=message.pk).body == "Kantor tutup 17 Agustus."


def test_appointment_time_is_shown_in_kudus_time_and_language(siti):
    when = dt.datetime(2025, 6, 2, 2, 30, tzinfo=dt.UTC)  # 09.30 WIB
    message = notify(
        template="appointment_booked",
        user=siti,
        context={"place": "Kecamatan Jati", "when": when, "booking_code": "JT-7Q"},
    )

    assert "Senin, 2 Juni 2025, 09.30 WIB di Kecamatan Jati" in message.body
    assert "Kode booking: JT-7Q" in message.body


def test_explicit_language_and_channel_override_the_profile(siti):
    message = notify(
        template="password_reset",
        context={"code": "111222", "minutes": 15},
        user=siti,
        channel="email",
        language="en",
    )

    assert (message.channel, message.address, message.language) == (
        "email",
        "siti@example.id",
        "en",
    )
    assert message.body.startswith("111222 is your Pak Semmok password reset code.")


def test_sign_up_code_goes_only_to_the_explicit_number(siti):
    message = notify(
        template="verification_code",
        context={"code": "900100", "minutes": 5},
        user=siti,
        to_phone="0812-9999-8888",
    )

    assert message.address == "+6281299998888"
    # The profile's e-mail is not a fallback for a code meant to verify this number.
    assert message.to_email == ""


def test_unknown_template_is_a_clear_error(siti):
    with pytest.raises(ValueError, match="Unknown notification template 'welcome'"):
        notify(template="welcome", context={}, user=siti)
    assert not Message.objects.exists()


def test_missing_context_and_bad_kind_are_errors(siti):
    with pytest.raises(ValueError, match="needs context key"):
        notify(template="verification_code", context={"code": "1"}, user=siti)
    with pytest.raises(ValueError, match="kind='lost'"):
        notify(template="status_change", context={"kind": "lost", "reference": "X"}, user=siti)


def test_bad_addresses_and_channels_are_errors(siti):
    with pytest.raises(ValueError, match="Invalid phone number"):
        notify(template="generic", context={"subject": "a", "body": "b"}, to_phone="12")
    with pytest.raises(ValueError, match="Unknown notification channel"):
        notify(
            template="generic", context={"subject": "a", "body": "b"}, user=siti, channel="pigeon"
        )
    with pytest.raises(ValueError, match="needs a user"):
        notify(template="generic", context={"subject": "a", "body": "b"})


def test_preferred_channel_without_address_falls_back_at_once(john):
    john.preferred_channel = "whatsapp"
    john.save()

    message = notify(template="generic", context={"subject": "a", "body": "b"}, user=john)

    assert (message.requested_channel, message.channel) == ("whatsapp", "email")
    skipped = list(message.attempt_log.values_list("channel", "outcome"))
    assert skipped == [("whatsapp", "skipped"), ("sms", "skipped")]


def test_recipient_without_any_address_is_recorded_as_failed(db):
    from paksemmok.accounts.models import User

    nobody = User.objects.create_user(username="3319020101010003", password="x-Pass-12345")

    message = notify(template="generic", context={"subject": "a", "body": "b"}, user=nobody)

    assert message.status == Message.Status.FAILED
    assert "no phone number or e-mail" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing(siti):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        siti.first_name = "Siti Aminah"
        siti.save()
        notify(
            template="status_change", user=siti, context={"kind": "approved", "reference": "KK-1"}
        )
        raise Boom

    assert Message.objects.count() == 0
    assert Attempt.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_keeps_its_message(siti):
    with transaction.atomic():
        notify(
            template="status_change", user=siti, context={"kind": "approved", "reference": "KK-1"}
        )

    assert Message.objects.filter(template="status_change", user=siti).count() == 1


def test_every_template_renders_in_both_languages(siti):
    contexts = {
        "verification_code": {"code": "1", "minutes": 5},
        "password_reset": {"code": "1", "minutes": 5},
        "helper_access_code": {"code": "1", "minutes": 5, "helper": "H", "village": "V"},
        "appointment_booked": {"place": "P", "when": timezone.now(), "booking_code": "B"},
        "appointment_reminder": {"place": "P", "when": timezone.now(), "booking_code": "B"},
        "jemput_bola_announcement": {
            "place": "P",
            "date": dt.date(2025, 6, 7),
            "hours": "08.00-12.00",
        },
        "generic": {"subject": "S", "body": "B"},
    }
    kinds = [
        "submitted",
        "returned",
        "approved",
        "rejected",
        "document_ready",
        "card_ready",
        "cancelled",
    ]
    for kind in kinds:
        contexts[f"status_change:{kind}"] = {"kind": kind, "reference": "R-9", "place": "P"}
    bodies = {}
    for key, context in contexts.items():
        for language in ("id", "en"):
            message = notify(
                template=key.split(":")[0], context=context, user=siti, language=language
            )
            assert message.subject and message.body, key
            assert "{" not in message.body and "%(" not in message.body, key
            bodies[(key, language)] = message.body
    for key in contexts:
        if key != "generic":
            assert bodies[(key, "id")] != bodies[(key, "en")], key


def test_helper_access_code_asks_the_resident_to_share_it_with_the_helper(siti):
    message = notify(
        template="helper_access_code",
        user=siti,
        context={"code": "700800", "minutes": 30, "helper": "Bu Sri", "village": "Purwosari"},
    )
    english = notify(
        template="helper_access_code",
        user=siti,
        language="en",
        context={"code": "700800", "minutes": 30, "helper": "Bu Sri"},
    )

    assert message.body.startswith("Bu Sri, pendamping desa Purwosari, meminta izin")
    assert "berikan kode 700800 kepadanya (berlaku 30 menit)" in message.body
    assert "Jangan berikan" not in message.body
    assert english.body.startswith("Bu Sri, a village helper, asks for permission")
    assert message.expires_at is not None
