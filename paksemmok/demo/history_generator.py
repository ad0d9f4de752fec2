"""Synthetic application history for the dashboards: years of decided applications, fast.

`generate_history()` writes what the figures read (figures.py), for every day of a date
range: `Application` rows with their first-sent day and area, one `Decision` per answer to
one sending, the `DecisionReason` items of returns and rejections, and perekaman `Booking`
rows at the seeded places. Used by bench/dashboard.py (55,000 to 1,000,000 applications),
by the demo (a few weeks, so the dashboard is not empty) and by `manage.py generate_history`.

What it is and is not:

* Every generated application is finished: completed, approved (a card not yet collected),
  rejected or cancelled, unless `open_share` asks for a backlog (bench/compare.py): then
  that share is left open (submitted, or in review with an officer holding the claim),
  undecided, its deadline long past for the older days, and with a subject key of its own
  (`riwayat-terbuka-<id>`) so the one-open-application constraint holds. With the default
  share of 0 none is open, so the back-office queue never sees them, and they can sit beside
  real applications. "Returned" exists only as a decision: about a quarter of the
  applications are returned once, and most of those are resubmitted and decided again; the
  rest are abandoned (cancelled).
* Times follow the service: submissions mostly in office hours and on weekdays; time to a
  decision is log-normal (median about 5 hours, about 92% within the 24-hour standard);
  deadlines are the variant's clock hours, as `applications.services` stores them in the
  default `BACKOFFICE_DEADLINE_MODE=clock`. Nothing is dated after the start of the day the
  history is generated.
* No `Event`, audit entry, document, notification or issued document is written: the figures
  do not read them, and a million audit rows would only slow the loading. An application's
  page therefore shows no history for generated rows.
* Applicants are a small pool of synthetic resident accounts (`riwayat-pemohon-NNNN`, no
  usable password, not linked to a register entry, so no real resident's sign-up is taken);
  officers are a pool of operator accounts (`riwayat-petugas-NN`, no usable password). The
  person an application is about, and so its family and village, come from the register.
* References look like `PS-YYMM-RNNNNNNN` and booking codes start with `0`: real ones have six
  random symbols and never contain `0` (models.REFERENCE_ALPHABET, CODE_ALPHABET), so
  generated and real numbers cannot meet.

Deterministic: each day draws from a generator seeded with the seed and the date, and ids
continue from the highest existing ones, so the same seed on the same database gives the same
rows. Rows go in through `population.bulk.BulkWriter` (COPY on PostgreSQL, executemany on
SQLite) in chunks, inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from paksemmok.applications.items import APPLICATION_ITEM, Item
from paksemmok.applications.models import Application, Decision, DecisionReason
from paksemmok.appointments.models import Booking, OpeningHours, Place
from paksemmok.backoffice.models import Claim
from paksemmok.catalog.models import DeficiencyReason, Requirement, Variant
from paksemmok.population.bulk import BulkWriter
from paksemmok.population.models import Family, Region, Resident

from .population_generator import _Weighted

APPLICANT_PREFIX = "riwayat-pemohon-"
OFFICER_PREFIX = "riwayat-petugas-"

# Share of applications per variant code (Kudus: mostly KK changes and birth certificates,
# then e-KTP, KIA, death certificates). A variant an admin adds later gets a small share.
VARIANT_WEIGHTS = {
    "kk-perubahan-data": 16,
    "kk-keluarga-baru": 7,
    "kk-hilang-rusak": 6,
    "kk-pisah": 3,
    "kk-kepala-meninggal": 2,
    "akta-kelahiran": 26,
    "ektp-cetak": 7,
    "ektp-hilang": 5,
    "ektp-rusak": 3,
    "ektp-perubahan-data": 4,
    "kia-bawah-5": 8,
    "kia-5-17": 5,
    "akta-kematian": 8,
}
OTHER_VARIANT_WEIGHT = 1.0

# Deficiency reasons by how often officers give them; codes not in the catalogue are skipped,
# catalogue codes not listed get weight 1.
RETURN_REASONS = {
    "unreadable": 25,
    "missing": 18,
    "data_mismatch": 15,
    "wrong_document": 12,
    "kk_not_signed": 6,
    "data_incorrect": 5,
    "not_recorded": 4,
    "duplicate": 3,
    "witness_incomplete": 3,
    "nik_not_registered": 2,
    "late_death_report": 2,
    "age_or_marriage": 1,
    "other": 2,
}
REJECT_REASONS = {
    "duplicate": 30,
    "age_or_marriage": 20,
    "nik_not_registered": 15,
    "data_incorrect": 15,
    "not_recorded": 10,
    "other": 10,
}
# Reasons about a file name a required document; those about data name a form field.
DOCUMENT_REASONS = {"missing", "unreadable", "wrong_document", "kk_not_signed"}
FIELD_REASONS = {"data_mismatch", "data_incorrect", "witness_incomplete"}

# Submissions per local hour: online, so evenings count too, but office hours dominate.
HOUR_WEIGHTS = [
    1,
    0.5,
    0.3,
    0.3,
    0.5,
    1.5,
    3,
    6,
    10,
    12,
    12,
    11,
    8,
    9,
    10,
    9,
    7,
    6,
    6,
    7,
    6,
    4,
    3,
    2,
]
# A Saturday or Sunday gets this share of a weekday's applications.
WEEKDAY_WEIGHTS = [1.0, 1.0, 1.0, 1.0, 0.95, 0.45, 0.3]

P_CANCELLED_BEFORE_DECISION = 0.025
P_RETURNED = 0.25
P_RESUBMITTED = 0.9  # of returned ones; the rest are abandoned (cancelled)
P_REJECTED = 0.05  # of decisions that are not returns
P_NEVER_COLLECTED = 0.02  # approved cards never picked up: stay "approved"
# Time to decision: log-normal, median 5 hours, P(> 24 h) about 8%.
DECISION_MU = math.log(5 * 3600)
DECISION_SIGMA = 1.12
# Resident's time to resubmit after a return: median about a day and a half.
RESUBMIT_MU = math.log(36 * 3600)
RESUBMIT_SIGMA = 1.0

BOOKINGS_PER_OFFICE_DAY = (20, 60)

APPLICATION_FIELDS = [
    "id",
    "reference",
    "variant_id",
    "service_id",
    "applicant_id",
    "filed_by_id",
    "subject_id",
    "family_id",
    "subject_key",
    "status",
    "data",
    "deficiencies",
    "round",
    "created_at",
    "updated_at",
    "submitted_at",
    "returned_at",
    "deadline_at",
    "decided_at",
    "completed_at",
    "first_submitted_at",
    "village_id",
    "kecamatan_id",
]
DECISION_FIELDS = [
    "id",
    "application_id",
    "round",
    "outcome",
    "officer_id",
    "service_id",
    "variant_id",
    "village_id",
    "kecamatan_id",
    "submitted_at",
    "deadline_at",
    "decided_at",
    "seconds_to_decision",
    "within_deadline",
]
REASON_FIELDS = ["id", "decision_id", "decided_at", "service_id", "item", "reason"]
CLAIM_FIELDS = ["id", "application_id", "officer_id", "claimed_at", "last_seen_at"]
BOOKING_FIELDS = [
    "id",
    "code",
    "resident_id",
    "place_id",
    "start",
    "status",
    "is_walk_in",
    "booked_by_id",
    "needs_reschedule",
    "reminder_sent_at",
    "checked_in_at",
    "recorded_at",
    "cancelled_at",
    "created_at",
    "updated_at",
]
# Indexes of the datetime values in each tuple, converted once per row for the driver.
_TIMES = {
    "app": [
        APPLICATION_FIELDS.index(f)
        for f in (
            "created_at",
            "updated_at",
            "submitted_at",
            "returned_at",
            "deadline_at",
            "decided_at",
            "completed_at",
            "first_submitted_at",
        )
    ],
    "decision": [DECISION_FIELDS.index(f) for f in ("submitted_at", "deadline_at", "decided_at")],
    "reason": [REASON_FIELDS.index("decided_at")],
    "claim": [CLAIM_FIELDS.index("claimed_at"), CLAIM_FIELDS.index("last_seen_at")],
    "booking": [
        BOOKING_FIELDS.index(f)
        for f in (
            "start",
            "checked_in_at",
            "recorded_at",
            "cancelled_at",
            "created_at",
            "updated_at",
        )
    ],
}
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class HistoryError(Exception):
    """The generator cannot run; the message says what is missing."""


@dataclass
class HistoryResult:
    applications: int
    decisions: int
    reasons: int
    bookings: int
    days: int
    seed: int
    method: str
    seconds: float


def _booking_code(pk: int) -> str:
    # "0" never occurs in a real code (CODE_ALPHABET), so no generated code equals a real one.
    digits = []
    for _ in range(7):
        pk, r = divmod(pk, len(_CODE_ALPHABET))
        digits.append(_CODE_ALPHABET[r])
    return "0" + "".join(reversed(digits))


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` shared by weight, largest remainders first: the parts add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _Pools:
    """Everything drawn from per row, loaded once: variants, subjects, officers, reasons."""

    def __init__(
        self, applicants: int, officers: int, max_subjects: int, exclude_kk: Sequence[str]
    ) -> None:
        variants = list(
            Variant.objects.filter(is_active=True)
            .order_by("pk")
            .values_list(
                "pk", "code", "service_id", "subject", "output", "deadline_hours", "form_fields"
            )
        )
        if not variants:
            raise HistoryError("The catalogue has no active variants (run migrate).")
        self.variant = _Weighted(
            [(v, VARIANT_WEIGHTS.get(v[1], OTHER_VARIANT_WEIGHT)) for v in variants]
        )
        docs: dict[int, list[str]] = defaultdict(list)
        for variant_id, code in Requirement.objects.order_by("pk").values_list(
            "variant_id", "code"
        ):
            docs[variant_id].append(Item.doc(code))
        self.documents = docs
        codes = list(
            DeficiencyReason.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("code", flat=True)
        )
        if not codes:
            raise HistoryError("The catalogue has no deficiency reasons (run migrate).")
        self.return_reason = _Weighted([(c, RETURN_REASONS.get(c, 1)) for c in codes])
        rejects = [(c, REJECT_REASONS[c]) for c in codes if c in REJECT_REASONS]
        self.reject_reason = _Weighted(rejects or [(c, 1) for c in codes])
        self.subjects = self._subjects(max_subjects, exclude_kk)
        self.applicants = self._users(APPLICANT_PREFIX, applicants, 4, role="resident")
        self.officers = _Weighted(
            [
                (pk, 1 + (i % 4))
                for i, pk in enumerate(self._users(OFFICER_PREFIX, officers, 2, role="operator"))
            ]
        )
        self.hour = _Weighted(list(enumerate(HOUR_WEIGHTS)))

    @staticmethod
    def _subjects(limit: int, exclude_kk: Sequence[str]) -> list[tuple[int, str, int, int, int]]:
        """(resident, nik, family, village, kecamatan) of up to `limit` living residents,
        every k-th by id so that a large register is sampled across all its villages.

        Residents with an account, and families in `exclude_kk`, are left out: their own
        pages (and a demo walkthrough) must not fill with invented past applications."""
        alive = Resident.objects.filter(
            life_status=Resident.LifeStatus.ALIVE, family__isnull=False, account__isnull=True
        ).exclude(family__kk_number__in=list(exclude_kk))
        total = alive.count()
        if total == 0:
            raise HistoryError("The register is empty: run generate_population first.")
        step = max(1, math.ceil(total / limit))
        parents = dict(
            Region.objects.filter(level=Region.Level.VILLAGE).values_list("pk", "parent_id")
        )
        villages = dict(Family.objects.values_list("pk", "village_id"))
        out = []
        rows = alive.order_by("pk").values_list("pk", "nik", "family_id")
        for i, (pk, nik, family_id) in enumerate(rows.iterator(chunk_size=20000)):
            if i % step == 0:
                village = villages[family_id]
                out.append((pk, nik, family_id, village, parents.get(village)))
        return out

    @staticmethod
    def _users(prefix: str, count: int, width: int, *, role: str) -> list[int]:
        """The pool's accounts, created on first use (a later run reuses them)."""
        User = get_user_model()
        names = [f"{prefix}{i + 1:0{width}d}" for i in range(count)]
        have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        first = ["Agus", "Sri", "Budi", "Dewi", "Eko", "Nur", "Joko", "Rina", "Hadi", "Lestari"]
        User.objects.bulk_create(
            [
                User(
                    username=name,
                    role=role,
                    password=make_password(None),
                    first_name=first[i % len(first)] if role == "operator" else "",
                    last_name=f"Petugas {i + 1}" if role == "operator" else "",
                    services=["kk", "ektp", "akta_lahir", "akta_mati", "kia"]
                    if role == "operator"
                    else [],
                )
                for i, name in enumerate(names)
                if name not in have
            ]
        )
        return list(
            User.objects.filter(username__in=names)
            .order_by("username")
            .values_list("pk", flat=True)
        )


