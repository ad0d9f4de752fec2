"""Survey tests use the shared cast (tests/conftest.py: the Santoso family, Eko on another KK,
Budi the operator) and sign with the session's demo pair."""

from __future__ import annotations

import pytest

from paksemmok.applications import services as app_services
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from tests.cast import submitted

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
def done(family, agus_user, budi) -> Application:
    return completed(agus_user, budi, family.agus)


@pytest.fixture(autouse=True)
def _signing(signing_settings):
    return signing_settings
