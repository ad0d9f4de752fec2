"""Times `population.queries.resident_with_family(nik)` at register scale (850,000 by default).

    .venv/bin/python bench/lookup.py                          # generate fresh DBs, then time
    .venv/bin/python bench/lookup.py --sqlite-url sqlite:////tmp/x/db.sqlite3 \\
        --pg-url postgres://paksemmok:paksemmok@127.0.0.1:5432/paksemmok_bench_ab12cd34
    BENCH_RESIDENTS=200000 .venv/bin/python bench/lookup.py --only sqlite

With no URL for a database, a fresh one is created, migrated and filled by
generate_population (see bench/population.py), and dropped afterwards. The look-ups run in a
child process with DEBUG off (as in production), one connection, 10,000 random NIKs drawn
with a fixed seed after 500 warm-up look-ups; each is what a view does: the resident with
village and KK joined, plus the KK's members in one more query.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from _databases import PYTHON, ROOT, PostgresDatabase, SqliteDatabase, manage


def child(count: int, seed: int) -> None:
    import random

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Max, Min
    from django.test.utils import CaptureQueriesContext

    from paksemmok.population.models import Resident
    from paksemmok.population.queries import resident_with_family

    bounds = Resident.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    rng = random.Random(seed)
    ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(count + 500)]
    by_id = dict(Resident.objects.filter(pk__in=set(ids)).values_list("pk", "nik"))
    niks = [by_id[i] for i in ids if i in by_id]
    for nik in niks[:500]:
        resident_with_family(nik)
    with CaptureQueriesContext(connection) as queries:
        sample = resident_with_family(niks[0])
    timings = []
    members = 0
    for nik in niks[500 : 500 + count]:
        started = time.perf_counter()
        resident = resident_with_family(nik)
        timings.append((time.perf_counter() - started) * 1000)
        members += len(resident.kk_members)
    timings.sort()
    print(
        json.dumps(
            {
                "residents": Resident.objects.count(),
                "lookups": len(timings),
                "median_ms": statistics.median(timings),
                "p95_ms": timings[int(len(timings) * 0.95) - 1],
                "p99_ms": timings[int(len(timings) * 0.99) - 1],
                "mean_members": members / len(timings),
                "queries_per_lookup": len(queries.captured_queries),
                "found": sample is not None,
            }
        )
    )


def measure(url: str, count: int, seed: int) -> dict[str, float]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "localhost",
    }
    out = subprocess.run(
        [PYTHON, __file__, "--child", "--count", str(count), "--seed", str(seed)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--residents", type=int, default=int(os.environ.get("BENCH_RESIDENTS", "850000"))
    )
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--sqlite-url")
    parser.add_argument("--pg-url")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.count, args.seed)
        return
    plans: list[tuple[str, str | None, SqliteDatabase | PostgresDatabase | None]] = []
    if args.only != "postgres":
        plans.append(("SQLite", args.sqlite_url, None if args.sqlite_url else SqliteDatabase()))
    if args.only != "sqlite":
        plans.append(("PostgreSQL", args.pg_url, None if args.pg_url else PostgresDatabase()))
    for label, url, fresh in plans:
        try:
            if fresh is not None:
                fresh.create()
                manage(fresh.url, "migrate", "--noinput", "-v0")
                manage(fresh.url, "import_regions", "33.19")
                manage(fresh.url, "generate_population", "--residents", str(args.residents))
                url = fresh.url
            assert url is not None
            r = measure(url, args.count, args.seed)
            print(
                f"{label:<11} {r['residents']:,} residents, {r['lookups']:,} look-ups by NIK "
                f"({r['queries_per_lookup']} queries each, {r['mean_members']:.1f} members "
                f"on average): median {r['median_ms']:.3f} ms, p95 {r['p95_ms']:.3f} ms, "
                f"p99 {r['p99_ms']:.3f} ms"
            )
        finally:
            if fresh is not None:
                fresh.drop()


if __name__ == "__main__":
    main()
