"""schemathesis against the live schema, in-process (WSGI), authenticated as a resident:
no server error and no response that breaks the schema, on every operation."""

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
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "user": "100000/minute", "ip": "100000/minute", "token": "100000/minute"}}
    # Some data of the resident's own, so list and detail shapes are exercised too.
    services.create_draft(applicant=agus, variant=Variant.objects.get(code="ektp-cetak"),
                          subject=family.agus)
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


OPERATION_EXAMPLES = 15


def make_run(operation, header, checks, statuses):
    @given(case=operation.as_strategy())
    @settings(max_examples=OPERATION_EXAMPLES, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call_and_validate(headers={"Authorization": header}, checks=checks)
        statuses[operation.label].add(response.status_code)

    return run


def test_api_conforms_to_its_schema(api_schema, agus):
    """Every operation, up to OPERATION_EXAMPLES generated cases each (schemathesis'
    pytest plugin does not run under pytest 9, so the loop is written out)."""
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    failures: list[str] = []
    statuses: dict[str, set[int]] = defaultdict(set)
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # A fresh token per operation: DELETE /auth/token/ revokes the one it is sent with.
        header = token_client(agus)._credentials["HTTP_AUTHORIZATION"]

        run = make_run(operation, header, checks, statuses)
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
    assert all(code < 500 for codes in statuses.values() for code in codes)
