"""Who may open which page: every account page, the home page, staff pages, the admin and
the API, for each role.

Read as: for this user, GET this URL gives this status (and, for redirects, this target).
Supervisors and admins are listed twice, before and after TOTP in the session: before it,
every page but the TOTP pages sends them to the TOTP step (the one gate,
accounts.middleware.SecondFactorMiddleware) and the API answers 403 totp_required.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cast import confirmed_device, sign_in_with_totp, staff

LOGIN = "/akun/masuk/"
TOTP = "/akun/staf/verifikasi/"
ADMIN_LOGIN = "/staf/admin/login/"
QUEUE = "/staf/antrean/"
PEREKAMAN_DAY = "/perekaman/staf/"
DASHBOARD = "/staf/dasbor/"

USERS = [
    "anonymous",
    "resident",
    "helper",
    "operator",
    "supervisor",
    "supervisor+otp",
    "perekaman",
    "admin",
    "admin+otp",
]

OK = 200
FORBIDDEN = 403


def to(prefix: str) -> tuple[int, str]:
    return (302, prefix)


RESIDENT_PAGE = {
    "anonymous": to(LOGIN),
    "resident": OK,
    "helper": OK,
    "operator": FORBIDDEN,
    "supervisor": FORBIDDEN,
    "supervisor+otp": FORBIDDEN,
    "perekaman": FORBIDDEN,
    "admin": FORBIDDEN,
    "admin+otp": FORBIDDEN,
}
EVERYONE = dict.fromkeys(USERS, OK)
SIGNED_IN = {**EVERYONE, "anonymous": to(LOGIN)}

MATRIX: dict[str, dict[str, object]] = {
    "/": EVERYONE,
    "/akun/masuk/": EVERYONE,
    "/akun/lupa-sandi/": EVERYONE,
    "/akun/daftar/": {
        **dict.fromkeys(USERS, (302, "/")),
        "anonymous": OK,
        "resident": to("/akun/profil/"),
        "helper": to("/akun/pendamping/"),
        # Staff land on their work (issue 15).
        "operator": to(QUEUE),
        "perekaman": to(PEREKAMAN_DAY),
        "supervisor+otp": to(DASHBOARD),
        "admin": to("/staf/admin/"),
        "admin+otp": to("/staf/admin/"),
    },
    # Without a pending sign-up or reset there is nothing to verify: back to the start.
    "/akun/verifikasi/": dict.fromkeys(USERS, to(LOGIN)),
    "/akun/lupa-sandi/atur/": dict.fromkeys(USERS, to("/akun/lupa-sandi/")),
    "/akun/profil/": RESIDENT_PAGE,
    "/akun/profil/pemberitahuan/": RESIDENT_PAGE,
    "/akun/profil/aktivitas/": RESIDENT_PAGE,
    "/akun/profil/unduh-data/": RESIDENT_PAGE,
    "/akun/pendamping/": {**RESIDENT_PAGE, "resident": FORBIDDEN},
    "/akun/pendamping/kode/": {
        **RESIDENT_PAGE,
        "resident": FORBIDDEN,
        "helper": to("/akun/pendamping/"),
    },
    "/akun/keluar-semua/": SIGNED_IN,
    TOTP: {
        "anonymous": to(LOGIN),
        "resident": to("/akun/profil/"),
        "helper": to("/akun/pendamping/"),
        "operator": to(QUEUE),
        "perekaman": to(PEREKAMAN_DAY),
        "supervisor": OK,
        "supervisor+otp": OK,
        "admin": OK,
        "admin+otp": OK,
    },
    "/akun/staf/autentikator/": {
        "anonymous": to(LOGIN),
        "resident": to("/akun/profil/"),
        "helper": to("/akun/pendamping/"),
        "operator": to(QUEUE),
        "perekaman": to(PEREKAMAN_DAY),
        # Enrolment is only for accounts without a device; these have one.
        "supervisor": to(TOTP),
        "supervisor+otp": to(TOTP),
        "admin": to(TOTP),
        "admin+otp": to(TOTP),
    },
    "/staf/admin/": {
        **dict.fromkeys(USERS, to(ADMIN_LOGIN)),
        "supervisor+otp": OK,
        "admin+otp": OK,
    },
    ADMIN_LOGIN: {
        "anonymous": to(LOGIN),
        "resident": FORBIDDEN,
        "helper": FORBIDDEN,
        "operator": FORBIDDEN,
        "perekaman": FORBIDDEN,
        "supervisor": to(TOTP),
        "admin": to(TOTP),
        "supervisor+otp": to("/staf/admin/"),
        "admin+otp": to("/staf/admin/"),
    },
    "/staf/admin/accounts/user/": {
        **dict.fromkeys(USERS, to(ADMIN_LOGIN)),
        "supervisor+otp": FORBIDDEN,
        "admin+otp": OK,
    },
}

# Pages that change something answer POST only.
POST_ONLY = ["/akun/keluar/", "/akun/verifikasi/kirim-ulang/", "/akun/pendamping/berhenti/"]


@pytest.fixture
def cast(resident_user, helper_user, operator, perekaman):
    supervisor = staff("supervisor1", "supervisor", is_staff=True)
    admin = staff("admin1", "admin", is_staff=True, is_superuser=True)
    confirmed_device(supervisor)
    confirmed_device(admin)
    return {
        "resident": resident_user,
        "helper": helper_user,
        "operator": operator,
        "supervisor": supervisor,
        "perekaman": perekaman,
        "admin": admin,
    }


def client_for(who: str, cast: dict) -> Client:
    client = Client()
    if who == "anonymous":
        return client
    name, _plus, otp = who.partition("+")
    if otp:
        sign_in_with_totp(client, cast[name])
    else:
        client.force_login(cast[name])
    return client


API_TOTP = (403, "totp_required")
STAFF_PAGE = {
    "anonymous": to(LOGIN),
    "resident": FORBIDDEN,
    "helper": FORBIDDEN,
    "operator": OK,
    "supervisor": to(TOTP),
    "supervisor+otp": OK,
    "perekaman": FORBIDDEN,
    "admin": to(TOTP),
    "admin+otp": OK,
}
MATRIX.update(
    {
        "/staf/antrean/": STAFF_PAGE,
        "/staf/antrean/ringkasan/": {**STAFF_PAGE, "operator": FORBIDDEN},
        "/staf/dasbor/": {**STAFF_PAGE, "operator": FORBIDDEN},
        "/perekaman/staf/": {
            **STAFF_PAGE,
            "operator": FORBIDDEN,
            "perekaman": OK,
            "supervisor+otp": OK,
            "admin+otp": OK,
        },
        # Applications are the residents' (a helper first chooses whom to act for); the
        # issued-documents list of anyone signed in is their own (for staff, empty).
        "/permohonan/": {
            **dict.fromkeys(USERS, 404),
            "anonymous": to(LOGIN),
            "resident": OK,
            "helper": to("/akun/pendamping/"),
        },
        "/dokumen/": SIGNED_IN,
        "/layanan/": EVERYONE,
        "/api/v1/": {**EVERYONE},
        "/api/v1/me/": {
            **dict.fromkeys(USERS, FORBIDDEN),
            "anonymous": 401,
            "resident": OK,
        },
        "/api/v1/staff/queue/": {
            **dict.fromkeys(USERS, FORBIDDEN),
            "anonymous": 401,
            "operator": OK,
            "supervisor+otp": OK,
            "admin+otp": OK,
        },
    }
)
# Before TOTP, supervisors and admins reach only the TOTP pages (and sign-out, POST).
for _url in MATRIX:
    _row = MATRIX[_url] = dict(MATRIX[_url])  # rows share dicts such as EVERYONE
    for _who in ("supervisor", "admin"):
        if _url.startswith("/api/"):
            _row[_who] = API_TOTP
        elif _url != TOTP and not _url.startswith("/akun/staf/"):
            _row[_who] = to(TOTP)

CASES = [(url, who, expected) for url, row in MATRIX.items() for who, expected in row.items()]


@pytest.mark.parametrize(
    "url, who, expected", CASES, ids=[f"{who}-{url}" for url, who, _e in CASES]
)
def test_permission_matrix(url, who, expected, cast):
    response = client_for(who, cast).get(url)
    if expected == API_TOTP:
        assert response.status_code == 403
        assert response.json()["code"] == "totp_required"
    elif isinstance(expected, tuple):
        status, prefix = expected
        assert response.status_code == status, response.content[:300]
        location = response["Location"]
        assert location.startswith(prefix), location
        if prefix == "/":
            assert location == "/"
    else:
        assert response.status_code == expected


def test_matrix_covers_every_row():
    for url, row in MATRIX.items():
        assert set(row) == set(USERS), url


@pytest.mark.parametrize("url", POST_ONLY)
def test_state_changing_pages_refuse_get(url, cast):
    response = client_for("helper", cast).get(url)
    assert response.status_code == 405


def test_every_accounts_url_is_in_the_matrix():
    from paksemmok.accounts.urls import urlpatterns

    covered = set(MATRIX) | set(POST_ONLY)
    for pattern in urlpatterns:
        assert f"/akun/{pattern.pattern}" in covered, pattern.pattern
