"""Benchmark: availability for 30 days across all perekaman places, with 50,000 bookings.

    .venv/bin/python bench/slots.py                      # a fresh SQLite file in a temp dir
    DATABASE_URL=postgres://u:p@host/db .venv/bin/python bench/slots.py
        # creates (and afterwards drops) a fresh database named <db>_bench_slots

It times `paksemmok.appointments.slots.availability`, the function the booking pages call,
for the Disdukcapil office, the nine kecamatan offices and one jemput bola hall (eleven places)
and prints the median and 95th percentile over repeated runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database() -> tuple[str, object]:
    """Returns (DATABASE_URL, cleanup) for a brand-new database."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        tmp = tempfile.TemporaryDirectory(prefix="bench-slots-")
        return f"sqlite:///{tmp.name}/bench.sqlite3", tmp.cleanup
    import psycopg

    parts = urlparse(given)
    name = f"{parts.path.lstrip('/')}_bench_slots"
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urlunparse(parts._replace(path=f"/{name}")), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()

    url, cleanup = fresh_database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    try:
        run(args)
    finally:
        cleanup()


def _slots_of(per_place: dict) -> list:
    return [s for per_day in per_place.values() for day in per_day.values() for s in day]


def _seed(args: argparse.Namespace) -> tuple[list, dt.date, int]:
    """Regions, the eleven places and `args.bookings` bookings: (places, today, upcoming)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from paksemmok.appointments.models import JemputBolaEvent, Place
    from paksemmok.appointments.places import seed_places
    from paksemmok.appointments.services import hall_for
    from paksemmok.appointments.slots import availability, public_holiday
    from paksemmok.population.models import Region
    from paksemmok.population.regions import import_regency

    call_command("migrate", verbosity=0)
    import_regency(settings.REGENCY_CODE)
    seed_places()
    village = Region.objects.filter(level=Region.Level.VILLAGE).order_by("code").first()
    today = timezone.localdate()
    event_day = today + dt.timedelta(days=5)
    while event_day.weekday() >= 5 or public_holiday(event_day):
        event_day += dt.timedelta(days=1)
    JemputBolaEvent.objects.create(
        place=hall_for(village), date=event_day, opens=dt.time(8), closes=dt.time(14), capacity=150
    )
    places = list(Place.objects.all())
    assert len(places) == 11, len(places)

    # Every slot of the next `days` days, and the same for the past year, from the rules.
    future_slots = _slots_of(availability(places, today, args.days, include_past=True))
    past = availability(places, today - dt.timedelta(days=365), 365, include_past=True)
    past_slots = _slots_of(past)

    rng = random.Random(2026)
    # Fill about 70% of the coming places; the rest of the 50,000 are history.
    upcoming = []
    for slot in future_slots:
        upcoming.extend([slot] * sum(rng.random() < 0.7 for _ in range(slot.capacity)))
    upcoming = upcoming[: args.bookings]
    history = [rng.choice(past_slots) for _ in range(args.bookings - len(upcoming))]
    _write_bookings(upcoming, history, rng)
    return places, today, len(upcoming)


def _write_bookings(upcoming: list, history: list, rng: random.Random) -> None:
    from django.db.models import Count

    from paksemmok.appointments.models import Booking, SlotCounter
    from paksemmok.population.models import Region, Resident

    villages = list(Region.objects.filter(level=Region.Level.VILLAGE).values_list("pk", flat=True))
    residents = Resident.objects.bulk_create(
        Resident(
            nik=f"3319{i:012d}",
            full_name=f"Bench {i}",
            sex="L",
            birth_place="Kudus",
            birth_date=dt.date(2000, 1, 1),
            religion="islam",
            education="slta",
            occupation="-",
            marital_status="belum_kawin",
            village_id=rng.choice(villages),
            address="-",
            rt="001",
            rw="001",
        )
        for i in range(max(len(upcoming), 1000))
    )
    Booking.objects.bulk_create(
        [
            Booking(resident=residents[i], place_id=s.place_id, start=s.start, code=f"U{i:07d}")
            for i, s in enumerate(upcoming)
        ]
        + [
            Booking(
                resident=rng.choice(residents),
                place_id=s.place_id,
                start=s.start,
                code=f"H{i:07d}",
                status=rng.choice([Booking.Status.RECORDED, Booking.Status.NO_SHOW]),
            )
            for i, s in enumerate(history)
        ],
        batch_size=2000,
    )
    SlotCounter.objects.bulk_create(
        [
            SlotCounter(place_id=row["place_id"], start=row["start"], booked=row["n"])
            for row in Booking.objects.values("place_id", "start").annotate(n=Count("id"))
        ],
        batch_size=2000,
    )


def _timed(fn, runs: int) -> list[float]:
    for _ in range(3):  # warm caches (holidays, query plans)
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _describe(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(
        f"  {label:<44} median {statistics.median(ordered):7.1f} ms   "
        f"p95 {p95:7.1f} ms   (n={len(ordered)})"
    )


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from paksemmok.appointments.models import Booking, Place, SlotCounter
    from paksemmok.appointments.slots import availability

    started = time.perf_counter()
    places, today, upcoming = _seed(args)
    setup_seconds = time.perf_counter() - started

    with CaptureQueriesContext(connection) as queries:
        result = availability(places, today, args.days)
    slots = sum(len(day) for per_day in result.values() for day in per_day.values())

    print(f"database: {connection.vendor}  ({setup_seconds:.0f} s to build)")
    print(
        f"places: {len(places)}   bookings: {Booking.objects.count():,}   "
        f"slot counters: {SlotCounter.objects.count():,}   "
        f"bookings in the window: {upcoming:,}"
    )
    print(
        f"availability for {args.days} days x {len(places)} places: {slots:,} open slots, "
        f"{len(queries)} queries"
    )
    _describe(
        f"all {len(places)} places, {args.days} days",
        _timed(lambda: availability(places, today, args.days), args.runs),
    )
    dinas = next(p for p in places if p.kind == Place.Kind.DINAS)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(availability, places, today, args.days)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
    _describe(
        f"one place ({dinas.name}), {args.days} days",
        _timed(lambda: availability([dinas], today, args.days), args.runs),
    )


if __name__ == "__main__":
    main()
