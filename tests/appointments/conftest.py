"""Perekaman's own cast, overriding the shared one (tests/conftest.py) here: Dewi is a resident
not yet recorded, with an account; Budi an officer of perekaman; Sari a village helper of
Purwosari; and a Kudus office with known hours (tests/cast.py's `make_office`).

Unless a test says otherwise, the clock is Tuesday 1 December 2026, 07.00 WIB (`cast.NOW`).
"""

from __future__ import annotations

import pytest
import time_machine

from paksemmok.accounts.models import User
from paksemmok.population.models import Region
from tests.cast import NOW, PASSWORD, account_for, make_office, not_recorded


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office(kudus):
    return make_office(Region.objects.get(code="33.19"), name="Kantor Disdukcapil Uji")


@pytest.fixture
def dewi(kudus):
    return not_recorded(full_name="Dewi Lestari")


@pytest.fixture
def dewi_user(dewi):
    return account_for(dewi, email="dewi@example.id")


@pytest.fixture
def budi(db):
    return User.objects.create_user(
        username="budi", password=PASSWORD, role=User.Role.PEREKAMAN, first_name="Budi"
    )


@pytest.fixture
def sari(kudus):
    return User.objects.create_user(
        username="sari",
        password=PASSWORD,
        role=User.Role.HELPER,
        first_name="Sari",
        village=Region.objects.get(code="33.19.02.1001"),
        email="sari@example.id",
    )
