"""Deadline arithmetic: 24 clock hours by default; working hours over a weekend and a holiday
(lokal-id's calendar) when the regency chooses so."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from paksemmok.applications.deadlines import add_working_hours, deadline_for
from tests.cast import birth_answers, clones, submitted, wib


@pytest.fixture
def working(settings):
    settings.BACKOFFICE_DEADLINE_MODE = "working"
    settings.BACKOFFICE_OFFICE_HOURS = "08:00-16:00"
    return settings


def test_clock_mode_is_24_hours(settings):
    settings.BACKOFFICE_DEADLINE_MODE = "clock"
    assert deadline_for(wib(2026, 11, 6, 15), 24) == wib(2026, 11, 7, 15)


def test_working_hours_skip_the_weekend(working):
    # Friday 15:00: 1 h on Friday, 8 on Monday, 8 on Tuesday, 7 on Wednesday.
    assert add_working_hours(wib(2026, 11, 6, 15), 24) == wib(2026, 11, 11, 15)


def test_working_hours_skip_christmas_and_cuti_bersama(working):
    # Wednesday 23 Dec 10:00: 6 h that day; 24 Dec (cuti bersama), 25 Dec (holiday) and the
    # weekend are skipped; 8 h on Mon 28th, 8 h on Tue 29th, 2 h on Wed 30th.
    assert add_working_hours(wib(2026, 12, 23, 10), 24) == wib(2026, 12, 30, 10)


def test_submitted_after_hours_starts_next_working_morning(working):
    assert add_working_hours(wib(2026, 11, 6, 19), 2) == wib(2026, 11, 9, 10)
    assert add_working_hours(wib(2026, 11, 9, 6), 2) == wib(2026, 11, 9, 10)


def test_year_without_holiday_data_counts_weekends_only(working):
    # 2030-01-04 is a Friday.
    assert add_working_hours(wib(2030, 1, 4, 15), 2) == wib(2030, 1, 7, 9)


@pytest.mark.django_db
def test_submission_gets_a_working_hours_deadline(working, family, agus_user):
    with time_machine.travel(wib(2026, 12, 23, 10), tick=False):
        app = submitted(
            agus_user,
            "akta-kelahiran",
            answers={**birth_answers(), "child_birth_date": "2026-12-20"},
        )
    app.refresh_from_db()
    assert app.deadline_at == wib(2026, 12, 30, 10)


@pytest.mark.django_db
def test_submission_in_clock_mode_keeps_24_hours(settings, family, agus_user):
    settings.BACKOFFICE_DEADLINE_MODE = "clock"
    with time_machine.travel(wib(2026, 12, 23, 10), tick=False):
        app = submitted(
            agus_user,
            "akta-kelahiran",
            answers={**birth_answers(), "child_birth_date": "2026-12-20"},
        )
    app.refresh_from_db()
    assert app.deadline_at == wib(2026, 12, 24, 10)


@pytest.mark.django_db
def test_alerts_at_4_hours_left_and_overdue_each_once(settings, family, agus_user, dewi):
    from paksemmok.backoffice.services import send_deadline_alerts
    from paksemmok.notifications.models import Message

    settings.BACKOFFICE_DEADLINE_MODE = "clock"
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    app.refresh_from_db()
    start = app.deadline_at - dt.timedelta(hours=5)
    assert send_deadline_alerts(start) == 0
    assert send_deadline_alerts(app.deadline_at - dt.timedelta(hours=3)) == 1
    assert send_deadline_alerts(app.deadline_at - dt.timedelta(hours=2)) == 0
    assert send_deadline_alerts(app.deadline_at + dt.timedelta(minutes=1)) == 1
    assert send_deadline_alerts(app.deadline_at + dt.timedelta(hours=2)) == 0
    to_dewi = Message.objects.filter(user=dewi, template="generic")
    assert to_dewi.count() == 2
    assert to_dewi.filter(subject__contains="kurang dari 4 jam").count() == 1
    assert to_dewi.filter(subject__contains="melewati batas waktu").count() == 1
    assert app.reference in to_dewi.first().subject


def test_jobs_are_registered_for_the_worker():
    from django.utils.module_loading import autodiscover_modules

    from paksemmok.jobs.registry import registered_jobs

    autodiscover_modules("jobs")
    names = {job.name for job in registered_jobs()}
    assert {
        "backoffice.release_idle_claims",
        "backoffice.deadline_alerts",
        "backoffice.reconcile_review_states",
    } <= names


@pytest.mark.django_db
def test_alerts_reach_newer_applications_behind_a_backlog_of_more_than_500(
    settings, family, agus_user, dewi
):
    from paksemmok.backoffice.models import AlertSent
    from paksemmok.backoffice.services import send_deadline_alerts

    settings.BACKOFFICE_DEADLINE_MODE = "clock"
    app = submitted(agus_user, "akta-kelahiran", answers=birth_answers())
    app.refresh_from_db()
    # 520 more overdue applications, the oldest deadlines first; the newest is the one to watch.
    oldest = app.deadline_at - dt.timedelta(days=3)

    def vary(i, clone):
        clone.deadline_at = oldest + dt.timedelta(minutes=i)

    clones(app, 520, "PS-TEST", vary)
    now = app.deadline_at + dt.timedelta(hours=1)

    assert send_deadline_alerts(now) == 500
    assert not AlertSent.objects.filter(application=app).exists()
    assert send_deadline_alerts(now) == 21
    assert AlertSent.objects.filter(application=app, kind="overdue", round=app.round).exists()
    assert send_deadline_alerts(now) == 0
