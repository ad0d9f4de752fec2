"""Benchmark: the back-office queue page and review page with 10,000 and with 1,000,000
applications in PostgreSQL (generated with SQL, spread over three years), each in a fresh
database that is dropped afterwards.

    .venv/bin/python bench/staff_queue.py                       # 10,000 and 1,000,000
    .venv/bin/python bench/staff_queue.py --sizes 10000 100000 --requests 50

Most applications are history (approved, rejected, completed); a share of them (10% by
default, `--open-share`) are open, awaiting a decision: a backlog, the case the queue must
survive (keyset pages over a partial index of the open applications, capped counts).
Server time is measured in process (Django test client, DEBUG off, persistent
connection) for an operator handling every service: the queue page and the review page of
the open application with the oldest deadline. Reports median and p95 and the ratio between
sizes. Aim (issue 14): p95 at the large size <= 1.2x the small one, p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from _databases import PYTHON, ROOT, PostgresDatabase, manage

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paksemmok.settings")

OPEN_SHARE = 0.1

GENERATE = """
WITH v AS (SELECT id, service_id, row_number() OVER (ORDER BY id) - 1 AS i FROM catalog_variant),
     nv AS (SELECT count(*) AS n FROM catalog_variant)
INSERT INTO applications_application
  (reference, variant_id, service_id, applicant_id, filed_by_id, family_id, subject_key,
   status, data, deficiencies, round, created_at, updated_at, submitted_at, deadline_at,
   decided_at)
SELECT 'PS-B-' || lpad(g::text, 8, '0'), v.id, v.service_id, %(user)s, %(user)s,
       %(family)s, 'bench-' || g,
       CASE WHEN g <= %(open)s THEN (CASE WHEN g %% 2 = 0 THEN 'submitted' ELSE 'in_review' END)
            WHEN g %% 10 = 0 THEN 'rejected' WHEN g %% 3 = 0 THEN 'completed'
            ELSE 'approved' END,
       '{"reason": "bench"}'::jsonb, '[]'::jsonb, 1,
       t, t, t,
       CASE WHEN g <= %(open)s THEN now() - interval '2 hours' + (g * interval '1 minute')
            ELSE t + interval '24 hours' END,
       CASE WHEN g <= %(open)s THEN NULL ELSE t + interval '5 hours' END
FROM generate_series(1, %(count)s) AS g
CROSS JOIN nv
JOIN v ON v.i = g %% nv.n
CROSS JOIN LATERAL (SELECT now() - (random() * interval '1095 days') AS t) AS ts
"""


def setup_database(db: PostgresDatabase, count: int, share: float) -> None:
    manage(db.url, "migrate", "--noinput")
    manage(db.url, "import_regions", "33.19")
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" * 10,
        "ALLOWED_HOSTS": "testserver",
    }
    subprocess.run(
        [PYTHON, __file__, "--populate", str(count), "--open-share", str(share)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def populate(count: int, share: float) -> None:
    import django

    django.setup()
    from django.db import connection

    from paksemmok.accounts.models import User
    from tests.factories import FamilyFactory, ResidentFactory

    family = FamilyFactory()
    head = ResidentFactory(family=family, relationship="kepala", full_name="Kepala Bench")
    family.head = head
    family.save()
    for i in range(4):
        ResidentFactory(family=family, full_name=f"Anggota Bench {i}")
    applicant = User.objects.create_user(
        username=head.nik, password=None, role="resident", resident=head
    )
    User.objects.create_user(
        username="bench-operator",
        password=None,
        role="operator",
        services=["kk", "ektp", "akta_lahir", "akta_mati", "kia"],
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE,
            {"user": applicant.pk, "family": family.pk, "open": int(count * share), "count": count},
        )
        cursor.execute("ANALYZE")
    print(
        f"  generated {count:,} applications in {time.perf_counter() - started:.1f} s", flush=True
    )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(requests: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from paksemmok.accounts.models import User
    from paksemmok.backoffice.services import queue_for

    # No collectstatic in a throw-away run: plain static storage instead of the manifest.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    operator = User.objects.get(username="bench-operator")
    client = Client()
    client.force_login(operator)
    oldest = queue_for(operator).first()
    pages = {"queue": "/staf/antrean/", "review": f"/staf/antrean/{oldest.reference}/"}
    result = {}
    from django.db import connection

    for name, url in pages.items():
        for _ in range(5):  # warm-up
            assert client.get(url).status_code == 200
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        result[name] = {
            "median": statistics.median(times),
            "p95": pct(times, 0.95),
            "queries": len(queries),
        }
    print("RESULT " + json.dumps(result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--open-share", type=float, default=OPEN_SHARE)
    parser.add_argument("--populate", type=int)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args()
    if args.populate:
        return populate(args.populate, args.open_share)
    if args.measure:
        return measure(args.requests)

    results = {}
    for size in args.sizes:
        db = PostgresDatabase()
        db.create()
        try:
            print(f"{size:,} applications ({int(size * args.open_share):,} open):", flush=True)
            setup_database(db, size, args.open_share)
            env = {
                **os.environ,
                "DATABASE_URL": db.url,
                "DEBUG": "0",
                "SECRET_KEY": "bench-" * 10,
                "ALLOWED_HOSTS": "testserver",
                "SECURE_SSL_REDIRECT": "0",
                "SECURE_COOKIES": "0",
            }
            proc = subprocess.run(
                [PYTHON, __file__, "--measure", "--requests", str(args.requests)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if proc.returncode:
                raise SystemExit(proc.stdout + proc.stderr)
            out = proc.stdout
            line = next(x for x in out.splitlines() if x.startswith("RESULT "))
            results[size] = json.loads(line.removeprefix("RESULT "))
            for page, r in results[size].items():
                print(
                    f"  {page:<7} median {r['median']:6.1f} ms  p95 {r['p95']:6.1f} ms  "
                    f"({r['queries']} queries)  db {db.size_mb():.0f} MB",
                    flush=True,
                )
        finally:
            db.drop()
    if len(results) >= 2:
        small, large = min(results), max(results)
        for page in ("queue", "review"):
            ratio = results[large][page]["p95"] / results[small][page]["p95"]
            print(f"{page}: p95 ratio {large:,} / {small:,} = {ratio:.2f}x")


if __name__ == "__main__":
    main()
