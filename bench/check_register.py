"""Times `manage.py check_register` on an 850,000-resident register on PostgreSQL.

    DATABASE_URL=postgres://user:pass@127.0.0.1:5432/mydb .venv/bin/python bench/check_register.py
    .venv/bin/python bench/check_register.py --residents 200000 --url postgres://...

The database is migrated and given the Kudus regions; an empty register is filled with
`generate_population --residents N --seed 1` (timed apart, a few minutes), a register that
already holds about N residents is reused as it is (so run it twice: the second run only
checks). The figure is the wall time of the `check_register` child; its per-rule times are
printed too. The issue's target is under 60 s, and 0 violations on the generated register.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from _databases import PYTHON, ROOT, manage


def resident_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass('population_resident') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return 0
        return conn.execute("SELECT count(*) FROM population_resident").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--residents", type=int, default=int(os.environ.get("BENCH_RESIDENTS", "850000"))
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    if not args.url.startswith("postgres"):
        # `make bench` runs every script: say why this one has nothing to measure.
        print("skipped: give a PostgreSQL database (--url or DATABASE_URL=postgres://...)")
        return

    manage(args.url, "migrate", "--noinput", "-v0")
    manage(args.url, "import_regions", "33.19")
    have = resident_count(args.url)
    if have == 0:
        run = manage(
            args.url,
            "generate_population",
            "--residents",
            str(args.residents),
            "--seed",
            str(args.seed),
        )
        print(f"generate_population --residents {args.residents:,}: {run.seconds:.1f} s")
    elif have < args.residents * 0.99:
        raise SystemExit(
            f"The register holds {have:,} residents, not about {args.residents:,}: use an "
            "empty database (it is filled once) or pass --residents."
        )
    else:
        print(f"reusing the register: {have:,} residents")

    env = {**os.environ, "DATABASE_URL": args.url, "DEBUG": "1"}
    started = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "manage.py", "check_register", "--limit", "5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    print(proc.stdout.rstrip())
    if proc.stderr.strip():
        print(proc.stderr.rstrip())
    print(
        f"check_register on {have or args.residents:,} residents: {seconds:.1f} s wall "
        f"({os.cpu_count()} CPUs), exit status {proc.returncode}"
    )
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
