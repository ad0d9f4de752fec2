from __future__ import annotations

import pytest

from .fake_gateway import FakeGateway, gateway_config


@pytest.fixture
def gateway(settings):
    """The fake gateway behind both WhatsApp (/wa) and SMS (/sms)."""
    fake = FakeGateway().start()
    settings.WHATSAPP_GATEWAY = gateway_config(f"{fake.url}/wa")
    settings.SMS_GATEWAY = gateway_config(f"{fake.url}/sms")
    settings.NOTIFY_BACKOFF_SECONDS = 30
    settings.NOTIFY_BACKOFF_MAX_SECONDS = 3600
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_FALLBACK_ORDER = ["whatsapp", "sms", "email"]
    yield fake
    fake.stop()


@pytest.fixture
def siti(db):
    """A resident who reads WhatsApp in Indonesian, and has an e-mail address as well."""
    from paksemmok.accounts.models import User

    return User.objects.create_user(
        username="3319025705900001",
        first_name="Siti",
        phone="+6281234567890",
        email="siti@example.id",
        preferred_channel="whatsapp",
        preferred_language="id",
    )


@pytest.fixture
def john(db):
    """An English-speaking resident reachable by e-mail only."""
    from paksemmok.accounts.models import User

    return User.objects.create_user(
        username="3319021203880002",
        first_name="John",
        email="john@example.com",
        preferred_channel="email",
        preferred_language="en",
    )


@pytest.fixture
def staff_admin(db):
    from paksemmok.accounts.models import User

    return User.objects.create_superuser(
        username="admin-notif",
        password="x-Pass-12345",
        email="admin@example.id",
        role="admin",
    )


@pytest.fixture
def staff_client(client, staff_admin):
    """A client signed in as an admin who passed the TOTP second factor in this session."""
    from tests.cast import sign_in_with_totp

    sign_in_with_totp(client, staff_admin)
    return client
