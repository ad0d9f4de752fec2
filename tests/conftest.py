"""Shared test set-up: private files in a temp folder, browser tests on Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            "REQUIRE_BROWSER=1 but Debian's Chromium is missing (apt-get install chromium)."
        )
    skip = pytest.mark.skip(
        reason="Chromium not installed (apt-get install chromium): browser tests skipped"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser" in r.keywords]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {len(skipped)} browser test(s) skipped: Chromium is not installed.",
            yellow=True,
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def phone_context_args():
    """A mid-range Android phone: what most residents use."""
    return {
        "viewport": {"width": 393, "height": 851},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2.75,
        "locale": "id-ID",
    }


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    yield tmp_path / "private"
    shutil.rmtree(tmp_path / "private", ignore_errors=True)


@pytest.fixture
def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def kudus(db):
    """The Kudus regions, imported the same way production does."""
    from paksemmok.population.regions import import_regency

    import_regency("33.19")
    from paksemmok.population.models import Region

    return Region.objects.get(code="33.19")


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, plus the TOTP second factor the admin site requires
    (paksemmok.accounts.admin.StaffAdminSite)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s per hash by design; suites with a cast of users would take minutes.
    # Hash strength is not what tests check (production keeps Django's default hashers).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(autouse=True)
def _audit_rows_removable_after_transactional_tests(request):
    """SQLite's append-only trigger would make the flush after a transactional test fail:
    lift it briefly to empty the table. (PostgreSQL flushes with TRUNCATE, which row
    triggers do not see.)"""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    trigger = import_module("paksemmok.audit.migrations.0002_append_only_trigger")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        cursor.execute("DELETE FROM audit_auditentry")
        cursor.execute(trigger.SQLITE_FORWARD_DELETE)


@pytest.fixture
def browser(browser, monkeypatch):
    """pytest-playwright's browser, with every page of every context checked by axe-core:
    a serious or critical violation on any page a test visits fails that test."""
    from tests.a11y import AxeAudit, audited_new_context

    audit = AxeAudit()
    monkeypatch.setattr(browser, "new_context", audited_new_context(browser.new_context, audit))
    yield browser
    assert not audit.violations, "axe-core (serious/critical):\n" + audit.report()


@pytest.fixture
def axe_audit():
    from tests.a11y import AxeAudit

    return AxeAudit()
