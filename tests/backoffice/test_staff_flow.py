"""Issue 15 item 6: staff land on their work; letting go puts the application back to
waiting for staff and the resident."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paksemmok.accounts.models import User
from paksemmok.accounts.views import landing_url
from paksemmok.applications.lifecycle import Status
from paksemmok.backoffice import services
from paksemmok.backoffice.models import Claim
from tests.cast import staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (User.Role.OPERATOR, "backoffice:queue"),
        (User.Role.PEREKAMAN, "appointments:staff_day"),
        (User.Role.SUPERVISOR, "reports:dashboard"),
        (User.Role.ADMIN, "admin:index"),
    ],
)
def test_staff_land_on_their_work_after_signing_in(client, role, url):
    user = staff(f"s-{role}", role, services=["ektp"])
    assert landing_url(user) == reverse(url)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "x-Pass-12345"}
    )
    assert response.status_code == 302
    location = response["Location"]
    # Supervisors and admins pass the TOTP gate first; the target rides along as `next`.
    assert location == reverse(url) or location.endswith(
        "next=" + reverse(url).replace("/", "%2F")
    ), location


def test_release_puts_it_back_to_waiting_for_everyone(client, ektp, budi, agus_user):
    services.claim_application(ektp, actor=budi)
    assert ektp.status == Status.IN_REVIEW
    client.force_login(budi)
    client.post(reverse("backoffice:release", args=[ektp.reference]))
    ektp.refresh_from_db()
    assert not Claim.objects.filter(application=ektp).exists()
    assert ektp.status == Status.SUBMITTED
    assert ektp.events.last().action == "review_stopped"
    staff_page = client.get(reverse("backoffice:review", args=[ektp.reference])).content.decode()
    assert f'data-testid="status">{Status.SUBMITTED.label}<' in staff_page
    client.force_login(agus_user)
    mine = client.get(reverse("applications:detail", args=[ektp.reference])).content.decode()
    assert f'data-testid="status">{Status.SUBMITTED.label}<' in mine
    # Taking it again starts a new review.
    services.claim_application(ektp, actor=budi)
    assert ektp.status == Status.IN_REVIEW


def test_an_expired_claim_also_goes_back_to_waiting(ektp, budi, settings):
    import datetime as dt

    from django.utils import timezone

    services.claim_application(ektp, actor=budi)
    later = timezone.now() + dt.timedelta(minutes=settings.BACKOFFICE_CLAIM_IDLE_MINUTES + 1)
    assert services.release_idle_claims(now=later) == 1
    ektp.refresh_from_db()
    assert ektp.status == Status.SUBMITTED
