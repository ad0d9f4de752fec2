from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "paksemmok.web"
    verbose_name = _("Situs web")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the system checks)

        connection_created.connect(_private_sqlite_files, dispatch_uid="paksemmok-sqlite-0600")

        from django.test.signals import setting_changed

        setting_changed.connect(_fresh_page_chrome, dispatch_uid="paksemmok-page-chrome")


def _fresh_page_chrome(sender, setting, **kwargs) -> None:
    """The page chrome (templates/base.html's cached fragments) is rendered from the code and
    the settings, once per process; a setting changed at run time (tests' override_settings)
    must not leave chrome rendered under the old value."""
    from django.core.cache import caches

    caches["fragments"].clear()


def _private_sqlite_files(sender, connection, **kwargs) -> None:
    """The SQLite database holds the register: readable by the service's user only (0600),
    with its WAL and shared-memory files."""
    if connection.vendor != "sqlite":
        return
    import os
    from pathlib import Path

    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if path.exists() and (path.stat().st_mode & 0o077):
                os.chmod(path, 0o600)
        except OSError:  # another process's file, or gone: the next connection retries
            pass
