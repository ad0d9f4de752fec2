"""Web tests that upload reuse the applications cast (the Santoso family, the catalogue)."""

from tests.applications.conftest import (  # noqa: F401  (fixtures used by name)
    catalogue,
    family,
)
