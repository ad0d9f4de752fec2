"""Back-office tests reuse the applications cast and sign with a session demo pair."""

from __future__ import annotations

import pytest

from paksemmok.accounts.models import User
from tests.applications.conftest import (  # noqa: F401  (fixtures used by name)
    account_for,
    agus_user,
    catalogue,
    eko_user,
    family,
)
from tests.issuance.conftest import signing_pair, signing_settings  # noqa: F401


def staff(username: str, role: str = User.Role.OPERATOR, services=None) -> User:
    return User.objects.create_user(
        username=username,
        password="x-Pass-12345",
        role=role,
        first_name=username.title(),
        services=services or [],
    )


@pytest.fixture
def budi(db) -> User:
    """Operator for all services."""
    return staff("budi", services=["kk", "ektp", "akta_lahir", "akta_mati", "kia"])


@pytest.fixture
def citra(db) -> User:
    """Operator for e-KTP only."""
    return staff("citra", services=["ektp"])


@pytest.fixture
def dewi(db) -> User:
    return staff("dewi", User.Role.SUPERVISOR)
