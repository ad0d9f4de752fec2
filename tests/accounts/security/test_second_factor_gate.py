"""The one second-factor gate: a supervisor or admin signed in with the password only reaches
nothing but the TOTP pages and sign-out. The walk covers every URL pattern of the urlconf, so
a route added later is covered without editing this test."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from paksemmok.accounts.middleware import SECOND_FACTOR_OPEN_VIEWS
from tests.cast import staff

SAMPLES = {
    "int": "1",
    "slug": "kk",
    "str": "X1",
    "path": "x/y",
    "uuid": "00000000-0000-0000-0000-000000000001",
}
ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>([^()]*)\)")


def _route_to_path(route: str) -> str:
    return ROUTE_PARAM.sub(lambda m: SAMPLES.get(m.group("conv") or "str", "1"), route)


def _regex_to_path(regex: str) -> str:
    def group(m: re.Match) -> str:
        body = m.group(1)
        if "|" in body:  # e.g. the admin's (?P<app_label>auth|accounts|...)
            return body.split("|")[0]
        return "1"

    text = REGEX_GROUP.sub(group, regex.lstrip("^").rstrip("$").replace("\\Z", ""))
    text = text.replace("[\\s\\S]*", "x")  # the API's catch-all
    return text.replace("\\", "")


def _part(pattern) -> str:
    text = str(pattern.pattern)
    if pattern.pattern.__class__.__name__ == "RoutePattern":
        return _route_to_path(text)
    return _regex_to_path(text)


def every_url() -> Iterator[tuple[str, str]]:
    def walk(patterns, prefix: str, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + _part(p), ns)
            elif isinstance(p, URLPattern):
                yield "/" + prefix + _part(p), f"{namespace}{p.name or '?'}"

    yield from walk(get_resolver().url_patterns, "", "")


URLS = sorted(set(every_url()))


def test_the_walk_is_real():
    # Every generated path resolves, and the admin and the API are in it.
    assert len(URLS) > 150
    for path, _name in URLS:
        resolve(path)
    names = {name for _path, name in URLS}
    # The routes of the review's finding (files, issued PDFs, bookings, their QR, cancelling)
    # are among them.
    assert names >= {
        "admin:index",
        "api:staff-queue",
        "applications:document",
        "issuance:download",
        "appointments:detail",
        "appointments:qr",
        "appointments:cancel",
    }
    assert names >= SECOND_FACTOR_OPEN_VIEWS


@pytest.fixture
def password_only(client, db, request):
    role = request.param
    extra = {"is_staff": True, "is_superuser": role == "admin"}
    user = staff(f"{role}-pw", role, **extra)
    client.force_login(user)  # the password step only: no TOTP in this session
    return client


def _refused(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith("/akun/staf/verifikasi/?next=")
    if response.status_code == 403 and response["Content-Type"].startswith("application/json"):
        return response.json()["code"] == "totp_required"
    return False


@pytest.mark.parametrize("password_only", ["supervisor", "admin"], indirect=True)
def test_password_only_staff_are_refused_everywhere_but_totp_and_sign_out(password_only):
    open_paths = []
    leaks = []
    for path, name in URLS:
        # Signing out (POST) would end the session the walk needs; GET shows the gate let it by.
        methods = ("get",) if name == "accounts:logout" else ("get", "post")
        for method in methods:
            response = getattr(password_only, method)(path)
            if name in SECOND_FACTOR_OPEN_VIEWS:
                assert not _refused(response), (method, path)
                open_paths.append(path)
            elif not _refused(response):
                leaks.append((method.upper(), path, name, response.status_code))
    assert leaks == []
    assert len(open_paths) == 2 * len(SECOND_FACTOR_OPEN_VIEWS) - 1


@pytest.mark.parametrize("role", ["operator", "perekaman"])
def test_roles_without_totp_are_not_stopped_by_the_gate(client, db, role):
    client.force_login(staff(f"{role}-x", role))
    assert not _refused(client.get("/"))
    assert not _refused(client.get("/api/v1/"))
