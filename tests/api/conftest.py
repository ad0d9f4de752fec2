"""API cast: the Santoso family (tests/applications) with Agus as resident A, Eko (another
KK) as resident B, and a Kudus office with known hours (tests/appointments)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from paksemmok.api.models import ApiToken
from paksemmok.population.models import Region
from tests.applications.conftest import Family, account_for, years_ago
from tests.appointments.conftest import make_office
from tests.factories import ResidentFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; one test's requests must not count in the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _catalogue(db):
    """The shipped catalogue, restored if a transactional test elsewhere flushed it."""
    from django.apps import apps

    from paksemmok.catalog import seed
    from paksemmok.catalog.models import Service

    if not Service.objects.exists():
        seed.load(apps)


@pytest.fixture
def family(kudus) -> Family:
    return Family()


@pytest.fixture
def agus(family):
    return account_for(family.agus, email="agus@example.id", contact_verified=True)


@pytest.fixture
def eko(kudus):
    resident = ResidentFactory(full_name="Eko Prasetyo", birth_date=years_ago(30))
    return account_for(resident, email="eko@example.id", contact_verified=True)


def token_client(user) -> APIClient:
    _token, raw = ApiToken.issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def a_client(agus) -> APIClient:
    return token_client(agus)


@pytest.fixture
def b_client(eko) -> APIClient:
    return token_client(eko)


@pytest.fixture
def office(kudus):
    return make_office(Region.objects.get(code="33.19"), name="Kantor Disdukcapil Uji")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"code", "message", "details"}
    assert data["code"] == code, data
    assert isinstance(data["message"], str) and data["message"]
    return data


# --- staff cast: Budi (operator, every service), Citra (operator, e-KTP only), Dewi
# (supervisor, TOTP), Sari (village helper) ----------------------------------------------------

ALL_SERVICES = ["kk", "ektp", "akta_lahir", "akta_mati", "kia"]


def staff_user(username: str, role: str = "operator", services=None):
    from paksemmok.accounts.models import User

    return User.objects.create_user(
        username=username,
        password="x-Pass-12345",
        role=role,
        first_name=username.title(),
        services=services or [],
    )


def session_client(user, *, totp: bool = False, csrf: bool = False) -> APIClient:
    """A signed-in site session, as a browser of the back office has; `totp` marks the
    session as having passed the TOTP step (django-otp's session key)."""
    client = APIClient(enforce_csrf_checks=csrf)
    client.force_login(user)
    if totp:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def submitted(applicant, code: str, subject=None, answers: dict | None = None):
    """An application sent by `applicant`, with every required file uploaded."""
    from paksemmok.applications import services as app_services
    from paksemmok.catalog.models import Variant
    from tests.applications.conftest import fill_required

    app = app_services.create_draft(
        applicant=applicant, variant=Variant.objects.get(code=code), subject=subject
    )
    fill_required(app, applicant, answers or {})
    app_services.submit_application(app, actor=applicant)
    return app


@pytest.fixture
def budi(db):
    return staff_user("budi", services=ALL_SERVICES)


@pytest.fixture
def citra(db):
    return staff_user("citra", services=["ektp"])


@pytest.fixture
def dewi(db):
    return staff_user("dewi", "supervisor")


@pytest.fixture
def budi_client(budi) -> APIClient:
    return session_client(budi)


@pytest.fixture
def citra_client(citra) -> APIClient:
    return session_client(citra)


@pytest.fixture
def dewi_client(dewi) -> APIClient:
    return session_client(dewi, totp=True)
