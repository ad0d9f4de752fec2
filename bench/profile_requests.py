"""Where a request's time goes, in process: wall time per request, SQL queries (count and
time) and, with --profile, the functions that cost most (cProfile), for the pages
bench/compare.py measures over HTTP.

    DATABASE_URL=postgres://.../h14 .venv/bin/python bench/profile_requests.py
    .venv/bin/python bench/profile_requests.py --only queue lookup --profile --count 50

Runs against an existing, seeded database (compare.py's) with DEBUG off, the database cache
as in compare.py, and the Django test client (no HTTP, no gunicorn). It creates (once) the
accounts compare.py uses and leaves the rows it writes (audit entries of the look-ups,
sessions).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _databases import ROOT

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CACHE_URL", "db")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--only", nargs="+")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats order: tottime...")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL once")
    parser.add_argument(
        "--split", action="store_true", help="median time in templates and in SQL per request"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from _submission import bench_operator
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from paksemmok.accounts.models import User
    from paksemmok.population.models import Resident

    call_command("createcachetable", verbosity=0)
    operator = bench_operator()
    resident_user = (
        User.objects.filter(role="resident", resident__family__isnull=False)
        .select_related("resident")
        .order_by("-id")
        .first()
    )
    niks = list(
        Resident.objects.filter(family__isnull=False, life_status="hidup")
        .order_by("id")
        .values_list("nik", flat=True)[:: max(1, 850_000 // 200)][:200]
    )
    if not niks:
        niks = list(Resident.objects.values_list("nik", flat=True)[:50])

    anonymous = Client()
    staff = Client()
    staff.force_login(operator)
    resident = Client()
    if resident_user is not None:
        resident.force_login(resident_user)

    counter = iter(range(10**9))

    def lookup() -> int:
        nik = niks[next(counter) % len(niks)]
        r = staff.post(
            "/staf/antrean/cari-penduduk/", {"query": nik, "purpose": "Bench", "kecamatan": ""}
        )
        return r.status_code

    cases: dict[str, Callable[[], int]] = {
        "catalogue": lambda: anonymous.get("/layanan/").status_code,
        "home": lambda: anonymous.get("/").status_code,
        "profile": lambda: resident.get("/akun/profil/").status_code,
        "lookup": lookup,
        "queue": lambda: staff.get("/staf/antrean/").status_code,
    }
    spent = {"template": 0.0, "sql": 0.0}
    if args.split:
        _time_templates_and_sql(spent, connection)
    for name, call in cases.items():
        if args.only and name not in args.only:
            continue
        for _ in range(5):
            status = call()
        with CaptureQueriesContext(connection) as ctx:
            status = call()
        queries = ctx.captured_queries
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        times, cpu, in_templates, in_sql = [], [], [], []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.count):
            started, cpu_started = time.perf_counter(), time.process_time()
            spent.update(template=0.0, sql=0.0)
            if profiler:
                profiler.enable()
            call()
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            in_templates.append(spent["template"] * 1000)
            in_sql.append(spent["sql"] * 1000)
        print(
            f"{name:<10} status {status}  median {statistics.median(times):6.2f} ms  "
            f"min {min(times):6.2f} ms  CPU here (median) {statistics.median(cpu):6.2f} ms  "
            f"{len(queries)} queries ({sql_ms:.1f} ms of SQL)",
            flush=True,
        )
        if args.split:
            print(
                f"{'':<10} of which templates {statistics.median(in_templates):6.2f} ms, "
                f"SQL {statistics.median(in_sql):6.2f} ms (medians)"
            )
        if args.queries:
            for q in queries:
                print(f"    {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
            stats.print_stats(args.top)
            if os.environ.get("CALLERS"):
                stats.print_callers(os.environ["CALLERS"])
            print(out.getvalue())


def _time_templates_and_sql(spent: dict[str, float], connection) -> None:
    """Add each request's time in the template engine and in SQL to `spent` (the outermost
    render only: included templates are inside it)."""
    from django.template.backends.django import Template

    render = Template.render
    depth = [0]

    def timed_render(self, *args, **kwargs):
        depth[0] += 1
        started = time.perf_counter()
        try:
            return render(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent["template"] += time.perf_counter() - started

    Template.render = timed_render

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    connection.execute_wrappers.append(timed_sql)


if __name__ == "__main__":
    main()
