"""Issuance tests use the shared cast (the Santoso family) and sign with the session's demo
pair (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _signing(signing_settings):
    return signing_settings
