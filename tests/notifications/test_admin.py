"""The outbox admin: read-only list and detail, fallback history, "retry now"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.audit.models import AuditEntry
from paksemmok.notifications.delivery import deliver_due
from paksemmok.notifications.models import Message
from paksemmok.notifications.services import notify

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:notifications_message_changelist")


def failed_message(gateway, user) -> Message:
    gateway.script("400", "400")
    message = notify(
        template="status_change",
        user=user,
        to_phone="+6281234511111",
        context={"kind": "approved", "reference": "KK-5"},
    )
    deliver_due()
    deliver_due()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    return message


def test_staff_finds_a_message_by_address(staff_client, siti, john):
    notify(template="generic", user=siti, context={"subject": "S", "body": "untuk Siti"})
    notify(template="generic", user=john, context={"subject": "S", "body": "for John"})
    client = staff_client

    response = client.get(LIST_URL, {"q": "john@example"}, follow=True)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("address", flat=True)) == [
        "john@example.com"
    ]


def test_detail_shows_the_fallback_history_and_cannot_add_or_delete(staff_client, gateway, siti):
    message = failed_message(gateway, siti)
    client = staff_client

    response = client.get(reverse("admin:notifications_message_change", args=[message.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "HTTP 400" in html
    assert html.count("gagal permanen") >= 2  # whatsapp and sms rows of the history
    assert 'name="body"' not in html  # shown, never editable
    assert client.get(reverse("admin:notifications_message_add")).status_code == 403
    assert (
        client.get(reverse("admin:notifications_message_delete", args=[message.pk])).status_code
        == 403
    )


def test_code_is_readable_in_development_and_hidden_in_production(staff_client, siti, settings):
    message = notify(
        template="verification_code", user=siti, context={"code": "482913", "minutes": 10}
    )
    client = staff_client
    url = reverse("admin:notifications_message_change", args=[message.pk])

    settings.NOTIFY_ADMIN_SHOW_SECRETS = True
    assert "482913" in client.get(url).content.decode()

    settings.NOTIFY_ADMIN_SHOW_SECRETS = False
    html = client.get(url).content.decode()
    assert "482913" not in html
    assert "disembunyikan" in html


def test_retry_now_requeues_a_failed_message_from_the_first_channel(staff_client, gateway, siti):
    message = failed_message(gateway, siti)
    client = staff_client

    response = client.post(
        LIST_URL, {"action": "retry_now_action", "_selected_action": [message.pk]}, follow=True
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.channel, message.channel_attempts) == ("pending", "whatsapp", 0)
    assert AuditEntry.objects.filter(
        action="notifications.message.retried", object_id=str(message.pk)
    ).exists()
    assert deliver_due().sent == 1
    assert gateway.paths() == ["/wa", "/sms", "/wa"]
