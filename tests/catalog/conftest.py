from tests.applications.conftest import catalogue  # noqa: F401  (autouse: shipped catalogue)
