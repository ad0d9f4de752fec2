"""The staff queue: ONE query with its filters, read a page at a time, for the queue page and
the staff API alike.

Applications awaiting a decision are read in deadline order by keyset pagination (the last
row's deadline and id, never an OFFSET), so page 2,000 of a backlog costs what page 1 costs.
The partial index `application_open_deadline_idx` (applications.models) holds only the open
applications, so the walk never passes the closed history. Counts stop at COUNT_CAP: an
officer needs "more than a thousand", not a number that costs a scan of the whole backlog.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from paksemmok.accounts.models import User
from paksemmok.applications.lifecycle import CLOCK_RUNNING, Status
from paksemmok.applications.models import Application

from .models import Claim

STATUS_FILTERS = (Status.SUBMITTED, Status.IN_REVIEW, "free", "overdue")
COUNT_CAP = 1000
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
ROW_RELATED = ("service", "variant", "claim__officer", "family__village__parent")


class CursorError(ValueError):
    """The `after` cursor was not one this module wrote."""


@dataclass(frozen=True)
class QueueFilters:
    """What an officer narrowed the queue to; blank means "all"."""

    service: str = ""
    variant: str = ""
    kecamatan: str = ""
    status: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> QueueFilters:
        values = {k: str(data.get(k) or "") for k in ("service", "variant", "kecamatan", "status")}
        if values["status"] not in STATUS_FILTERS:
            values["status"] = ""
        return cls(**values)

    @property
    def active(self) -> bool:
        return any(asdict(self).values())

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class CappedCount:
    """A count that stops at a cap: `n` is exact when `capped` is false."""

    n: int
    capped: bool

    def __str__(self) -> str:
        return f"{self.n}+" if self.capped else str(self.n)


@dataclass
class QueuePage:
    rows: list[Application]
    next_cursor: str | None


def queue_for(user: Any) -> QuerySet[Application]:
    """Applications awaiting a decision that this officer may handle, oldest deadline first."""
    qs = Application.objects.filter(status__in=CLOCK_RUNNING)
    if user.role not in User.SUPERVISING_ROLES:
        qs = qs.filter(service__code__in=user.services or [])
    return qs.order_by(F("deadline_at").asc(nulls_last=True), "id")


def filtered_queue(
    user: Any, filters: QueueFilters, now: dt.datetime | None = None
) -> QuerySet[Application]:
    """The officer's queue narrowed by the page's (and the API's) filters."""
    qs = queue_for(user)
    if filters.service:
        qs = qs.filter(service__code=filters.service)
    if filters.variant:
        qs = qs.filter(variant__code=filters.variant)
    if filters.kecamatan:
        qs = qs.filter(family__village__parent__code=filters.kecamatan)
    if filters.status in (Status.SUBMITTED, Status.IN_REVIEW):
        qs = qs.filter(status=filters.status)
    elif filters.status == "overdue":
        qs = qs.filter(deadline_at__lt=now or timezone.now())
    elif filters.status == "free":
        qs = qs.filter(claim__isnull=True)
    return qs


def _encode(app: Application) -> str:
    key = f"{app.deadline_at.isoformat() if app.deadline_at else '-'}|{app.pk}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        deadline, pk = raw.split("|")
        return (None if deadline == "-" else dt.datetime.fromisoformat(deadline)), int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CursorError(cursor) from exc


def queue_page(
    user: Any,
    filters: QueueFilters,
    *,
    after: str = "",
    size: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> QueuePage:
    """`size` rows of the filtered queue after the cursor `after` (blank: from the start)."""
    qs = filtered_queue(user, filters, now).select_related(*ROW_RELATED)
    size = max(1, min(size, MAX_PAGE_SIZE))
    dated = qs.filter(deadline_at__isnull=False)
    undated = qs.filter(deadline_at__isnull=True)
    if after:
        deadline, pk = _decode(after)
        if deadline is None:
            dated = dated.none()
            undated = undated.filter(id__gt=pk)
        else:
            # `>=` bounds the index range; the OR only sorts out rows sharing that deadline.
            dated = dated.filter(
                Q(deadline_at__gte=deadline) & (Q(deadline_at__gt=deadline) | Q(id__gt=pk))
            )
    rows = list(dated[: size + 1])
    if len(rows) <= size:
        # Undated rows (never expected while the clock runs) come last, as in the ordering.
        rows += list(undated[: size + 1 - len(rows)])
    more = len(rows) > size
    rows = rows[:size]
    return QueuePage(rows=rows, next_cursor=_encode(rows[-1]) if more else None)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> CappedCount:
    n = qs.order_by()[: cap + 1].count()
    return CappedCount(min(n, cap), n > cap)


def queue_counts(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The queue page's tallies from ONE read of at most COUNT_CAP + 1 rows (service, deadline,
    claim) in deadline order, plus the officer's own claims.

    Up to the cap every figure is exact. Beyond it the total shows "1000+", and so do the
    others, as "at least": except "overdue", which stays exact below the cap because overdue
    applications have the earliest deadlines and so all come first.
    """
    now = now or timezone.now()
    rows = list(
        queue_for(user).values_list("service_id", "deadline_at", "claim__id")[: COUNT_CAP + 1]
    )
    capped = len(rows) > COUNT_CAP
    rows = rows[:COUNT_CAP]
    overdue = sum(1 for _s, deadline, _c in rows if deadline is not None and deadline < now)
    per_service: dict[int, int] = {}
    for service_id, _d, _c in rows:
        per_service[service_id] = per_service.get(service_id, 0) + 1
    return {
        "total": CappedCount(len(rows), capped),
        "overdue": CappedCount(overdue, capped and overdue == len(rows)),
        "free": CappedCount(sum(1 for _s, _d, claim in rows if claim is None), capped),
        # From the claims (a few per officer), not the backlog: an officer holding nothing
        # must not cost a walk of every open application to find that out.
        "mine": capped_count(
            Claim.objects.filter(officer=user, application__status__in=CLOCK_RUNNING)
        ),
        "per_service": {k: CappedCount(n, capped) for k, n in per_service.items()},
        "capped": capped,
    }
