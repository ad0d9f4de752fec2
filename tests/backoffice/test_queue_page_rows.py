"""The queue page's rows (queues.page_rows, one written-out statement) against queue_page,
the ORM's reading of the same filtered queue, over a mixed backlog: several services,
variants and kecamatans, taken and waiting rows, past and future deadlines shared by
several rows, closed rows and a row without a deadline. Every filter, kind of officer and
page size, every page followed by its cursor. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.utils import timezone

from paksemmok.applications.lifecycle import Status
from paksemmok.backoffice import queues
from paksemmok.backoffice.models import Claim
from paksemmok.catalog.models import Service, Variant
from paksemmok.population.models import Region
from tests.cast import clones, staff, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(family, agus_user):
    app = submitted(agus_user, "ektp-cetak", family.agus, {"pickup_place": "dinas"})
    variants = list(Variant.objects.select_related("service").order_by("id"))
    kecamatans = list(Region.objects.filter(level=Region.Level.KECAMATAN).order_by("id")[:3])
    holder = staff("pemegang", services=[s.code for s in Service.objects.all()])
    rnd = random.Random(11)
    now = timezone.now()

    def vary(i, clone):
        clone.variant = variants[i % len(variants)]
        clone.service = clone.variant.service
        clone.kecamatan = kecamatans[i % len(kecamatans)]
        open_as = Status.IN_REVIEW if i % 3 == 0 else Status.SUBMITTED
        clone.status = rnd.choice([open_as, open_as, open_as, Status.APPROVED])
        # Whole hours: many rows share a deadline, so the id must order them.
        clone.deadline_at = None if i == 7 else now + dt.timedelta(hours=rnd.randint(-6, 6))

    for clone in clones(app, 70, "PS-P", vary):
        if clone.status == Status.IN_REVIEW:
            Claim.objects.create(application=clone, officer=holder)
    return now, variants, kecamatans


def every_page(read, size):
    pages, after = [], ""
    while True:
        page = read(after, size)
        pages.append((page.rows, page.next_cursor))
        if not page.next_cursor:
            return pages
        after = page.next_cursor
        assert len(pages) < 100


def filters_to_try(variants, kecamatans):
    services = sorted({v.service.code for v in variants})
    yield queues.QueueFilters()
    for status in queues.STATUS_FILTERS:
        yield queues.QueueFilters(status=status)
    for code in [*services, "tidak-ada"]:
        yield queues.QueueFilters(service=code)
    for v in variants[:4]:
        yield queues.QueueFilters(variant=v.code, status="free")
    for k in kecamatans:
        yield queues.QueueFilters(kecamatan=k.code, status="overdue")
    yield queues.QueueFilters(
        service=variants[0].service.code, variant=variants[0].code, kecamatan=kecamatans[0].code
    )


def test_page_rows_are_queue_page_for_every_filter_officer_and_page(mixed, dewi):
    now, variants, kecamatans = mixed
    officers = [
        dewi,
        staff("semua", services=["kk", "ektp", "akta_lahir", "akta_mati", "kia"]),
        staff("sebagian", services=["ektp", "kia"]),
        staff("kosong", services=[]),
    ]
    checked = 0
    for officer, filters, size in itertools.product(
        officers, list(filters_to_try(variants, kecamatans)), [3, 50]
    ):

        def by_orm(after, size, officer=officer, filters=filters):
            return queues.queue_page(
                officer, filters, after=after, size=size, now=now, values=queues.PAGE_VALUES
            )

        def written(after, size, officer=officer, filters=filters):
            return queues.page_rows(officer, filters, after=after, size=size, now=now)

        expected = every_page(by_orm, size)
        assert every_page(written, size) == expected, (officer.username, filters, size)
        checked += sum(len(rows) for rows, _ in expected)
    assert checked > 1000  # the backlog was read, not a run of empty pages


def test_a_cursor_from_the_orm_reads_on_the_same(mixed, dewi):
    """The page's links and the API's share one cursor format."""
    now, *_ = mixed
    first = queues.queue_page(dewi, queues.QueueFilters(), size=5, now=now)
    assert first.next_cursor
    orm = queues.queue_page(
        dewi,
        queues.QueueFilters(),
        after=first.next_cursor,
        size=5,
        now=now,
        values=queues.PAGE_VALUES,
    )
    page = queues.page_rows(dewi, queues.QueueFilters(), after=first.next_cursor, size=5, now=now)
    assert page.rows == orm.rows and page.next_cursor == orm.next_cursor
    with pytest.raises(queues.CursorError):
        queues.page_rows(dewi, queues.QueueFilters(), after="bukan-kursor!", now=now)
