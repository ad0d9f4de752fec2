"""Staff accounts are created by admins in the admin site (no self sign-up for staff)."""

from __future__ import annotations

from django.test import Client

from paksemmok.accounts.models import User
from tests.cast import sign_in_with_totp


def test_admin_creates_an_operator_with_services(admin_user):
    client = Client()
    sign_in_with_totp(client, admin_user)
    assert client.get("/staf/admin/accounts/user/add/").status_code == 200
    response = client.post(
        "/staf/admin/accounts/user/add/",
        {
            "username": "operator.kk",
            "usable_password": "true",
            "password1": "Jenang-Kudus-77",
            "password2": "Jenang-Kudus-77",
            "role": "operator",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="operator.kk")
    assert user.role == User.Role.OPERATOR
    change = client.get(f"/staf/admin/accounts/user/{user.pk}/change/")
    assert change.status_code == 200
    assert 'name="services"' in change.content.decode()


def test_services_must_be_a_list_of_codes():
    import pytest
    from django.core.exceptions import ValidationError

    from paksemmok.accounts.models import validate_service_codes

    validate_service_codes(["kk", "ektp"])
    validate_service_codes([])
    for bad in ["kk", {"kk": 1}, [1], [""]]:
        with pytest.raises(ValidationError):
            validate_service_codes(bad)


def test_one_time_codes_are_read_only_in_the_admin(admin_user, resident_user):
    from paksemmok.accounts.services.codes import issue_code

    issue_code(resident_user, "verify")
    client = Client()
    sign_in_with_totp(client, admin_user)
    page = client.get("/staf/admin/accounts/onetimecode/")
    assert page.status_code == 200
    assert "code_hash" not in page.content.decode()
    assert client.get("/staf/admin/accounts/onetimecode/add/").status_code == 403
