"""Issue 15 item 5: a refused sign-in says what happened and when to try again, in Indonesian
and in English, on the page and in the API; never a bare 403 or 429."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings

from tests.cast import PASSWORD, resident_accounts
from tests.i18n_check import untranslated_msgids

PROXY = "10.0.0.5"  # the trusted proxy
ALICE = "203.0.113.7"  # the client behind it

pytestmark = pytest.mark.django_db

WORDS = {
    "id": {
        "title": "Terlalu banyak percobaan masuk",
        "network": "dari jaringan Anda",
        "account": "untuk akun ini dari perangkat Anda",
        "when": r"Coba lagi setelah pukul 09\.\d\d WIB \((\d+) menit lagi\)",
    },
    "en": {
        "title": "Too many sign-in attempts",
        "network": "from your network",
        "account": "to this account from your device",
        "when": r"Try again after 09\.\d\d WIB \(in (\d+) minutes\)",
    },
}


def post_login(client, username, password, *, forwarded):
    return client.post(
        "/akun/masuk/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.fixture
def setup(settings, kudus, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False)  # 09.00 WIB
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = [PROXY]
    settings.AXES_FAILURE_LIMIT = 3
    settings.ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT = 4
    return resident_accounts(3)


def _spray(client, users) -> None:
    """Two wrong passwords on each of two accounts: under the per-account limit, over the
    per-network one together."""
    for user in users[:2]:
        for _ in range(2):
            post_login(client, user.username, "Sandi-Tebakan-1", forwarded=ALICE)


def _api_login(client, user, password):
    return client.post(
        "/api/v1/auth/token/",
        {"nik": user.username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ALICE,
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_per_network_lockout_page_says_what_and_when(client, setup, language):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    words = WORDS[language]
    with untranslated_msgids() as missing:
        _spray(client, setup)
        response = post_login(client, setup[2].username, PASSWORD, forwarded=ALICE)
    assert response.status_code == 429
    html = response.content.decode()
    assert words["title"] in html and words["network"] in html
    minutes = re.search(words["when"], html)
    assert minutes and 1 <= int(minutes.group(1)) <= 15
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert sorted(missing) == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_api_says_the_same(client, setup, language):
    words = WORDS[language]
    _spray(client, setup)
    response = client.post(
        "/api/v1/auth/token/",
        {"nik": setup[2].username, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=ALICE,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and body["details"]["scope"] == "network"
    assert words["network"] in body["message"] and re.search(words["when"], body["message"])
    assert 0 < body["details"]["retry_after"] <= 15 * 60


def test_an_account_lockout_in_the_api_says_it_is_the_account(client, setup):
    user = setup[0]
    for _ in range(3):
        _api_login(client, user, "Sandi-Tebakan-1")
    response = _api_login(client, user, PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["details"]["scope"] == "account"
    assert WORDS["id"]["account"] in body["message"]
    assert re.search(WORDS["id"]["when"], body["message"])
