"""Queries and commits per upload and per submit stay bounded (issue 14): a whole
submission with four images used 61 queries and 7 commits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paksemmok.applications import services
from paksemmok.applications.checks import needed_requirements
from tests.cast import birth_answers, photo, variant

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
    # 14 before the register rules and duplicate check at submit (h11a) joined; they add four
    # register reads (the parents and the possible duplicates, each once per check: Case
    # keeps what it read) and one application read.
    assert submit[0] <= 18 and submit[1] <= 2


def test_whole_submission_over_http_query_budget(client, family, agus_user):
    """Draft, autosave, four uploads (the script's XHR) and submit, as the pages do them."""
    client.force_login(agus_user)
    counts = {}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/permohonan/baru/akta-kelahiran/", {"subject": "newborn"})
    counts["draft"] = len(queries)
    ref = response["Location"].strip("/").split("/")[1]
    answers = birth_answers()
    answers["child_birth_date"] = answers["child_birth_date"].isoformat()
    with CaptureQueriesContext(connection) as queries:
        client.post(f"/permohonan/{ref}/ubah/", answers, headers={"X-Autosave": "1"})
    counts["autosave"] = len(queries)
    for i, code in enumerate(("surat_kelahiran", "buku_nikah", "kk", "f201")):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/permohonan/{ref}/unggah/{code}/",
                {"file": photo(seed=i)},
                headers={"X-Requested-With": "XMLHttpRequest"},
            )
        assert response.status_code == 200 and "data-testid" in response.content.decode()
        counts[f"upload {i}"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/permohonan/{ref}/periksa/")
    assert response["Location"].endswith("/tanda-terima/")
    counts["submit"] = len(queries)
    # Each request also reads its session and user (2 queries). An upload answered with its
    # slot: the service's 6 plus the requirement and the slot's one file, no reload.
    assert all(counts[f"upload {i}"] <= 11 for i in range(4)), counts
    assert counts["submit"] <= 21, counts
    assert sum(counts.values()) <= 87, counts
