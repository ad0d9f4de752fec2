"""Back-office tests use the shared cast (tests/conftest.py: the Santoso family, Budi, Citra,
Dewi) and sign with the session's demo pair; `ektp` is the application most of them review."""

from __future__ import annotations

import pytest

from tests.cast import submitted


@pytest.fixture(autouse=True)
def _signing(signing_settings):
    return signing_settings


@pytest.fixture
def ektp(family, agus_user):
    """Agus's submitted e-KTP reprint, waiting in the queue."""
    return submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