class _Writer:
    """Buffers tuples per table and writes them through BulkWriter every `chunk` rows."""

    def __init__(self, method: str, chunk: int) -> None:
        self.bulk = BulkWriter(method)
        self.method = self.bulk.method
        self.chunk = chunk
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.models = {
            "app": (Application, APPLICATION_FIELDS),
            "decision": (Decision, DECISION_FIELDS),
            "reason": (DecisionReason, REASON_FIELDS),
            "claim": (Claim, CLAIM_FIELDS),
            "booking": (Booking, BOOKING_FIELDS),
        }
        # Driver values: SQLite stores naive UTC text, as Django's adapter would write it.
        if self.method == "executemany":
            self.time = lambda ts: (
                None
                if ts is None
                else str(dt.datetime.fromtimestamp(ts, dt.UTC).replace(tzinfo=None))
            )
            self.json = json.dumps
        elif self.method == "copy":
            self.time = lambda ts: None if ts is None else dt.datetime.fromtimestamp(ts, dt.UTC)
            self.json = json.dumps
        else:
            self.time = lambda ts: None if ts is None else dt.datetime.fromtimestamp(ts, dt.UTC)
            self.json = lambda value: value

    def add(self, table: str, row: list[Any]) -> None:
        for i in _TIMES[table]:
            row[i] = self.time(row[i])
        self.rows[table].append(tuple(row))

    def maybe_flush(self) -> None:
        if len(self.rows["app"]) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        # Parents first: decisions and claims reference applications, reasons decisions.
        for table in ("app", "decision", "reason", "claim", "booking"):
            model, fields = self.models[table]
            self.bulk.write(model, fields, self.rows[table])
            self.rows[table] = []


