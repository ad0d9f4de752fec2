"""Times `generate_population` into a fresh SQLite file and a fresh PostgreSQL database.

    .venv/bin/python bench/population.py                  # 850,000 residents, both databases
    .venv/bin/python bench/population.py 100000 --only sqlite
    BENCH_RESIDENTS=200000 .venv/bin/python bench/population.py --keep

Each database is migrated and given the regions first (timed apart), then the generator runs
in its own child process; the figures are that child's wall time and peak RSS. PostgreSQL
comes from DATABASE_URL (server part) or postgres://paksemmok:paksemmok@127.0.0.1:5432/; the
database is created and dropped by this script unless --keep is given (then its URL is
printed, for bench/lookup.py --reuse).
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _databases import PostgresDatabase, SqliteDatabase, manage


def bench(db: SqliteDatabase | PostgresDatabase, residents: int, seed: int) -> dict[str, float]:
    db.create()
    prep = manage(db.url, "migrate", "--noinput", "-v0")
    regions = manage(db.url, "import_regions", "33.19")
    run = manage(db.url, "generate_population", "--residents", str(residents), "--seed", str(seed))
    size = db.size_mb()
    print(
        f"{db.label:<11} migrate {prep.seconds:5.1f} s, regions {regions.seconds:4.1f} s | "
        f"generate {residents:,}: {run.seconds:6.1f} s wall, peak {run.peak_mb:6.0f} MB, "
        f"database {size:,.0f} MB"
    )
    print(f"            {run.output.splitlines()[-1]}")
    return {"seconds": run.seconds, "peak_mb": run.peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "residents", nargs="?", type=int, default=int(os.environ.get("BENCH_RESIDENTS", "850000"))
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--keep", action="store_true", help="keep the databases, print URLs")
    args = parser.parse_args()
    targets: list[SqliteDatabase | PostgresDatabase] = []
    if args.only != "postgres":
        targets.append(SqliteDatabase())
    if args.only != "sqlite":
        targets.append(PostgresDatabase())
    print(
        f"generate_population --residents {args.residents:,} --seed {args.seed} "
        f"({os.cpu_count()} CPUs)"
    )
    for db in targets:
        try:
            bench(db, args.residents, args.seed)
        finally:
            if args.keep:
                print(f"            kept: DATABASE_URL={db.url}")
            else:
                db.drop()


if __name__ == "__main__":
    main()
