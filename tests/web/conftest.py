"""Web tests that upload use the shared cast in tests/conftest.py (the Santoso family,
the catalogue)."""