def _next_id(model: Any) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def generate_history(
    *,
    start: dt.date,
    end: dt.date,
    per_day: int = 150,
    seed: int = 1,
    count: int | None = None,
    bookings: bool = True,
    applicants: int = 300,
    officers: int = 12,
    max_subjects: int = 50000,
    exclude_kk: Sequence[str] = (),
    method: str = "auto",
    chunk: int = 20000,
    progress: Callable[[int, int], None] | None = None,
    open_share: float = 0.0,
) -> HistoryResult:
    """Adds `per_day` applications a day on average (or `count` in all) first sent between
    `start` and `end` (local days, both included), decided and closed, with their decisions,
    reasons and, with `bookings`, 20-60 perekaman bookings per office day.

    `end` must be before today: history is the past, and nothing is dated in the future.
    Needs regions, the catalogue and a register (generate_population); runs in one
    transaction, so on an error nothing is kept.
    """
    if end < start:
        raise HistoryError("The end date is before the start date.")
    today = timezone.localdate()
    if end >= today:
        raise HistoryError("History ends yesterday at the latest (end must be before today).")
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    total = count if count is not None else per_day * len(days)
    if total < 0:
        raise HistoryError("The number of applications cannot be negative.")
    if not 0 <= open_share <= 1:
        raise HistoryError("The open share is a fraction between 0 and 1.")
    started = time.perf_counter()
    # Busy and quiet days: each day's share moves up to 15% around its weekday's weight.
    jitter = random.Random(f"{seed}:days")
    per_day_counts = _split(
        total, [WEEKDAY_WEIGHTS[d.weekday()] * jitter.uniform(0.85, 1.15) for d in days]
    )
    tz = timezone.get_default_timezone()
    # The cut-off for every timestamp is the start of today, not this second: a run later
    # the same day gives the same rows (a squeezed last step does not move with the clock).
    now = int(dt.datetime.combine(today, dt.time.min, tzinfo=tz).timestamp()) - 60
    with transaction.atomic():
        pools = _Pools(applicants, officers, max_subjects, exclude_kk)
        writer = _Writer(method, chunk)
        state = _State(pools, writer, now, open_share)
        places = _places() if bookings else []
        for day, n in zip(days, per_day_counts, strict=True):
            rng = random.Random(f"{seed}:{day.isoformat()}")
            midnight = int(dt.datetime.combine(day, dt.time.min, tzinfo=tz).timestamp())
            for _ in range(n):
                state.application(rng, day, midnight)
            if places:
                state.bookings(rng, day, places, tz)
            writer.maybe_flush()
            if progress is not None:
                progress(state.counts["app"], total)
        writer.flush()
        writer.bulk.finish()
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner sees the new rows at once (autovacuum lags).
        with connection.cursor() as cursor:
            for model in (Application, Decision, DecisionReason, Booking):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return HistoryResult(
        applications=state.counts["app"],
        decisions=state.counts["decision"],
        reasons=state.counts["reason"],
        bookings=state.counts["booking"],
        days=len(days),
        seed=seed,
        method=writer.method,
        seconds=round(time.perf_counter() - started, 2),
    )


