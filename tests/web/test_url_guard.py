"""A guard over every URL the project serves: pages are private unless listed as public.

New pages are covered automatically, so a view that forgets its permission check fails here
before it reaches residents' data. Detailed per-role matrices live beside each app's tests.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open without signing in.
PUBLIC = {
    "/",
    "/healthz",
    "/akun/daftar/",
    "/akun/masuk/",
    "/akun/lupa-sandi/",
    "/layanan/",
    "/i18n/setlang/",
    "/standar-pelayanan/",
    # Public information pages: perekaman places and hours, how to verify a document.
    "/perekaman/tempat/",
    "/verifikasi/",
    # The API's public part (its own permission matrix: tests/api/test_permissions.py).
    "/api/v1/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/api/v1/auth/token/",
    "/api/v1/catalog/services/",
    "/api/v1/appointments/places/",
    "/api/v1/appointments/availability/",
}
PUBLIC_PATTERNS = [
    re.compile(r"^/verifikasi/[^/]+$"),  # document verification by QR code
    re.compile(r"^/layanan/[^/]+/$"),  # one service's requirements
    re.compile(r"^/api/v1/(catalog/services|catalog/variants|verify)/[^/]+/$"),
]
SAMPLE = {
    "int": "999999",
    "str": "ZZ-UNKNOWN",
    "slug": "tidak-ada",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def all_paths() -> list[str]:
    def walk(resolver: URLResolver, prefix: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                yield route

    paths = []
    for route in walk(get_resolver(), ""):
        if route.startswith("staf/admin/") or route.startswith("^"):
            continue  # the admin has its own tests (TOTP-guarded AdminSite)
        paths.append("/" + CONVERTER.sub(lambda m: SAMPLE[m.group(1) or "str"], route))
    return sorted(set(paths))


def is_public(path: str) -> bool:
    return path in PUBLIC or any(p.match(path) for p in PUBLIC_PATTERNS)


PATHS = all_paths()
STAFF_PREFIXES = ("/staf/", "/perekaman/staf/")


def test_the_guard_sees_the_project():
    assert len(PATHS) > 30
    assert "/akun/profil/" in PATHS


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in PATHS if not is_public(p)])
def test_private_pages_refuse_anonymous_visitors(client, path):
    response = client.get(path)
    # 401: the API's answer to a client without credentials (JSON, never a redirect).
    assert response.status_code in {302, 401, 403, 404, 405}, response.status_code
    if response.status_code == 302:
        # To sign in, or back to the start of a flow that has nothing pending.
        assert response["Location"].startswith(("/akun/masuk/", "/akun/lupa-sandi/")), response[
            "Location"
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in PATHS if p.startswith(STAFF_PREFIXES)])
def test_staff_pages_refuse_residents(client, path, kudus):
    from paksemmok.accounts.models import User
    from tests.factories import ResidentFactory

    person = ResidentFactory()
    user = User.objects.create_user(
        username=person.nik, password="x-Pass-12345", resident=person, role=User.Role.RESIDENT
    )
    client.force_login(user)
    response = client.get(path)
    assert response.status_code in {403, 404, 405}, response.status_code
