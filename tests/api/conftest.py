"""API additions to the shared cast (tests/conftest.py): Agus as resident A and Eko (another
KK) as resident B with verified contacts, token and session clients, and a Kudus office with
known hours."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from paksemmok.api.models import ApiToken
from paksemmok.population.models import Region
from tests.cast import account_for, make_office, sign_in_with_totp, years_ago
from tests.factories import ResidentFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; one test's requests must not count in the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _db(db):
    """Every API test uses the database (and so the shipped catalogue, tests/conftest.py)."""


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


# --- sessions of the shared staff cast: Budi, Citra (operators), Dewi (supervisor, TOTP) ---


def session_client(user, *, totp: bool = False, csrf: bool = False) -> APIClient:
    """A signed-in site session, as a browser of the back office has; `totp` marks the
    session as having passed the TOTP step (django-otp's session key)."""
    client = APIClient(enforce_csrf_checks=csrf)
    if totp:
        sign_in_with_totp(client, user)
    else:
        client.force_login(user)
    return client


@pytest.fixture
def budi_client(budi) -> APIClient:
    return session_client(budi)


@pytest.fixture
def citra_client(citra) -> APIClient:
    return session_client(citra)


@pytest.fixture
def dewi_client(dewi) -> APIClient:
    return session_client(dewi, totp=True)


def upload(client, reference, requirement, content, name="kk.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/api/v1/applications/{reference}/documents/",
        {"requirement": requirement, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def draft(client, family, variant="ektp-cetak", subject=None):
    response = client.post(
        "/api/v1/applications/",
        {"variant": variant, "subject": (subject or family.agus).pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()
