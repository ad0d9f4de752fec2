"""Back-office tests use the shared cast (tests/conftest.py: the Santoso family, Budi, Citra,
Dewi) and sign with the session's demo pair."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _signing(signing_settings):
    return signing_settings
