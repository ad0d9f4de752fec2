"""The account tests' own residents and staff (their helpers, `latest_code` and `post_login`,
live in tests/cast.py with the shared cast): a resident with an account, a helper of the
same village, and one user per staff role. Codes are read the way a demo user reads them: from the
notification outbox row the resident was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches

from paksemmok.accounts.models import User
from paksemmok.population.models import Relationship
from tests.cast import PASSWORD, staff
from tests.factories import FamilyFactory, ResidentFactory


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Sign-up/reset budgets live in the (in-process) cache; each test starts with a full one.
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def family(kudus):
    return FamilyFactory()


@pytest.fixture
def person(family):
    """A living adult in the register, head of `family`, without an account yet."""
    head = ResidentFactory(
        family=family,
        full_name="SITI AMINAH",
        sex="P",
        birth_date=dt.date(1988, 3, 9),
        relationship=Relationship.HEAD,
    )
    family.head = head
    family.save(update_fields=["head"])
    return head


@pytest.fixture
def resident_user(person):
    user = User(
        username=person.nik,
        role=User.Role.RESIDENT,
        resident=person,
        first_name=person.full_name,
        phone="+6281234500001",
        email="siti@example.invalid",
        contact_verified=True,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def helper_user(person):
    return staff(
        "pendamping",
        User.Role.HELPER,
        village=person.village,
        phone="+6281234500002",
        contact_verified=True,
    )


@pytest.fixture
def operator(db):
    return staff("operator1", User.Role.OPERATOR, services=["kk", "ektp"])


@pytest.fixture
def supervisor(db):
    return staff("supervisor1", User.Role.SUPERVISOR, is_staff=True)


@pytest.fixture
def perekaman(db):
    return staff("perekaman1", User.Role.PEREKAMAN)


@pytest.fixture
def admin_user(db):
    return staff("admin1", User.Role.ADMIN, is_staff=True, is_superuser=True)
