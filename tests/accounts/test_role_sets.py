"""Role sets are defined once (on User) and the pages, the API and the services admit the
same roles from them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from paksemmok.accounts.models import User
from tests.cast import sign_in_with_totp, staff

pytestmark = pytest.mark.django_db

Role = User.Role


def signed_in(role: str) -> APIClient:
    user = staff(f"u-{role}", role=role, services=["akta_lahir"])
    client = APIClient()
    if user.requires_totp:
        sign_in_with_totp(client, user)
    else:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.PEREKAMAN, Role.ADMIN])
def test_pages_and_api_admit_the_same_roles(role):
    client = signed_in(role)
    deciding = role in User.DECIDING_ROLES
    page = client.get("/staf/antrean/")
    api = client.get("/api/v1/staff/queue/")
    assert (page.status_code == 200) == deciding, page.status_code
    assert (api.status_code == 200) == deciding, api.status_code
    if deciding:
        assert isinstance(api.json()["results"], list)
    supervising = role in User.SUPERVISING_ROLES
    assert (client.get("/staf/antrean/ringkasan/").status_code == 200) == supervising
    assert (client.get("/staf/dasbor/").status_code == 200) == supervising
    desk = client.get("/perekaman/staf/")
    assert (desk.status_code == 200) == (role in User.PEREKAMAN_DESK_ROLES), desk.status_code


def test_role_sets_say_what_they_allow():
    staff_roles = set(User.STAFF_ROLES)
    assert staff_roles == set(Role) - {Role.RESIDENT, Role.HELPER}
    for roles in (
        User.DECIDING_ROLES,
        User.SUPERVISING_ROLES,
        User.PEREKAMAN_DESK_ROLES,
        User.JEMPUT_BOLA_ROLES,
    ):
        assert set(roles) <= staff_roles
    assert Role.PEREKAMAN not in User.DECIDING_ROLES
    assert Role.OPERATOR not in User.PEREKAMAN_DESK_ROLES
    assert set(User.SUPERVISING_ROLES) == {r for r in Role if User(role=r).requires_totp}
