"""One owner of "who handles it": backoffice.Claim. The queue's "mine", the API's
`claimed_by`, the access checks and release/expiry all read it, so after a release or an
expiry nobody else is blocked and access follows the services, not a stale assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from paksemmok.applications.access import staff_may_view
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.backoffice import queues, services
from paksemmok.backoffice.models import Claim
from paksemmok.backoffice.services import BackofficeError
from tests.cast import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def ektp(family, agus_user):
    return submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def api_row(user, app) -> dict:
    rows = session(user).get("/api/v1/staff/queue/").json()["results"]
    return next(r for r in rows if r["reference"] == app.reference)


def page_mine(user) -> int:
    return queues.queue_counts(user)["mine"].n


def test_the_claim_is_what_pages_and_api_say(ektp, budi, citra):
    services.claim_application(ektp, actor=budi)
    assert Application.objects.get(pk=ektp.pk).status == Status.IN_REVIEW
    assert api_row(budi, ektp)["claimed_by_me"] and not api_row(citra, ektp)["claimed_by_me"]
    assert api_row(citra, ektp)["claimed_by"] == "Budi"
    assert (page_mine(budi), page_mine(citra)) == (1, 0)
    with pytest.raises(BackofficeError) as refused:
        services.claim_application(ektp, actor=citra)
    assert refused.value.code == "claimed_by_other"
    answer = session(citra).post(f"/api/v1/staff/applications/{ektp.reference}/claim/")
    assert answer.status_code == 409 and answer.json()["code"] == "claimed_by_other"


@pytest.mark.parametrize("how", ["release", "expiry"])
def test_after_release_or_expiry_nobody_is_blocked(ektp, budi, citra, settings, how):
    services.claim_application(ektp, actor=budi)
    if how == "release":
        services.release_claim(ektp, actor=budi)
    else:
        later = timezone.now() + dt.timedelta(minutes=settings.BACKOFFICE_CLAIM_IDLE_MINUTES + 1)
        assert services.release_idle_claims(now=later) == 1
    ektp.refresh_from_db()
    assert ektp.status == Status.SUBMITTED and not Claim.objects.exists()
    row = api_row(citra, ektp)
    assert row["claimed_by"] is None and not row["claimed_by_me"]
    assert (page_mine(budi), page_mine(citra)) == (0, 0)
    # Another officer of the service takes it, through the API as through the page.
    answer = session(citra).post(f"/api/v1/staff/applications/{ektp.reference}/claim/")
    assert answer.status_code == 200, answer.content[:300]
    assert Claim.objects.get(application=ektp).officer == citra
    assert api_row(citra, ektp)["claimed_by_me"] and page_mine(citra) == 1


def test_access_follows_the_services_not_an_old_claim(ektp, budi, citra):
    services.claim_application(ektp, actor=citra)
    services.release_claim(ektp, actor=citra)
    # Citra no longer handles e-KTP: having held the claim gives her nothing.
    citra.services = ["akta_lahir"]
    citra.save()
    assert not staff_may_view(citra, ektp)
    page = session(citra).get(f"/staf/antrean/{ektp.reference}/")
    api = session(citra).get(f"/api/v1/staff/applications/{ektp.reference}/")
    assert (page.status_code, api.status_code) == (404, 404)
    assert staff_may_view(budi, ektp)
    assert session(budi).get(f"/staf/antrean/{ektp.reference}/").status_code == 200
