"""Prepared statements and partial indexes (paksemmok/db.py): a generic plan, which
PostgreSQL may choose for a statement psycopg has prepared, must still use the partial index
the query was written for."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from paksemmok.applications.lifecycle import CLOCK_RUNNING
from paksemmok.applications.models import Application
from paksemmok.db import in_constants
from paksemmok.notifications.models import Message

pytestmark = pytest.mark.django_db

# The partial indexes that hold only open applications (applications.models).
OPEN_INDEXES = re.compile(r"application_open_(queue|service)_idx")


def generic_plan(qs: QuerySet) -> str:
    """EXPLAIN of `qs` prepared and planned once for all values (force_generic_plan); plain
    scans and sorts are discouraged so the tiny test tables do not hide which indexes are
    usable (with a row or two, any index that holds the rows plus a sort costs the same as
    the ordered partial index, and PostgreSQL may pick either)."""
    return generic_plan_of(*qs.query.sql_with_params())


def generic_plan_of(sql: str, params: tuple | list) -> str:
    import psycopg

    numbers = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s", lambda _m: f"${next(numbers)}", sql)
    connection.ensure_connection()
    raw = connection.connection
    with psycopg.ClientCursor(raw) as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute(f"PREPARE generic_plan_test AS {prepared}")
        try:
            args = ", ".join(["%s"] * len(params))
            cursor.execute(
                f"EXPLAIN EXECUTE generic_plan_test({args})"
                if params
                else "EXPLAIN EXECUTE generic_plan_test",
                params,
            )
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE generic_plan_test")
            cursor.execute("RESET plan_cache_mode")
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")


@pytest.mark.postgres
def test_a_bound_status_cannot_use_the_partial_index():
    """The hazard itself, so the tests below mean something: with the status as a bound
    parameter the generic plan passes the open applications' partial index by."""
    qs = Application.objects.filter(status__in=CLOCK_RUNNING).order_by("deadline_at", "id")[:50]
    assert not OPEN_INDEXES.search(generic_plan(qs))


@pytest.mark.postgres
def test_the_queue_uses_the_open_partial_index_in_a_generic_plan():
    from paksemmok.backoffice.queues import queue_for

    class Supervisor:
        role = "supervisor"
        services: list[str] = []

    qs = queue_for(Supervisor()).filter(deadline_at__isnull=False)[:51]
    assert OPEN_INDEXES.search(generic_plan(qs))


@pytest.mark.postgres
def test_the_queue_tallies_use_the_open_partial_index_in_a_generic_plan():
    from paksemmok.backoffice.queues import _tallies_sql

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for handled in (None, [1, 2]):
        plan = generic_plan_of(_tallies_sql(handled, [1, 2, 3], 1), [now])
        assert OPEN_INDEXES.search(plan), plan


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["supervisor", "operator"])
def test_the_queue_page_rows_use_the_open_partial_index_in_a_generic_plan(role):
    from paksemmok.backoffice import queues

    class Officer:
        pk = 1
        services = ["ektp", "kk"]

    Officer.role = role
    now = timezone.now()
    for after in (None, (now, 10)):
        sql, params = queues._page_sql(
            Officer(),
            queues.QueueFilters(),
            now,
            queues.queue_choices(),
            dated=True,
            after=after,
            limit=51,
        )
        plan = generic_plan_of(sql, params)
        assert OPEN_INDEXES.search(plan), plan


def test_the_tallies_bind_only_the_deadline():
    """The officer and the cap are written in, so the prepared statement's generic plan is
    the plan: with the officer bound, PostgreSQL priced an average officer's claims and
    re-planned the statement on every run (0.45 ms each at 1M applications)."""
    from paksemmok.backoffice.queues import _tallies_sql

    sql = _tallies_sql([1, 2], [1, 2, 3], 1234, cap=40)
    assert sql.count("LIMIT 41") == 2 and '."officer_id" = 1234 AND' in sql
    assert sql.count("%s") == 1  # the deadline


@pytest.mark.postgres
@pytest.mark.parametrize(
    "index, keys, included",
    [
        ("application_open_queue_idx", ["deadline_at", "id"], ["service_id", "status"]),
        ("application_open_service_idx", ["service_id", "deadline_at", "id"], ["status"]),
    ],
)
def test_the_open_indexes_carry_what_the_tallies_count(index, keys, included):
    """The tallies count the first open applications by service and by "taken or not" (the
    status): with both in the deadline indexes (INCLUDE, migrations applications/0007 and
    0008) PostgreSQL counts them from the index alone, 8 pages at 1M applications where the
    table walk read 993 and the claim probes 2,534 (EXPLAIN ANALYZE in the migrations).
    Checked on the catalog, not on a plan: a plan over a test's handful of rows is free to
    prefer a bitmap scan and a sort."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ix.indnkeyatts, ix.indnatts,"
            " ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum"
            " ORDER BY k.n)::text[],"
            " pg_get_expr(ix.indpred, ix.indrelid)"
            " FROM pg_index ix JOIN pg_class c ON c.oid = ix.indexrelid"
            " WHERE c.relname = %s",
            [index],
        )
        n_keys, n_columns, names, predicate = cursor.fetchone()
    assert (n_keys, n_columns) == (len(keys), len(keys) + len(included))
    assert names == keys + included  # keys first, then the included columns
    assert "submitted" in predicate and "in_review" in predicate


@pytest.mark.postgres
def test_the_outbox_claim_uses_the_pending_partial_index_in_a_generic_plan():
    qs = (
        Message.objects.filter(
            in_constants("status", [Message.Status.PENDING]), next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:20]
    )
    assert "notif_msg_due_idx" in generic_plan(qs)


def test_only_fixed_codes_become_sql():
    with pytest.raises(ValueError):
        in_constants("status", ["pending'); DROP TABLE x; --"])
    with pytest.raises(ValueError):
        in_constants("status", [])
