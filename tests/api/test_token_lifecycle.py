"""API tokens expire (API_TOKEN_LIFETIME_DAYS) and their owner lists and revokes them."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from paksemmok.api.models import ApiToken

from .conftest import token_client


def test_a_token_expires(agus, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    client = token_client(agus)
    assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        response = client.get("/api/v1/me/")
    assert response.status_code == 401


def test_issue_answers_with_the_expiry(agus, settings):
    from tests.cast import PASSWORD

    agus.set_password(PASSWORD)
    agus.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"nik": agus.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201
    token = ApiToken.objects.get(user=agus)
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)).total_seconds() < 5
    assert response.json()["expires_at"]


def test_owner_lists_and_revokes_tokens(agus, eko):
    phone = token_client(agus)
    laptop = token_client(agus)
    other = token_client(eko)
    listed = phone.get("/api/v1/auth/tokens/").json()
    assert len(listed) == 2
    assert sorted(row["current"] for row in listed) == [False, True]
    laptop_id = next(row["id"] for row in listed if not row["current"])
    eko_id = ApiToken.objects.get(user=eko).pk
    # Someone else's token is unknown to the caller.
    assert phone.delete(f"/api/v1/auth/tokens/{eko_id}/").status_code == 404
    assert other.get("/api/v1/me/").status_code == 200
    assert phone.delete(f"/api/v1/auth/tokens/{laptop_id}/").status_code == 204
    assert laptop.get("/api/v1/me/").status_code == 401
    assert phone.get("/api/v1/me/").status_code == 200
    assert len(phone.get("/api/v1/auth/tokens/").json()) == 1
