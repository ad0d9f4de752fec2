"""The public service-standard page: the promise, and last-30-day figures counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from paksemmok.accounts.models import User
from paksemmok.applications.models import Application, Decision
from paksemmok.catalog.models import Variant
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
TODAY = dt.datetime(2026, 12, 15, 10, 0, tzinfo=WIB)  # window: 15 Nov - 14 Dec


def at(day: int, hour: int, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=WIB)


@pytest.fixture
def world(kudus):
    cache.clear()
    resident = ResidentFactory()
    officer = User.objects.create_user(username="budi", password="x", role=User.Role.OPERATOR)
    applicant = User.objects.create_user(username="warga", password="x")
    return resident, officer, applicant


def application(world, variant_code: str, first_sent: dt.datetime) -> Application:
    resident, _officer, applicant = world
    variant = Variant.objects.select_related("service").get(code=variant_code)
    return Application.objects.create(
        variant=variant,
        service=variant.service,
        applicant=applicant,
        filed_by=applicant,
        subject=resident,
        family=resident.family,
        subject_key=f"{resident.nik}-{first_sent}",
        status="completed",
        first_submitted_at=first_sent,
        village=resident.family.village,
        kecamatan=resident.family.village.parent,
    )


def decide(
    world,
    app: Application,
    round_no: int,
    sent: dt.datetime,
    hours: float,
    outcome: str = "approved",
) -> None:
    decided = sent + dt.timedelta(hours=hours)
    deadline = sent + dt.timedelta(hours=24)
    Decision.objects.create(
        application=app,
        round=round_no,
        outcome=outcome,
        officer=world[1],
        service=app.service,
        variant=app.variant,
        village=app.village,
        kecamatan=app.kecamatan,
        submitted_at=sent,
        deadline_at=deadline,
        decided_at=decided,
        seconds_to_decision=int(hours * 3600),
        within_deadline=decided <= deadline,
    )


@pytest.fixture
def history(world):
    birth = application(world, "akta-kelahiran", at(1, 9))
    decide(world, birth, 1, at(1, 9), 2)  # 7,200 s, in time
    ektp = application(world, "ektp-cetak", at(2, 10))
    decide(world, ektp, 1, at(2, 10), 30, "returned")  # 108,000 s, late
    decide(world, ektp, 2, at(5, 8), 1)  # 3,600 s, in time
    # Sent before the window, decided inside it: a decision but not an application.
    kk = application(world, "kk-hilang-rusak", at(10, 9, month=11))
    decide(world, kk, 1, at(16, 8, month=11), 4)  # 14,400 s, in time
    # Today's activity is left out: the window ends yesterday.
    today = application(world, "kk-hilang-rusak", at(15, 8))
    decide(world, today, 1, at(15, 8), 1)


def test_public_figures_match_the_hand_count(client, history):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("reports:standard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "15 November 2026 – 14 Desember 2026" in page
    total = response.context["total"]
    # Applications first sent 15 Nov - 14 Dec: the birth and the e-KTP (the KK was sent 10 Nov).
    assert total.applications == 2
    # Decisions: birth, e-KTP return, e-KTP approval, KK = 4; three within 24 hours.
    assert (total.decisions, total.within_deadline, total.returned) == (4, 3, 1)
    # Times sorted: 3,600 7,200 14,400 108,000; median rank 1.5 -> 7,200 + .5 x 7,200 = 3 h.
    assert total.median_seconds == 10_800
    assert 'data-testid="public-within">75,0%' in page
    assert 'data-testid="public-median">3 jam<' in page
    rows = {s.code: f for s, f in response.context["by_service"]}
    # e-KTP: two decisions, one late; median of 3,600 and 108,000 = 55,800 s = 15 h 30 min.
    assert (rows["ektp"].decisions, rows["ektp"].within_deadline) == (2, 1)
    assert rows["ektp"].median_seconds == 55_800
    assert "15 jam 30 menit" in page
    assert (rows["kk"].applications, rows["kk"].decisions) == (0, 1)
    assert rows["akta_mati"].decisions == 0 and rows["akta_mati"].median_seconds is None


def test_page_is_public_and_free_of_personal_data(client, history, world):
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("reports:standard")).content.decode()
    resident, officer, _applicant = world
    assert resident.full_name not in page and resident.nik not in page
    assert officer.username not in page
    assert "Gratis" in page and "1x24 jam" in page


def test_empty_window_shows_dashes_not_errors(client, world):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("reports:standard"))
    assert response.status_code == 200
    assert 'data-testid="public-within">–' in response.content.decode()


def test_english(client, history):
    client.cookies["django_language"] = "en"
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("reports:standard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Service standard" in page
    assert "15 hours 30 minutes" in page


def test_working_hours_mode_says_so(client, world, settings):
    settings.BACKOFFICE_DEADLINE_MODE = "working"
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("reports:standard")).content.decode()
    assert "1x24 jam kerja" in page


def test_figures_are_computed_once_per_interval(client, history, django_assert_max_num_queries):
    with time_machine.travel(TODAY, tick=False):
        client.get(reverse("reports:standard"))
        with django_assert_max_num_queries(3):  # session/user at most; no figure queries
            client.get(reverse("reports:standard"))