def _places() -> list[tuple[int, float, int, dict[int, list[int]]]]:
    """(place, weight, minutes per recording, weekday -> slot start minutes) per office."""

    def minutes(t: dt.time) -> int:
        return t.hour * 60 + t.minute

    slots: dict[int, dict[int, list[int]]] = defaultdict(dict)
    steps = dict(Place.objects.values_list("pk", "minutes_per_recording"))
    for h in OpeningHours.objects.filter(
        place__is_active=True, place__kind__in=[Place.Kind.DINAS, Place.Kind.KECAMATAN]
    ).order_by("pk"):
        step = steps[h.place_id]
        times = range(minutes(h.opens), minutes(h.closes) - step + 1, step)
        if h.break_start and h.break_end:
            times = [
                m for m in times if m + step <= minutes(h.break_start) or m >= minutes(h.break_end)
            ]
        slots[h.place_id][h.weekday] = list(times)
    kinds = dict(Place.objects.values_list("pk", "kind"))
    # The Disdukcapil office records about three times as many as a kecamatan office.
    return [
        (pk, 3.0 if kinds[pk] == Place.Kind.DINAS else 1.0, steps[pk], by_day)
        for pk, by_day in sorted(slots.items())
    ]


class _State:
    """Ids, counters and the per-row logic of one run."""

    def __init__(self, pools: _Pools, writer: _Writer, now: int, open_share: float = 0.0) -> None:
        self.p = pools
        self.open_share = open_share
        self.w = writer
        self.now = now
        self.ids = {
            "app": _next_id(Application),
            "decision": _next_id(Decision),
            "reason": _next_id(DecisionReason),
            "claim": _next_id(Claim),
            "booking": _next_id(Booking),
        }
        self.counts = {"app": 0, "decision": 0, "reason": 0, "claim": 0, "booking": 0}

    def _id(self, table: str) -> int:
        pk = self.ids[table]
        self.ids[table] += 1
        self.counts[table] += 1
        return pk

    def _after(self, t: int, gap: float) -> int:
        # Never past the moment of generation: a late step is squeezed into the time left.
        return t + max(1, min(int(gap), (self.now - t) // 2))

    def _items(self, rng: random.Random, variant: tuple, outcome: str) -> list[dict[str, str]]:
        pick = self.p.return_reason if outcome == "returned" else self.p.reject_reason
        n = 1 if outcome == "rejected" else rng.choices((1, 2, 3), (70, 22, 8))[0]
        reasons: list[str] = []
        for _ in range(n * 3):  # distinct reasons; a few tries are plenty
            code = pick.pick(rng)
            if code not in reasons:
                reasons.append(code)
            if len(reasons) == n:
                break
        docs, fields = self.p.documents.get(variant[0]), variant[6]
        items = []
        for code in reasons:
            if code in DOCUMENT_REASONS and docs:
                item = rng.choice(docs)
            elif code in FIELD_REASONS and fields:
                item = Item.field(rng.choice(fields))
            else:
                item = APPLICATION_ITEM
            items.append({"item": item, "reason": code, "note": ""})
        return items

    def _decide(
        self,
        rng: random.Random,
        app_id: int,
        round_no: int,
        outcome: str,
        variant: tuple,
        area: tuple,
        sent: int,
        officer: int,
        items: list[dict[str, str]],
    ) -> int:
        deadline = sent + variant[5] * 3600
        decided = self._after(sent, rng.lognormvariate(DECISION_MU, DECISION_SIGMA) + 120)
        decision_id = self._id("decision")
        self.w.add(
            "decision",
            [
                decision_id,
                app_id,
                round_no,
                outcome,
                officer,
                variant[2],
                variant[0],
                area[0],
                area[1],
                sent,
                deadline,
                decided,
                decided - sent,
                decided <= deadline,
            ],
        )
        for item in items:
            self.w.add(
                "reason",
                [
                    self._id("reason"),
                    decision_id,
                    decided,
                    variant[2],
                    item["item"],
                    item["reason"],
                ],
            )
        return decided

    def application(self, rng: random.Random, day: dt.date, midnight: int) -> None:
        p = self.p
        variant = p.variant.pick(rng)
        subject_id, nik, family_id, village, kecamatan = rng.choice(p.subjects)
        area = (village, kecamatan)
        first = midnight + p.hour.pick(rng) * 3600 + rng.randrange(3600)
        first = min(first, self.now - 600)
        app_id = self._id("app")
        if variant[3] == Variant.Subject.NEWBORN:
            subject_id, key = None, f"birth:{family_id}:riwayat-{app_id}:"
        else:
            key = f"nik:{nik}"
        applicant = rng.choice(p.applicants)
        officer = p.officers.pick(rng)
        created = first - int(rng.expovariate(1 / 1800)) - 60
        sent, round_no, returned_at, deficiencies = first, 1, None, []
        decided_at = completed_at = None
        deadline = sent + variant[5] * 3600
        # Only asked-for backlogs draw this number: with no open share, the same seed gives
        # the same history as before.
        claimed = False
        if self.open_share and rng.random() < self.open_share:
            # In review means an officer holds the claim (backoffice.Claim: the only record
            # of who handles it).
            claimed = rng.random() < 0.5
            key = f"riwayat-terbuka-{app_id}"
            status, updated = ("in_review" if claimed else "submitted"), sent
        elif rng.random() < P_CANCELLED_BEFORE_DECISION:
            status, updated = "cancelled", self._after(sent, rng.uniform(600, 20 * 3600))
        else:
            decided = True
            if rng.random() < P_RETURNED:
                deficiencies = self._items(rng, variant, "returned")
                returned_at = self._decide(
                    rng, app_id, 1, "returned", variant, area, sent, officer, deficiencies
                )
                if rng.random() >= P_RESUBMITTED:
                    decided = False
                    status = "cancelled"
                    updated = self._after(returned_at, rng.uniform(3, 30) * 86400)
                else:
                    sent = self._after(
                        returned_at, rng.lognormvariate(RESUBMIT_MU, RESUBMIT_SIGMA) + 300
                    )
                    round_no, deadline = 2, sent + variant[5] * 3600
            if decided and rng.random() < P_REJECTED:
                items = self._items(rng, variant, "rejected")
                decided_at = self._decide(
                    rng, app_id, round_no, "rejected", variant, area, sent, officer, items
                )
                status, deficiencies, updated = "rejected", items, decided_at
            elif decided:
                decided_at = self._decide(
                    rng, app_id, round_no, "approved", variant, area, sent, officer, []
                )
                # Documents are downloaded soon; cards wait to be collected.
                wait = rng.uniform(1, 14) if variant[4] == "card" else rng.uniform(0.1, 3)
                done = decided_at + int(wait * 86400)
                if done <= self.now and rng.random() >= P_NEVER_COLLECTED:
                    status, completed_at, updated = "completed", done, done
                else:
                    status, updated = "approved", decided_at
        self._write_app(
            app_id,
            variant,
            applicant,
            subject_id,
            family_id,
            key,
            status,
            deficiencies,
            round_no,
            created,
            updated,
            sent,
            returned_at,
            deadline,
            decided_at,
            completed_at,
            first,
            area,
        )
        if claimed:
            self.w.add("claim", [self._id("claim"), app_id, officer, sent, sent])

    def _write_app(
        self,
        app_id: int,
        variant: tuple,
        applicant: int,
        subject_id: int | None,
        family_id: int,
        key: str,
        status: str,
        deficiencies: list,
        round_no: int,
        created: int,
        updated: int,
        sent: int,
        returned_at: int | None,
        deadline: int,
        decided_at: int | None,
        completed_at: int | None,
        first: int,
        area: tuple,
    ) -> None:
        stamp = dt.datetime.fromtimestamp(first, dt.UTC).strftime("%y%m")
        self.w.add(
            "app",
            [
                app_id,
                f"PS-{stamp}-R{app_id:07d}",
                variant[0],
                variant[2],
                applicant,
                applicant,
                subject_id,
                family_id,
                key,
                status,
                self.w.json({}),
                self.w.json(deficiencies),
                round_no,
                created,
                updated,
                sent,
                returned_at,
                deadline,
                decided_at,
                completed_at,
                first,
                area[0],
                area[1],
            ],
        )

    def bookings(self, rng: random.Random, day: dt.date, places: list, tz: Any) -> None:
        weekday = day.weekday()
        open_places = [pl for pl in places if pl[3].get(weekday)]
        if not open_places or _holiday(day):
            return
        pick = _Weighted([(pl, pl[1]) for pl in open_places])
        midnight = int(dt.datetime.combine(day, dt.time.min, tzinfo=tz).timestamp())
        for _ in range(rng.randint(*BOOKINGS_PER_OFFICE_DAY)):
            place_id, _w, step, by_day = pick.pick(rng)
            start = midnight + rng.choice(by_day[weekday]) * 60
            resident = rng.choice(self.p.subjects)[0]
            created = start - rng.randint(1, 14) * 86400 - rng.randrange(36000)
            roll = rng.random()
            checked = recorded = cancelled = None
            if roll < 0.8:
                status = "recorded"
                checked = start - rng.randrange(900)
                recorded = start + rng.randrange(60, step * 60)
                updated = recorded
            elif roll < 0.92:
                status, updated = "no_show", start + 3600
            else:
                status = "cancelled"
                cancelled = updated = start - rng.randrange(3600, 3 * 86400)
            pk = self._id("booking")
            self.w.add(
                "booking",
                [
                    pk,
                    _booking_code(pk),
                    resident,
                    place_id,
                    start,
                    status,
                    rng.random() < 0.1,
                    None,
                    False,
                    None,
                    checked,
                    recorded,
                    cancelled,
                    created,
                    min(updated, self.now),
                ],
            )


_holidays: dict[dt.date, bool] = {}


def _holiday(day: dt.date) -> bool:
    """National holiday or cuti bersama (lokal-id); a year without data counts as open."""
    if day not in _holidays:
        import lokal

        try:
            _holidays[day] = not lokal.is_working_day(day, cuti_bersama=True)
        except ValueError:
            _holidays[day] = day.weekday() >= 5
    return _holidays[day]


__all__ = ["HistoryError", "HistoryResult", "generate_history"]
