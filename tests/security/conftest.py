from __future__ import annotations

import pytest
from django.core.cache import caches

from tests.accounts.conftest import (  # noqa: F401  (fixtures used by name)
    admin_user,
    family,
    helper_user,
    operator,
    person,
    resident_user,
    supervisor,
)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    caches["default"].clear()
    yield
    caches["default"].clear()
