"""Survey tests reuse the applications cast (the Santoso family; Eko on another KK) and
the back office's operator and signing pair."""

from __future__ import annotations

import pytest

from paksemmok.applications import services as app_services
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from tests.applications.conftest import (  # noqa: F401  (fixtures used by name)
    account_for,
    agus_user,
    catalogue,
    eko_user,
    family,
    helper_user,
)
from tests.backoffice.conftest import budi  # noqa: F401
from tests.backoffice.test_decisions import submitted
from tests.issuance.conftest import signing_pair, signing_settings  # noqa: F401

ALL_FOURS = {f"u{i}": 4 for i in range(1, 10)}


def completed(applicant, officer, subject) -> Application:
    """An application taken to COMPLETED through the real completion service; the approval
    itself is set directly, because signing PDFs is not what these tests are about."""
    app = submitted(applicant, "kk-hilang-rusak", subject, {"lost_or_damaged": "rusak"})
    Application.objects.filter(pk=app.pk).update(status=Status.APPROVED)
    app.refresh_from_db()
    app_services.complete_application(app, actor=officer)
    app.refresh_from_db()
    return app


@pytest.fixture
def done(family, agus_user, budi) -> Application:  # noqa: F811
    return completed(agus_user, budi, family.agus)
