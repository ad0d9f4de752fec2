"""Root, schema, docs under the site's CSP, tokens (with axes), the JSON error shape,
throttling."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from paksemmok.accounts.models import User
from paksemmok.api.models import ApiToken

from .conftest import assert_error, token_client

pytestmark = pytest.mark.django_db


def test_root_lists_the_endpoints(api):
    data = api.get("/api/v1/").json()
    assert data["schema"].endswith("/api/v1/schema/")
    assert data["applications"].endswith("/api/v1/applications/")


def test_schema_is_openapi_with_the_error_shape(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/applications/{reference}/submit/" in schema["paths"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message", "details"]
    submit = schema["paths"]["/api/v1/applications/{reference}/submit/"]["post"]
    assert {"401", "404", "409", "422", "429"} <= set(submit["responses"])


def test_docs_load_vendored_assets_under_the_site_csp():
    client = Client()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    policy = page["Content-Security-Policy"]
    # The site's policy, unchanged: no inline script or style, no third-party origin.
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "style-src 'self'" in policy
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    for url in assets:
        assert url.startswith("/"), f"third-party asset {url}"
    # The start-up script is served from our origin, and the vendored files exist.
    script_url = next(a for a in assets if "script=" in a).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    from django.contrib.staticfiles import finders

    for url in assets:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url


def test_unknown_api_address_is_json_404(api):
    assert_error(api.get("/api/v1/tidak-ada/"), 404, "not_found")


def test_token_with_nik_and_password(api, agus):
    response = api.post(
        "/api/v1/auth/token/",
        {"nik": " ".join([agus.username[:4], agus.username[4:]]), "password": "x-Pass-12345"},
        format="json",
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/me/").json()["nik"] == agus.username
    # Only a digest is stored.
    assert not ApiToken.objects.filter(key_digest=raw).exists()


def test_wrong_password_is_a_json_401(api, agus):
    data = assert_error(
        api.post(
            "/api/v1/auth/token/", {"nik": agus.username, "password": "salah-12345"}, format="json"
        ),
        401,
        "invalid_credentials",
    )
    assert "kata sandi salah" in data["message"]


def test_missing_fields_are_itemised(api):
    data = assert_error(api.post("/api/v1/auth/token/", {}, format="json"), 400, "invalid")
    assert set(data["details"]) == {"nik", "password"}
    assert data["message"] == "Data yang dikirim tidak valid."


def test_malformed_json_is_a_json_400(api):
    assert_error(
        api.post("/api/v1/auth/token/", "{nope", content_type="application/json"),
        400,
        "parse_error",
    )


def test_staff_get_no_token(api, db):
    User.objects.create_user(username="budi", password="x-Pass-12345", role=User.Role.OPERATOR)
    assert_error(
        api.post("/api/v1/auth/token/", {"nik": "budi", "password": "x-Pass-12345"}, format="json"),
        401,
        "invalid_credentials",
    )


def test_unverified_resident_gets_no_token(api, agus):
    agus.contact_verified = False
    agus.save()
    assert_error(
        api.post(
            "/api/v1/auth/token/", {"nik": agus.username, "password": "x-Pass-12345"}, format="json"
        ),
        403,
        "contact_unverified",
    )


def test_axes_locks_the_token_endpoint_out(api, agus, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert_error(
            api.post(
                "/api/v1/auth/token/",
                {"nik": agus.username, "password": "salah-12345"},
                format="json",
            ),
            401,
            "invalid_credentials",
        )
    assert_error(
        api.post(
            "/api/v1/auth/token/", {"nik": agus.username, "password": "salah-12345"}, format="json"
        ),
        429,
        "locked_out",
    )
    # Locked: even the right password is refused now, still as JSON.
    data = assert_error(
        api.post(
            "/api/v1/auth/token/", {"nik": agus.username, "password": "x-Pass-12345"}, format="json"
        ),
        429,
        "locked_out",
    )
    assert "dikunci" in data["message"]


def test_anonymous_gets_json_401(api):
    response = api.get("/api/v1/me/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_gets_json_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token psm_nope")
    assert_error(api.get("/api/v1/me/"), 401, "authentication_failed")


def test_revoked_and_signed_out_everywhere_tokens_stop_working(agus):
    client = token_client(agus)
    assert client.get("/api/v1/me/").status_code == 200
    agus.rotate_session_token()
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")

    client = token_client(agus)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


def test_new_password_ends_tokens(agus):
    client = token_client(agus)
    agus.set_password("another-Pass-987")
    agus.save()
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


def test_staff_session_is_refused_as_json_403(db):
    operator = User.objects.create_user(
        username="budi", password="x-Pass-12345", role=User.Role.OPERATOR
    )
    client = Client()
    client.force_login(operator)
    assert_error(client.get("/api/v1/me/"), 403, "permission_denied")


def test_session_of_a_resident_works(agus):
    client = Client()
    client.force_login(agus)
    assert client.get("/api/v1/me/").json()["nik"] == agus.username


def test_per_user_throttle_answers_json_429(agus, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "ip": "100/minute", "token": "100/minute"},
    }
    client = token_client(agus)
    for _ in range(3):
        assert client.get("/api/v1/me/").status_code == 200
    response = client.get("/api/v1/me/")
    data = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert data["details"]["retry_after"] > 0


def test_per_ip_throttle_covers_anonymous_clients(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100/minute", "ip": "2/minute", "token": "100/minute"},
    }
    assert api.get("/api/v1/catalog/services/").status_code == 200
    assert api.get("/api/v1/catalog/services/").status_code == 200
    assert_error(api.get("/api/v1/catalog/services/"), 429, "throttled")


def test_token_endpoint_has_its_own_tighter_rate(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100/minute", "ip": "100/minute", "token": "2/minute"},
    }
    for _ in range(2):
        api.post("/api/v1/auth/token/", {"nik": "1", "password": "x"}, format="json")
    assert_error(
        api.post("/api/v1/auth/token/", {"nik": "1", "password": "x"}, format="json"),
        429,
        "throttled",
    )


def test_odd_addresses_are_json_404_too(api):
    # A newline or non-slug characters must not fall through to the site's HTML page.
    assert_error(api.get("/api/v1/catalog/services/a%0Ab%C2%AF/"), 404, "not_found")
    assert_error(api.get("/api/v1/applications/PS-0000-%00/"), 401, "not_authenticated")


def test_every_domain_error_is_answered_with_its_own_code_status_and_message():
    from paksemmok.api.errors import exception_handler
    from paksemmok.errors import DomainError

    class HallFull(DomainError):
        code = "hall_full"
        status = 423

    response = exception_handler(HallFull("Aula penuh.", details={"seats": 0}), {})
    assert response.status_code == 423
    assert response.data == {"code": "hall_full", "message": "Aula penuh.", "details": {"seats": 0}}
    # A code given when raising wins over the class's.
    response = exception_handler(DomainError("Tidak bisa.", "not_now"), {})
    assert (response.status_code, response.data["code"]) == (409, "not_now")
