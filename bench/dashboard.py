"""Benchmark: the staff dashboard and the public service-standard figures as years of
application history accumulate.

    .venv/bin/python bench/dashboard.py                      # 55,000 and 165,000 on SQLite
    .venv/bin/python bench/dashboard.py --large              # ... and 1,000,000
    .venv/bin/python bench/dashboard.py --db postgres --sizes 55000 165000 1000000
    .venv/bin/python bench/dashboard.py --db both --runs 20 --explain

Flags: --sizes N [N ...] (applications per database; default 55,000 and 165,000),
--large (adds 1,000,000), --db sqlite|postgres|both (default: sqlite, plus postgres when
DATABASE_URL is a postgres:// URL or --postgres is given), --runs (timed runs per figure,
default 10, after --warmup runs, default 2), --residents (register size, default 50,000),
--per-day (applications per day of history, default 150: 55,000 is one year, 165,000 three,
1,000,000 about eighteen), --explain (EXPLAIN ANALYZE of the two slowest queries of the
365-day dashboard; always done for the largest size on PostgreSQL), --keep (keep the
databases and print their URLs).

For each database and size: a fresh database (temp SQLite file, or a new PostgreSQL database
on the server of DATABASE_URL, else postgres://paksemmok:paksemmok@127.0.0.1:5432/), migrate,
the Kudus regions, a generated register, the perekaman places and then `generate_history`
(paksemmok/demo/history_generator.py) up to yesterday; the history step is timed. Then a child
process with DEBUG off times, with Django's test client as a supervisor who passed TOTP:
the dashboard `/staf/dasbor/` for the last 30 and the last 365 days, the public page
`/standar-pelayanan/` (its cache cleared before each run, so the figures are computed, and
cached), and every figure function of figures.py on its own for both periods, so a
regression shows by name. A page that does not exist (404 or an import error) is reported
as missing and its figure functions still run. Reports median and p95 in ms, the queries a
page makes, the load average, and the growth of each median between sizes: figures should
grow with the rows in the period asked for, not with the years of history around it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import time

from _databases import PYTHON, ROOT, PostgresDatabase, SqliteDatabase, manage

DEFAULT_SIZES = [55_000, 165_000]
LARGE = 1_000_000
CHILD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-" * 10,
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
}
SUPERVISOR = "bench-supervisor"


def setup_database(
    db: SqliteDatabase | PostgresDatabase, size: int, args: argparse.Namespace
) -> dict[str, float]:
    db.create()
    manage(db.url, "migrate", "--noinput", "-v0")
    manage(db.url, "import_regions", "33.19")
    manage(db.url, "generate_population", "--residents", str(args.residents), "--seed", "1")
    manage(db.url, "seed_perekaman_places")
    days = -(-size // args.per_day)
    run = manage(
        db.url, "generate_history", "--days", str(days), "--count", str(size), "--seed", "1"
    )
    print(f"  {run.output.splitlines()[-1]}", flush=True)
    return {
        "generate_s": run.seconds,
        "generate_peak_mb": run.peak_mb,
        "days": days,
        "db_mb": db.size_mb(),
    }


# --- the child: measuring inside one Django process ---------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def timed(fn, runs: int, warmup: int, before=None) -> dict[str, float]:
    for _ in range(warmup):
        if before:
            before()
        fn()
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(times), "p95": pct(times, 0.95)}


def supervisor_client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from paksemmok.accounts.models import User

    user, _ = User.objects.get_or_create(
        username=SUPERVISOR, defaults={"role": User.Role.SUPERVISOR}
    )
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    # As the tests do: a session that has passed the second factor.
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def page_status(client, url: str) -> str | None:
    """None when the page answers 200, else why it cannot be timed."""
    try:
        response = client.get(url)
    except Exception as exc:  # a view still being written: time the figures instead
        return f"{type(exc).__name__}: {exc}"[:120]
    return None if response.status_code == 200 else f"HTTP {response.status_code}"


def measure(runs: int, warmup: int, explain: bool) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from paksemmok.reports import figures
    from paksemmok.reports.figures import Period

    # No collectstatic in a throw-away run: plain static storage instead of the manifest.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = supervisor_client()
    result: dict[str, dict] = {}
    missing: dict[str, str] = {}

    def page(name: str, url: str, *, uncached: bool = False) -> None:
        why = page_status(client, url)
        if why:
            missing[name] = why
            return

        def get() -> None:
            assert client.get(url).status_code == 200

        before = cache.clear if uncached else None
        result[name] = timed(get, runs, warmup, before)
        if before:
            before()
        with CaptureQueriesContext(connection) as queries:
            get()
        result[name]["queries"] = len(queries)

    page("dashboard 30 d (page)", "/staf/dasbor/?preset=30")
    page("dashboard 365 d (page)", "/staf/dasbor/?preset=365")
    page("public 30 d (page, uncached)", "/standar-pelayanan/", uncached=True)
    page("public 30 d (page, cached)", "/standar-pelayanan/")

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    public_period = Period.last_days(30, yesterday)
    result["public: standard_by_service"] = timed(
        lambda: figures.standard_by_service(public_period), runs, warmup
    )
    functions = [
        ("applications_per_day", figures.applications_per_day),
        ("applications_by_variant", figures.applications_by_variant),
        ("applications_by_area", figures.applications_by_area),
        ("applications_by_kecamatan", lambda p: figures.applications_by_area(p, level="kecamatan")),
        ("standard", figures.standard),
        ("standard_by_service", figures.standard_by_service),
        ("decisions_per_day", figures.decisions_per_day),
        ("top_reasons", figures.top_reasons),
        ("officer_workload", figures.officer_workload),
        ("perekaman_load", figures.perekaman_load),
    ]
    for days in (30, 365):
        period = Period.last_days(days)
        for name, fn in functions:
            result[f"{days} d: {name}"] = timed(
                lambda fn=fn, period=period: fn(period), runs, warmup
            )
        if "dashboard 30 d (page)" in missing:
            # No page yet: the sum of the figures is the nearest thing to it.
            result[f"{days} d: all figure functions"] = timed(
                lambda period=period: [fn(period) for _n, fn in functions], runs, warmup
            )

    plans = []
    if explain and connection.vendor == "postgresql":
        plans = explain_heaviest(client, "dashboard 365 d (page)" not in missing, functions)
    print(
        "RESULT "
        + json.dumps(
            {"timings": result, "missing": missing, "plans": plans, "load": os.getloadavg()}
        ),
        flush=True,
    )


def explain_heaviest(client, has_page: bool, functions) -> list[dict[str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the two slowest distinct queries of the 365-day
    dashboard (or of the figure functions for 365 days when the page is missing)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from paksemmok.reports.figures import Period

    connection.force_debug_cursor = True
    with CaptureQueriesContext(connection) as queries:
        if has_page:
            client.get("/staf/dasbor/?preset=365")
        else:
            for _n, fn in functions:
                fn(Period.last_days(365))
    seen, out = set(), []
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
        sql = q["sql"]
        shape = sql[:200]
        if shape in seen or not sql.lstrip().upper().startswith("SELECT"):
            continue
        seen.add(shape)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        out.append({"ms": float(q["time"]) * 1000, "sql": sql, "plan": plan})
        if len(out) == 2:
            break
    return out


# --- the parent: databases, sizes, the report ----------------------------------------------


def short(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"


def run_size(db, size: int, args: argparse.Namespace, explain: bool) -> dict:
    try:
        print(f"{db.label}, {size:,} applications:", flush=True)
        setup = setup_database(db, size, args)
        env = {**os.environ, "DATABASE_URL": db.url, **CHILD_ENV}
        cmd = [
            PYTHON,
            __file__,
            "--measure",
            "--runs",
            str(args.runs),
            "--warmup",
            str(args.warmup),
        ] + (["--explain"] if explain else [])
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode:
            raise SystemExit(proc.stdout + proc.stderr)
        line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
        out = {**json.loads(line.removeprefix("RESULT ")), **setup}
        report_size(db.label, size, out)
        return out
    finally:
        if args.keep:
            print(f"  kept: DATABASE_URL={db.url}")
        else:
            db.drop()
            if isinstance(db, SqliteDatabase):
                # The temp folder the file lived in: empty now.
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.dirname(db.path))


def report_size(label: str, size: int, out: dict) -> None:
    load = ", ".join(f"{x:.2f}" for x in out["load"])
    print(
        f"  history: {out['days']:,} days generated in {out['generate_s']:.1f} s "
        f"(peak {out['generate_peak_mb']:.0f} MB); database {out['db_mb']:,.0f} MB; "
        f"load average {load}"
    )
    print(f"  {'':<40} {'median ms':>10} {'p95 ms':>9} {'queries':>8}")
    for name, r in out["timings"].items():
        queries = f"{r['queries']:>8}" if "queries" in r else ""
        print(f"  {name:<40} {r['median']:10.1f} {r['p95']:9.1f} {queries}")
    for name, why in out["missing"].items():
        print(f"  {name:<40} not timed: {why}")
    for plan in out["plans"]:
        print(f"\n  EXPLAIN ANALYZE of a {plan['ms']:.1f} ms query:\n  {plan['sql']}\n")
        print("\n".join("    " + line for line in plan["plan"].splitlines()))
    print(flush=True)


def report_growth(label: str, results: dict[int, dict]) -> None:
    sizes = sorted(results)
    if len(sizes) < 2:
        return
    print(f"{label}: growth of the median between sizes")
    names = [
        n for n in results[sizes[0]]["timings"] if all(n in results[s]["timings"] for s in sizes)
    ]
    for name in names:
        median = {s: results[s]["timings"][name]["median"] for s in sizes}
        steps = ", ".join(
            f"{short(a)}→{short(b)} ×{median[b] / median[a]:.2f}"
            for a, b in itertools.pairwise(sizes)
        )
        print(f"  {name:<40} {steps}")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--large", action="store_true", help="add 1,000,000 applications")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default=None)
    parser.add_argument("--postgres", action="store_true", help="same as --db both")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--per-day", type=int, default=150)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")
        return measure(args.runs, args.warmup, args.explain)

    sizes = sorted(set(args.sizes or DEFAULT_SIZES) | ({LARGE} if args.large else set()))
    on_pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    kinds = {
        "sqlite": ["sqlite"],
        "postgres": ["postgres"],
        "both": ["sqlite", "postgres"],
        None: ["sqlite", "postgres"] if (on_pg or args.postgres) else ["sqlite"],
    }["both" if args.postgres and not args.db else args.db]
    print(
        f"dashboard figures over {', '.join(f'{s:,}' for s in sizes)} applications "
        f"({os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})",
        flush=True,
    )
    for kind in kinds:
        results = {}
        for size in sizes:
            db = SqliteDatabase() if kind == "sqlite" else PostgresDatabase()
            explain = args.explain or (kind == "postgres" and size == sizes[-1])
            results[size] = run_size(db, size, args, explain)
        report_growth("SQLite" if kind == "sqlite" else "PostgreSQL", results)


if __name__ == "__main__":
    main()
