"""The queue's tallies (queues.queue_counts, one hand-written statement) against the same
figures counted plainly through the ORM, over a mixed backlog: several services, claimed and
free rows, past and future deadlines, closed rows, a row without a deadline, and officers
who handle all, some or none of the services. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Q
from django.utils import timezone

from paksemmok.accounts.models import User
from paksemmok.applications.lifecycle import Status
from paksemmok.applications.models import Application
from paksemmok.backoffice import queues
from paksemmok.backoffice.models import Claim
from paksemmok.catalog.models import Service
from tests.cast import clones, staff, submitted

pytestmark = pytest.mark.django_db

OPEN = (Status.SUBMITTED, Status.IN_REVIEW)


@pytest.fixture
def mixed(family, agus_user):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    services = list(Service.objects.order_by("id"))
    officers = [staff(f"petugas{i}", services=[s.code for s in services]) for i in range(3)]
    rnd = random.Random(7)
    now = timezone.now()

    def vary(i, clone):
        clone.service = services[i % len(services)]
        # Every fourth is claimed below: open, that is "in review" (backoffice.models.Claim).
        open_as = Status.IN_REVIEW if i % 4 == 0 else Status.SUBMITTED
        clone.status = rnd.choice([open_as, open_as, Status.APPROVED])
        clone.deadline_at = None if i == 5 else now + dt.timedelta(minutes=rnd.randint(-900, 900))

    for clone in clones(app, 90, "PS-M", vary)[::4]:
        Claim.objects.create(application=clone, officer=rnd.choice(officers))
    return now, services, officers


def plain_counts(user, now, cap):
    """The figures the page promises, counted the obvious way: the first cap + 1 rows of
    queue_for(user) in deadline order."""
    first = list(queues.queue_for(user).values_list("pk", flat=True)[: cap + 1])
    rows = Application.objects.filter(pk__in=first)
    mine = Claim.objects.filter(officer=user, application__status__in=OPEN).count()
    return {
        "total": rows.count(),
        "overdue": rows.filter(deadline_at__lt=now).count(),
        "free": rows.filter(claim__isnull=True).count(),
        "mine": mine,
        "per_service": {
            s.pk: rows.filter(service=s).count() for s in Service.objects.order_by("id")
        },
    }


def as_numbers(counts):
    return {
        "total": counts["total"].n,
        "overdue": counts["overdue"].n,
        "free": counts["free"].n,
        "mine": counts["mine"].n,
        "per_service": {k: v.n for k, v in counts["per_service"].items()},
    }


@pytest.mark.parametrize("cap", [1000, 40, 7])
def test_tallies_match_plain_orm_counts_for_every_kind_of_officer(mixed, cap, monkeypatch, dewi):
    now, services, officers = mixed
    monkeypatch.setattr(queues, "COUNT_CAP", cap)
    some = staff("sebagian", services=[services[0].code, services[-1].code])
    nobody = staff("kosong", services=[])
    for user in [*officers, some, nobody, dewi]:
        got = queues.queue_counts(user, now)
        want = plain_counts(user, now, cap)
        assert got["capped"] == (want["total"] > cap)
        assert got["mine"].capped == (want["mine"] > cap)
        # Beyond the cap every figure shows the cap at most ("1000+").
        want = {
            k: {s: min(n, cap) for s, n in v.items()} if isinstance(v, dict) else min(v, cap)
            for k, v in want.items()
        }
        assert as_numbers(got) == want, user.username


def test_an_officer_with_no_services_has_an_empty_queue(mixed):
    now, _services, _officers = mixed
    nobody = staff("kosong", services=[])
    counts = queues.queue_counts(nobody, now)
    assert counts["total"].n == 0 and not counts["capped"]
    assert set(counts["per_service"].values()) == {queues.CappedCount(0, False)}


def test_supervisors_count_every_service(mixed, dewi):
    now, _services, _officers = mixed
    assert dewi.role in User.SUPERVISING_ROLES
    counts = queues.queue_counts(dewi, now)
    open_rows = Application.objects.filter(Q(status__in=OPEN))
    assert counts["total"].n == open_rows.count()
    assert sum(c.n for c in counts["per_service"].values()) == open_rows.count()
