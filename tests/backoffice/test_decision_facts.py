"""Each decision leaves one fact row the figures count; completion fires its signal once."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps

from paksemmok.applications import services as app_services
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Decision, DecisionReason
from paksemmok.applications.signals import application_completed
from paksemmok.backoffice import services
from paksemmok.catalog.models import Requirement
from tests.cast import photo, submitted, wib

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock_mode(settings):
    settings.BACKOFFICE_DEADLINE_MODE = "clock"


@pytest.fixture
def completions():
    seen: list[str] = []

    def receiver(sender, application, **kwargs):
        seen.append(application.reference)

    application_completed.connect(receiver)
    yield seen
    application_completed.disconnect(receiver)


def returned_then_approved(agus_user, family, budi):
    """Sent 10.00; returned 30 hours later (late); resent; approved 2 hours later (in time)."""
    with time_machine.travel(wib(2026, 12, 1, 10), tick=False) as clock:
        app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
        clock.shift(dt.timedelta(hours=30))
        services.claim_application(app, actor=budi)
        services.return_for_fixes(
            app,
            actor=budi,
            deficiencies=[
                {"item": "doc:kk", "reason": "unreadable", "note": "Buram"},
                {"item": "application", "reason": "data_incorrect", "note": ""},
            ],
        )
        clock.shift(dt.timedelta(days=2))
        kk = Requirement.objects.get(variant=app.variant, code="kk")
        app_services.attach_document(app, kk, photo(seed=7), actor=agus_user)
        app_services.resubmit_application(app, actor=agus_user)
        clock.shift(dt.timedelta(hours=2))
        services.claim_application(app, actor=budi)
        services.approve(app, actor=budi)
    app.refresh_from_db()
    return app


def test_every_sending_gets_one_decision_with_its_own_clock(clock_mode, family, agus_user, budi):
    app = returned_then_approved(agus_user, family, budi)
    first, second = Decision.objects.filter(application=app).order_by("round")
    assert (first.round, first.outcome, first.officer) == (1, "returned", budi)
    assert first.submitted_at == wib(2026, 12, 1, 10)
    assert first.deadline_at == wib(2026, 12, 2, 10)
    assert first.seconds_to_decision == 30 * 3600 and not first.within_deadline
    assert (second.round, second.outcome) == (2, "approved")
    assert second.submitted_at == wib(2026, 12, 4, 16)
    assert second.seconds_to_decision == 2 * 3600 and second.within_deadline
    # Area and service copied from the application at the time.
    assert second.village == family.kk.village and second.kecamatan == family.kk.village.parent
    assert second.service_id == app.service_id and second.variant_id == app.variant_id
    reasons = DecisionReason.objects.filter(decision=first).order_by("item")
    assert [(r.item, r.reason) for r in reasons] == [
        ("application", "data_incorrect"),
        ("doc:kk", "unreadable"),
    ]
    assert not DecisionReason.objects.filter(decision=second).exists()
    # The application keeps its first day: resending does not move it in the figures.
    assert app.first_submitted_at == wib(2026, 12, 1, 10)
    assert app.village == family.kk.village


def test_a_rejection_is_a_decision_and_a_cancellation_is_not(family, agus_user, budi):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services.claim_application(app, actor=budi)
    services.reject(
        app,
        actor=budi,
        deficiencies=[{"item": "application", "reason": "age_or_marriage", "note": ""}],
    )
    assert Decision.objects.get(application=app).outcome == "rejected"
    other = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    app_services.cancel_application(other, actor=agus_user)
    assert not Decision.objects.filter(application=other).exists()


def test_completion_signal_fires_once_when_the_card_is_collected(
    family, agus_user, budi, completions
):
    from paksemmok.issuance import services as issuance

    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services.claim_application(app, actor=budi)
    [card] = services.approve(app, actor=budi)
    assert completions == []
    issuance.mark_card_ready(card, actor=budi)
    issuance.mark_card_collected(card, actor=budi)
    assert completions == [app.reference]
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
    assert app.events.filter(action="completed").count() == 1


def test_backfill_rebuilds_the_same_facts_from_the_history(clock_mode, family, agus_user, budi):
    app = returned_then_approved(agus_user, family, budi)
    expected = list(
        Decision.objects.filter(application=app)
        .order_by("round")
        .values(
            "round",
            "outcome",
            "officer",
            "submitted_at",
            "deadline_at",
            "decided_at",
            "seconds_to_decision",
            "within_deadline",
            "village",
            "kecamatan",
        )
    )
    expected_reasons = sorted(DecisionReason.objects.values_list("item", "reason"))
    Decision.objects.all().delete()
    type(app).objects.filter(pk=app.pk).update(
        first_submitted_at=None, village=None, kecamatan=None
    )
    migration = importlib.import_module("paksemmok.applications.migrations.0002_decision_facts")
    migration.backfill(apps, None)
    rebuilt = list(
        Decision.objects.filter(application=app)
        .order_by("round")
        .values(
            "round",
            "outcome",
            "officer",
            "submitted_at",
            "deadline_at",
            "decided_at",
            "seconds_to_decision",
            "within_deadline",
            "village",
            "kecamatan",
        )
    )
    assert rebuilt == expected
    assert sorted(DecisionReason.objects.values_list("item", "reason")) == expected_reasons
    app.refresh_from_db()
    assert app.first_submitted_at == wib(2026, 12, 1, 10)
