"""The cast for account tests: a resident with an account, a helper of the same village,
and one user per staff role. Codes are read the way a demo user reads them: from the
notification outbox row the resident was sent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches

from paksemmok.accounts.models import User
from paksemmok.population.models import Relationship
from tests.factories import FamilyFactory, ResidentFactory

PASSWORD = "Kudus-Kretek-2026"
CODE_RE = re.compile(r"\b(\d{6})\b")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Sign-up/reset budgets live in the (in-process) cache; each test starts with a full one.
    caches["default"].clear()
    yield
    caches["default"].clear()


def latest_code(user: User, template: str = "verification_code") -> str:
    from paksemmok.notifications.models import Message

    message = Message.objects.filter(user=user, template=template).order_by("-id").first()
    assert message is not None, f"no {template} message for {user}"
    match = CODE_RE.search(message.body)
    assert match, message.body
    return match.group(1)


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


def make_staff(username: str, role: str, **extra) -> User:
    user = User(username=username, role=role, first_name=username.title(), **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def helper_user(person):
    return make_staff(
        "pendamping",
        User.Role.HELPER,
        village=person.village,
        phone="+6281234500002",
        contact_verified=True,
    )


@pytest.fixture
def operator(db):
    return make_staff("operator1", User.Role.OPERATOR, services=["kk", "ektp"])


@pytest.fixture
def supervisor(db):
    return make_staff("supervisor1", User.Role.SUPERVISOR, is_staff=True)


@pytest.fixture
def perekaman(db):
    return make_staff("perekaman1", User.Role.PEREKAMAN)


@pytest.fixture
def admin_user(db):
    return make_staff("admin1", User.Role.ADMIN, is_staff=True, is_superuser=True)


def post_login(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/akun/masuk/", {"username": username, "password": password, **extra})
