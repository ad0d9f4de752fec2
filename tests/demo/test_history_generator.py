"""The synthetic history generator (demo/history_generator.py) behind the dashboard bench."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from paksemmok.applications.lifecycle import OPEN_STATUSES
from paksemmok.applications.models import Application, Decision, DecisionReason
from paksemmok.appointments.models import Booking
from paksemmok.appointments.places import seed_places
from paksemmok.catalog.models import DeficiencyReason
from paksemmok.demo.history_generator import HistoryError, generate_history
from paksemmok.demo.population_generator import generate_population

END = timezone.localdate() - dt.timedelta(days=1)
START = END - dt.timedelta(days=9)


@pytest.fixture
def register(kudus):
    generate_population(600, 7, reference_date=dt.date(2026, 11, 1))
    seed_places()


def facts() -> list[tuple]:
    """Everything the figures read, without ids (a second run gets new ones)."""
    apps = list(
        Application.objects.order_by("first_submitted_at", "subject__nik").values_list(
            "variant__code",
            "subject__nik",
            "status",
            "round",
            "first_submitted_at",
            "submitted_at",
            "decided_at",
            "village__code",
        )
    )
    decisions = list(
        Decision.objects.order_by("decided_at", "round").values_list(
            "outcome", "officer__username", "decided_at", "seconds_to_decision", "within_deadline"
        )
    )
    reasons = sorted(DecisionReason.objects.values_list("decided_at", "item", "reason"))
    bookings = list(
        Booking.objects.order_by("start", "place__name", "status").values_list(
            "place__name", "start", "status"
        )
    )
    return [apps, decisions, reasons, bookings]


def wipe() -> None:
    DecisionReason.objects.all().delete()
    Decision.objects.all().delete()
    Application.objects.all().delete()
    Booking.objects.all().delete()


@pytest.mark.django_db
def test_same_seed_same_history_and_another_seed_another(register):
    generate_history(start=START, end=END, per_day=30, seed=5)
    first = facts()
    wipe()
    generate_history(start=START, end=END, per_day=30, seed=5)
    assert facts() == first
    wipe()
    generate_history(start=START, end=END, per_day=30, seed=6)
    assert facts() != first


@pytest.mark.django_db
def test_requested_count_in_range_with_consistent_facts(register):
    result = generate_history(start=START, end=END, per_day=40, seed=1)
    assert result.applications == Application.objects.count() == 400
    assert result.decisions == Decision.objects.count()
    tz = timezone.get_default_timezone()
    low = dt.datetime.combine(START, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(END + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    assert not Application.objects.exclude(
        first_submitted_at__gte=low, first_submitted_at__lt=high
    ).exists()
    # Everything is finished, so nothing can meet the one-open-application constraint.
    assert not Application.objects.filter(status__in=OPEN_STATUSES).exists()
    statuses = dict(Application.objects.values_list("status").annotate(n=Count("id")))
    assert set(statuses) <= {"completed", "approved", "rejected", "cancelled"}
    assert statuses["completed"] + statuses["approved"] > 320

    now = timezone.now()
    assert not Decision.objects.filter(decided_at__lt=F("submitted_at")).exists()
    assert not Decision.objects.filter(decided_at__gt=now).exists()
    for d in Decision.objects.all():
        assert d.within_deadline == (d.decided_at <= d.deadline_at)
        assert d.seconds_to_decision == int((d.decided_at - d.submitted_at).total_seconds())
    within = Decision.objects.filter(within_deadline=True).count() / Decision.objects.count()
    assert 0.8 < within < 0.99

    # Every decided application has its final decision; a returned round has reasons.
    for app in Application.objects.filter(status__in=["completed", "approved", "rejected"]):
        final = app.decisions.get(round=app.round)
        assert final.decided_at == app.decided_at >= app.submitted_at
        assert final.outcome == ("rejected" if app.status == "rejected" else "approved")
        assert app.village_id == final.village_id and app.kecamatan_id == final.kecamatan_id
    returned = Decision.objects.filter(outcome="returned")
    assert returned.exists()
    assert not returned.filter(reasons__isnull=True).exists()
    assert not Decision.objects.filter(outcome="rejected", reasons__isnull=True).exists()
    assert not Decision.objects.filter(outcome="approved", reasons__isnull=False).exists()
    codes = set(DeficiencyReason.objects.values_list("code", flat=True))
    assert set(DecisionReason.objects.values_list("reason", flat=True)) <= codes
    assert Booking.objects.exists()
    assert not Booking.objects.filter(status__in=Booking.ACTIVE).exists()


@pytest.mark.django_db
def test_refuses_the_future_and_an_empty_register(kudus):
    with pytest.raises(HistoryError):
        generate_history(start=END, end=END)
    today = timezone.localdate()
    with pytest.raises(HistoryError):
        generate_history(start=today, end=today)


@pytest.mark.django_db
def test_management_command(register, capsys):
    call_command("generate_history", "--days", "3", "--per-day", "10", "--seed", "2")
    assert Application.objects.count() == 30
    assert Application.objects.filter(first_submitted_at__date__lte=END).count() == 30
    assert "30 permohonan" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("generate_history", "--days", "3", "--end", timezone.localdate().isoformat())


@pytest.mark.django_db
def test_orm_method_writes_the_same_facts(register):
    generate_history(start=START, end=END, per_day=5, seed=3)
    fast = facts()
    wipe()
    generate_history(start=START, end=END, per_day=5, seed=3, method="orm")
    assert facts() == fast


@pytest.mark.django_db
def test_open_share_leaves_a_backlog_for_the_queue(register):
    from paksemmok.backoffice.queues import QueueFilters, queue_page

    generate_history(start=START, end=END, count=1000, seed=3, open_share=0.1)
    open_apps = Application.objects.filter(status__in=("submitted", "in_review"))
    assert 60 <= open_apps.count() <= 140
    assert not open_apps.filter(decided_at__isnull=False).exists()
    assert not Decision.objects.filter(application__in=open_apps).exists()
    # In review means an officer holds the claim; waiting means nobody does.
    assert not open_apps.filter(status="submitted", claim__isnull=False).exists()
    assert not open_apps.filter(status="in_review", claim__isnull=True).exists()
    assert open_apps.filter(status="in_review").exists()
    assert Application.objects.count() == 1000

    class Supervisor:
        role = "supervisor"

    page = queue_page(Supervisor(), QueueFilters(), size=50)
    deadlines = [a.deadline_at for a in page.rows]
    assert len(page.rows) == 50 and deadlines == sorted(deadlines)


@pytest.mark.django_db
def test_open_share_is_a_fraction(register):
    with pytest.raises(HistoryError):
        generate_history(start=START, end=END, count=10, open_share=1.5)
