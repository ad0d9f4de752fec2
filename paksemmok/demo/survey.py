"""Demo data: a few dozen survey answers, so the IKM figures are not empty after `make run`.

The answers belong to completed demo applications (the reports app's generated history runs
before this step) and are dated a few days after completion, with their invitations marked
answered. Without completed applications (reports' demo absent) they stand alone, as answers
do after a retention job removed their application (`SurveyResponse.application` is nullable
for that reason). Deterministic, mostly good with weaker waiting time and complaint handling,
so the per-element figures show something to look at.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from paksemmok.survey.questions import FIELDS

DEMO_RESPONSES = 48
# Weights of the values 1-4 per element.
WEIGHTS = {"u3": (1, 3, 5, 3), "u8": (1, 3, 4, 2), "u4": (0, 0, 1, 9)}
DEFAULT_WEIGHTS = (0, 1, 5, 4)


def _answers(rng: random.Random) -> dict[str, int]:
    return {
        f: rng.choices((1, 2, 3, 4), weights=WEIGHTS.get(f, DEFAULT_WEIGHTS))[0] for f in FIELDS
    }


def load_responses() -> None:
    from paksemmok.applications.lifecycle import Status
    from paksemmok.applications.models import Application
    from paksemmok.catalog.models import Variant
    from paksemmok.survey.models import SurveyInvitation, SurveyResponse
    from paksemmok.survey.services import response_days

    rng = random.Random(2017)
    now = timezone.now()
    apps = list(
        Application.objects.filter(
            status=Status.COMPLETED, completed_at__isnull=False, survey_invitation__isnull=True
        ).order_by("-completed_at")[:DEMO_RESPONSES]
    )
    if apps:
        invitations, responses = [], []
        for app in apps:
            answered = min(app.completed_at + dt.timedelta(hours=rng.randint(1, 96)), now)
            invitations.append(
                SurveyInvitation(
                    application=app,
                    applicant_id=app.applicant_id,
                    created_at=app.completed_at,
                    expires_at=app.completed_at + dt.timedelta(days=response_days()),
                    responded_at=answered,
                )
            )
            responses.append(
                SurveyResponse(
                    application=app,
                    service_id=app.service_id,
                    variant_id=app.variant_id,
                    answered_at=answered,
                    **_answers(rng),
                )
            )
        SurveyInvitation.objects.bulk_create(invitations)
        SurveyResponse.objects.bulk_create(responses)
        return
    variants = list(Variant.objects.select_related("service").order_by("pk"))
    if not variants:
        return
    rows = []
    for _ in range(DEMO_RESPONSES):
        variant = rng.choice(variants)
        rows.append(
            SurveyResponse(
                service=variant.service,
                variant=variant,
                answered_at=now
                - dt.timedelta(days=rng.randint(1, 180), minutes=rng.randint(0, 600)),
                **_answers(rng),
            )
        )
    SurveyResponse.objects.bulk_create(rows)


STEPS = [("survey.responses", load_responses)]
