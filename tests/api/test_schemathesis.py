"""schemathesis against the live schema, in-process (WSGI), authenticated as a resident (token)
and, on the staff endpoints, as an operator (a signed-in session with its CSRF token): no
server error and no response that breaks the schema, on every operation."""

from __future__ import annotations

from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from paksemmok.applications import services
from paksemmok.catalog.models import Variant
from tests.cast import ALL_SERVICES, staff, submitted

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes "old" connections at each request's start and end, which on
    PostgreSQL would close the test's transaction; Django's test client disconnects these
    handlers the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_test_connection, agus, family, office, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "user": "100000/minute",
            "ip": "100000/minute",
            "token": "100000/minute",
        },
    }
    # Some data of the resident's own, so list and detail shapes are exercised too.
    services.create_draft(
        applicant=agus, variant=Variant.objects.get(code="ektp-cetak"), subject=family.agus
    )
    # A sent application, so the staff queue and take-next answer with rows, not only errors.
    submitted(agus, "ektp-cetak", family.rina, {"pickup_place": "dinas"})
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


OPERATION_EXAMPLES = 15


def operator_session() -> dict[str, dict[str, str]]:
    """A back-office session as a browser holds it: the session cookie, and the CSRF cookie
    echoed in X-CSRFToken (staff use the API from their session only, never a token).
    Keyword arguments for `case.call_and_validate`."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    client = Client()
    client.force_login(staff("operator-st", services=ALL_SERVICES))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = _get_new_csrf_string()
    return {
        "cookies": {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf},
        "headers": {"X-CSRFToken": csrf},
    }


def make_run(operation, auth, checks, statuses):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=OPERATION_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(checks=checks, **auth)
        statuses[operation.label].add(response.status_code)

    return run


def test_api_conforms_to_its_schema(api_schema, agus):
    """Every operation, up to OPERATION_EXAMPLES generated cases each (schemathesis'
    pytest plugin does not run under pytest 9, so the loop is written out)."""
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    failures: list[str] = []
    statuses: dict[str, set[int]] = defaultdict(set)
    operations = 0
    staff = operator_session()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if operation.path.startswith("/api/v1/staff/"):
            auth = staff
        else:
            # A fresh token per operation: DELETE /auth/token/ revokes the one it is sent with.
            auth = {
                "headers": {"Authorization": token_client(agus)._credentials["HTTP_AUTHORIZATION"]}
            }

        run = make_run(operation, auth, checks, statuses)
        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)
    # The run reached the views, not only the error paths.
    assert 200 in statuses["GET /api/v1/applications/"]
    assert 200 in statuses["GET /api/v1/catalog/services/"]
    assert 200 in statuses["GET /api/v1/me/family/"]
    # The staff endpoints ran as the operator, past the permission check.
    assert 200 in statuses["GET /api/v1/staff/queue/"]
    assert 200 in statuses["POST /api/v1/staff/queue/take-next/"]
    assert all(code < 500 for codes in statuses.values() for code in codes)


def test_staff_responses_for_real_applications_conform(api_schema, agus):
    """Generated references never exist, so the review data and a decision are also checked
    for an application the operator holds: each response against its operation's schema."""
    from paksemmok.applications.models import Application

    staff = operator_session()
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    taken = (
        api_schema["/api/v1/staff/queue/take-next/"]["POST"]
        .Case()
        .call_and_validate(checks=checks, **staff)
        .json()["application"]
    )
    assert taken is not None
    ref = {"reference": taken["reference"]}
    detail = (
        api_schema["/api/v1/staff/applications/{reference}/"]["GET"]
        .Case(path_parameters=ref)
        .call_and_validate(checks=checks, **staff)
    )
    assert detail.status_code == 200
    document = detail.json()["documents"][0]
    file = (
        api_schema["/api/v1/staff/applications/{reference}/documents/{document_id}/"]["GET"]
        .Case(path_parameters={**ref, "document_id": document["id"]})
        .call_and_validate(checks=checks, **staff)
    )
    assert file.status_code == 200
    decide = api_schema["/api/v1/staff/applications/{reference}/decide/"]["POST"]
    refused = decide.Case(
        path_parameters=ref, body={"decision": "return"}, media_type="application/json"
    ).call_and_validate(checks=checks, **staff)
    assert refused.status_code == 422
    done = decide.Case(
        path_parameters=ref,
        media_type="application/json",
        body={
            "decision": "reject",
            "deficiencies": [{"item": "application", "reason": "data_incorrect"}],
        },
    ).call_and_validate(checks=checks, **staff)
    assert done.status_code == 200
    assert Application.objects.get(reference=taken["reference"]).status == "rejected"
