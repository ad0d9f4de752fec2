"""Real client addresses behind the reverse proxy, and the sign-in budgets that use them.

X-Forwarded-For is believed only as far as the configured trusted proxies; a client's own
entries (spoofed, to dodge a lockout or to blame someone else) change nothing.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from paksemmok.accounts.models import User
from paksemmok.audit.ip import client_ip
from paksemmok.audit.models import AuditEntry
from tests.cast import PASSWORD, resident_accounts, staff

PROXY = "10.0.0.5"
ALICE = "203.0.113.7"
BOB = "198.51.100.9"


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_IPS = []
    assert ip_of(ALICE) == ALICE
    assert ip_of(ALICE, "1.2.3.4") == ALICE
    assert ip_of(PROXY, f"1.2.3.4, {BOB}") == PROXY


def test_with_a_proxy_count_the_client_is_read_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = []
    assert ip_of(PROXY, ALICE) == ALICE
    # The client put a forged address first; the proxy appended the real one.
    assert ip_of(PROXY, f"1.2.3.4, {ALICE}") == ALICE
    assert ip_of(PROXY) == PROXY  # no header: the peer
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip_of(PROXY, f"1.2.3.4, {ALICE}, 10.0.0.4") == ALICE


def test_with_proxy_addresses_only_their_header_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_IPS = ["10.0.0.0/24"]
    assert ip_of(PROXY, f"1.2.3.4, {ALICE}") == ALICE
    # A client reaching the application directly cannot choose its address.
    assert ip_of(BOB, "1.2.3.4") == BOB


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = [PROXY]
    settings.AXES_FAILURE_LIMIT = 3


def post_login(client, username, password, *, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/akun/masuk/", {"username": username, "password": password}, **extra)


def test_a_lockout_behind_the_proxy_is_per_client_not_global(client, behind_proxy, operator):
    for _ in range(3):
        post_login(client, "operator1", "wrong", forwarded=ALICE)
    assert post_login(client, "operator1", PASSWORD, forwarded=ALICE).status_code == 429
    # Another client through the same proxy still signs in.
    response = post_login(client, "operator1", PASSWORD, forwarded=BOB)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="account.signed_in")
    assert entry.ip_address == BOB


def test_spoofed_headers_do_not_dodge_a_lockout(client, behind_proxy, operator):
    for n in range(3):
        post_login(client, "operator1", "wrong", forwarded=f"1.2.3.{n}, {ALICE}")
    response = post_login(client, "operator1", PASSWORD, forwarded=f"9.9.9.9, {ALICE}")
    assert response.status_code == 429


def test_without_a_trusted_proxy_spoofed_headers_do_not_dodge_a_lockout(client, settings, operator):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_IPS = []
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        post_login(client, "operator1", "wrong", forwarded=f"1.2.3.{n}", remote=ALICE)
    assert post_login(client, "operator1", PASSWORD, forwarded=BOB, remote=ALICE).status_code == 429


def test_sign_up_budget_is_per_client_behind_the_proxy(client, behind_proxy, settings, kudus):
    settings.ACCOUNTS_SIGNUP_THROTTLE_ATTEMPTS = 1
    data = {"nik": "3319021503949999", "kk_number": "3319020107219999"}
    client.post("/akun/daftar/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    from paksemmok.accounts.throttle import hit

    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB)
    assert hit("signup", request, 1) is None  # Bob's budget is his own
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    assert hit("signup", request, 0) is not None


def test_password_spraying_from_one_address_is_stopped(client, behind_proxy, settings, kudus):
    settings.ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT = 6
    victims = resident_accounts(4)
    # Two wrong passwords on each NIK: under axes' limit of 3 per NIK, yet 8 from one address.
    for user in victims[:3]:
        for _ in range(2):
            assert (
                post_login(client, user.username, "Sandi-Tebakan-1", forwarded=ALICE).status_code
                == 200
            )
    response = post_login(client, victims[3].username, PASSWORD, forwarded=ALICE)
    assert response.status_code == 429
    assert "jaringan Anda" in response.content.decode()
    # Forged entries to the left do not open a fresh budget.
    response = post_login(client, victims[3].username, PASSWORD, forwarded=f"5.6.7.8, {ALICE}")
    assert response.status_code == 429
    # Another client is not affected.
    assert post_login(client, victims[3].username, PASSWORD, forwarded=BOB).status_code == 302


def test_password_spraying_through_the_api_is_stopped_too(client, behind_proxy, settings, kudus):
    settings.ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT = 4
    victims = resident_accounts(3)
    for user in victims[:2]:
        for _ in range(2):
            response = client.post(
                "/api/v1/auth/token/",
                {"nik": user.username, "password": "Sandi-Tebakan-1"},
                content_type="application/json",
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=ALICE,
            )
            assert response.status_code == 401
    response = client.post(
        "/api/v1/auth/token/",
        {"nik": victims[2].username, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ALICE,
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_staff_sign_in_is_counted_as_well(client, behind_proxy, settings, db):
    settings.ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT = 2
    staff("operator9", User.Role.OPERATOR)
    post_login(client, "nobody-1", "x", forwarded=ALICE)
    post_login(client, "nobody-2", "x", forwarded=ALICE)
    assert post_login(client, "operator9", PASSWORD, forwarded=ALICE).status_code == 429
