"""Item 4 of issue 15: one base for links, following HOST/PORT in development."""

import subprocess
import sys

import pytest
from django.conf import settings

from paksemmok.settings import site_url


def test_development_follows_host_and_port():
    assert site_url({"HOST": "127.0.0.1", "PORT": "8101"}, debug=True) == "http://127.0.0.1:8101"
    assert site_url({}, debug=True) == "http://127.0.0.1:8000"
    # Listening on every address still needs one address a browser can open.
    assert site_url({"HOST": "0.0.0.0", "PORT": "9000"}, debug=True) == "http://127.0.0.1:9000"  # noqa: S104


def test_an_explicit_site_url_wins_everywhere():
    env = {"HOST": "0.0.0.0", "PORT": "8101", "SITE_URL": "https://semmok.example/"}  # noqa: S104
    assert site_url(env, debug=True) == "https://semmok.example"
    assert site_url(env, debug=False) == "https://semmok.example"


def test_production_has_no_guess():
    assert site_url({"HOST": "10.0.0.5", "PORT": "80"}, debug=False) == ""


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_links_follow_port_in_a_development_process(tmp_path):
    result = _run(
        {"DEBUG": "1", "PORT": "8101", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite3'}"},
        "shell",
        "-c",
        "from paksemmok.notifications.services import _absolute; print(_absolute('/x'))",
    )
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8101/x", result.stderr


@pytest.mark.parametrize("with_site_url", [False, True])
def test_check_deploy_requires_site_url(tmp_path, with_site_url):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "Production-Key-For-Check-Only",
        "ALLOWED_HOSTS": "paksemmok.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    if with_site_url:
        env["SITE_URL"] = "https://paksemmok.example"
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert ("web.E001" in result.stdout + result.stderr) is not with_site_url
    assert (result.returncode == 0) is with_site_url
