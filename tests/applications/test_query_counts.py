"""Queries and commits per upload and per submit stay bounded (issue 14): a whole
submission with four images used 61 queries and 7 commits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paksemmok.applications import services
from paksemmok.applications.checks import needed_requirements

from .conftest import birth_answers, photo, variant

pytestmark = pytest.mark.django_db


def count(queries) -> tuple[int, int]:
    sql = [q["sql"].upper() for q in queries]
    return len(sql), sum(s.startswith(("RELEASE SAVEPOINT", "COMMIT")) for s in sql)


def test_upload_and_submit_query_budget(family, agus_user):
    app = services.create_draft(applicant=agus_user, variant=variant("akta-kelahiran"))
    services.save_draft(app, data=birth_answers(), actor=agus_user)
    needed = needed_requirements(app.variant, app.data)
    assert len(needed) == 4
    per_upload = []
    for i, requirement in enumerate(needed):
        upload = photo(seed=i)
        with CaptureQueriesContext(connection) as queries:
            services.attach_document(app, requirement, upload, actor=agus_user)
        per_upload.append(count(queries))
    with CaptureQueriesContext(connection) as queries:
        services.submit_application(app, actor=agus_user)
    submit = count(queries)
    # An upload: one transaction with the locked application, ONE locked read of the current
    # files (the slot's earlier file and the others' total), the row and its audit entry.
    assert per_upload == [(6, 1)] * 4
    # Submit: the checks' reads, the saved row (in a savepoint for the race with another
    # session), event, audit entry and the outbox message; no catalogue read for a message
    # without deficiencies, the family's village joined to the locked row.
    assert submit[0] <= 14 and submit[1] <= 2
