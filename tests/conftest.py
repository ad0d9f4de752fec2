"""Shared test set-up: private files in a temp folder, browser tests on Debian's Chromium, and
the shared cast's fixtures (its helpers are in tests/cast.py)."""

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
    # With `make test` (pytest-xdist, --dist loadgroup) the browser tests share one worker, so
    # two Chromiums never compete on a small machine, and so do the PostgreSQL concurrency
    # tests, whose threads open many connections at once.
    for item in items:
        for group in ("browser", "postgres"):
            if group in item.keywords:
                item.add_marker(pytest.mark.xdist_group(group))
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
            "BACKEND": "paksemmok.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    yield tmp_path / "private"
    shutil.rmtree(tmp_path / "private", ignore_errors=True)


@pytest.fixture(autouse=True)
def _signing_pair_outside_the_checkout(settings, tmp_path):
    """The demo set-up writes a signing pair where the settings point; a test must never
    leave one in the checkout's var/signing, where `make run` and the deploy check read it.
    Tests that sign ask for `signing_settings`, which overrides this."""
    settings.SIGNING_KEY_PATH = tmp_path / "signing" / "key.pem"
    settings.SIGNING_CERT_PATH = tmp_path / "signing" / "cert.pem"


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` (row locks between connections) skip on SQLite, with a reason;
    with REQUIRE_POSTGRES=1 (CI's PostgreSQL pass) a skip would hide them, so they fail."""
    if request.node.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but the test database is {connection.vendor}.")
    pytest.skip("needs PostgreSQL: row locks, partial indexes or plans (set DATABASE_URL)")


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
    from tests.cast import sign_in_with_totp

    sign_in_with_totp(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Indonesian). A request in English activates
    English in the thread and leaves it there, so without this a later test in the same
    process (order differs under pytest-xdist) would see English messages."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


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


# --- the shared cast (tests/cast.py): the Santoso family, Eko, Sari, and the back-office staff


@pytest.fixture
def family(kudus):
    from tests.cast import Family

    return Family()


@pytest.fixture
def agus_user(family):
    from tests.cast import account_for

    return account_for(family.agus, email="agus@example.id")


@pytest.fixture
def eko_user(kudus):
    from paksemmok.population.models import Relationship
    from tests.cast import account_for, years_ago
    from tests.factories import ResidentFactory

    eko = ResidentFactory(
        full_name="Eko Prasetyo", relationship=Relationship.HEAD, birth_date=years_ago(30)
    )
    return account_for(eko, email="eko@example.id")


@pytest.fixture
def helper_user(kudus):
    """Sari, the village helper of Purwosari."""
    from paksemmok.accounts.models import User
    from paksemmok.population.models import Region
    from tests.cast import PASSWORD

    return User.objects.create_user(
        username="sari",
        password=PASSWORD,
        role=User.Role.HELPER,
        email="sari@example.id",
        village=Region.objects.get(code="33.19.02.1001"),
    )


@pytest.fixture
def operator(db):
    """An operator for birth certificates only."""
    from paksemmok.accounts.models import User
    from tests.cast import PASSWORD

    return User.objects.create_user(
        username="budi", password=PASSWORD, role=User.Role.OPERATOR, services=["akta_lahir"]
    )


@pytest.fixture
def budi(db):
    """Operator for every service."""
    from tests.cast import ALL_SERVICES, staff

    return staff("budi", services=ALL_SERVICES)


@pytest.fixture
def citra(db):
    """Operator for e-KTP only."""
    from tests.cast import staff

    return staff("citra", services=["ektp"])


@pytest.fixture
def dewi(db):
    """Supervisor (TOTP)."""
    from paksemmok.accounts.models import User
    from tests.cast import staff

    return staff("dewi", User.Role.SUPERVISOR)


@pytest.fixture(autouse=True)
def catalogue(django_db_blocker, request):
    """The shipped catalogue, restored if a transactional test elsewhere flushed the tables
    that migration 0002 fills."""
    if (
        "db" not in request.fixturenames
        and "transactional_db" not in request.fixturenames
        and not request.node.get_closest_marker("django_db")
    ):
        return
    # The test database, never the development one.
    request.getfixturevalue("django_db_setup")
    from django.apps import apps

    from paksemmok.catalog import seed
    from paksemmok.catalog.models import Service

    with django_db_blocker.unblock():
        if not Service.objects.exists():
            seed.load(apps)


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory):
    """A demo signing pair made once per session in a temporary folder."""
    from paksemmok.issuance.signing import make_demo_pair

    folder = tmp_path_factory.mktemp("signing")
    key, cert = folder / "key.pem", folder / "cert.pem"
    make_demo_pair(key, cert, common_name="Drs. Uji Pejabat", organisation="Disdukcapil Uji")
    return key, cert


@pytest.fixture
def signing_settings(settings, signing_pair):
    """Signs with the session's pair; test folders that issue documents use it autouse."""
    settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH = signing_pair
    settings.SIGNER_NAME = "Drs. Uji Pejabat, M.Si."
    settings.SIGNER_NIP = "197001011990031001"
    settings.SITE_URL = "https://paksemmok.example.id"
    return settings


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached catalogue fragments (catalog/caching.py)
    must not outlive the rolled-back rows of the test that rendered them. The page chrome
    (the "fragments" cache) starts empty too, so a test sees the chrome it renders."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["fragments"].clear()
    yield


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
