import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_home_is_indonesian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "tanpa harus keluar kamar" in html
    assert "Kabupaten Kudus" in html


def test_language_switch_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "without leaving your room" in html
    response = client.post("/i18n/setlang/", {"language": "id", "next": "/"}, follow=True)
    assert '<html lang="id">' in response.content.decode()


def test_assets_are_local_and_csp_forbids_third_parties(client):
    response = client.get("/")
    html = response.content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


def test_vendored_htmx_is_served(client):
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)


def test_404_page_is_indonesian(client, settings):
    settings.DEBUG = False
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_500_page_needs_no_database_and_is_indonesian(rf):
    from paksemmok.web.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi gangguan" in response.content.decode()


def test_403_page_is_indonesian(rf):
    from django.contrib.auth.models import AnonymousUser

    from paksemmok.web.views import permission_denied

    request = rf.get("/")
    request.user = AnonymousUser()
    response = permission_denied(request)
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "Production-Key-For-Check-Only",
        "ALLOWED_HOSTS": "paksemmok.example",
        "SITE_URL": "https://paksemmok.example",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        # The checkout's var/signing may hold the development demo pair, which check --deploy
        # rightly refuses (paksemmok.E002); production points at the agency's certificate.
        "SIGNING_KEY_PATH": str(tmp_path / "key.pem"),
        "SIGNING_CERT_PATH": str(tmp_path / "cert.pem"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret_key(tmp_path):
    env = {
        "DEBUG": "0",
        "PATH": "/usr/bin:/bin",
        "ALLOWED_HOSTS": "x.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
