"""Side by side with bare Django: this project's requests against the least each kind needs.

    make bench-compare                               # 850,000 residents, 1,000,000 applications
    .venv/bin/python bench/compare.py --quick        # 20,000 / 20,000: minutes, for trying
    .venv/bin/python bench/compare.py --database-url postgres://.../mydb   # seeded once, kept
    .venv/bin/python bench/compare.py --database-url ... --only list upload --rounds 2 --port 8140

Both apps run under gunicorn (2 sync workers each) on 127.0.0.1 against the same PostgreSQL
database: the project's, seeded with `generate_population` and `generate_history
--open-share 0.1` (a backlog: 10% of the applications open), and the bare reference app
(bench/bare/) reading the same tables through unmanaged models, so both see the same rows.
Closed-loop clients (separate processes, 8 by default) send one request after another for a
bounded time (--seconds) and count (--max-requests); each pair of requests runs
alternately, bare first then project first, for --rounds rounds. The ratio is the project's
requests per second over the bare app's (median over rounds), printed against the goals of
issue 14. The staff queue is also measured on a small database (10,000 applications) for
the growth of its p95, and the register searches and PDF signing in process.

Pairs (bare | project):
  static page   /hello/                    | /layanan/ and / (anonymous)
  look-up       /person/<nik>/ with family | /akun/profil/ (resident) and the staff look-up
                                             (POST /staf/antrean/cari-penduduk/, audited)
  50-row list   /list/ (open, by deadline) | /staf/antrean/ (operator for every service)
  upload        /upload/ of 4 images       | a whole submission with 4 images: draft,
                (decode, re-encode, store)   answers, 4 uploads, submit (7 requests)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _databases import PYTHON, ROOT, PostgresDatabase, manage
from _submission import child, submit

SIZES = {"full": (850_000, 1_000_000), "quick": (20_000, 20_000)}
SMALL_QUEUE = (20_000, 10_000)
OPEN_SHARE = 0.1
GOALS = {
    "static": 0.5,
    "lookup": 0.5,
    "list": 0.4,
    "upload": 0.5,
}


def project_env(url: str, media: str, cache_url: str = "db") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PRIVATE_MEDIA_ROOT": media,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # Production's shared cache (settings.CACHE_URL): Redis (deploy/paksemmok.env.example)
        # when redis-server is installed, else the database cache.
        "CACHE_URL": cache_url,
        "DJANGO_SETTINGS_MODULE": "paksemmok.settings",
    }


# --- seeding ---------------------------------------------------------------------------------


def seeded(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM applications_application").fetchone()
            return row[0] if row else 0
    except psycopg.Error:
        return 0


def seed(url: str, residents: int, applications: int) -> None:
    started = time.perf_counter()
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "import_regions", "33.19")
    run = manage(url, "generate_population", "--residents", str(residents), "--seed", "1")
    print(f"  {residents:,} residents in {run.seconds:.0f} s", flush=True)
    run = manage(
        url,
        "generate_history",
        "--count",
        str(applications),
        "--days",
        "365",
        "--open-share",
        str(OPEN_SHARE),
        "--no-bookings",
    )
    print(f"  {applications:,} applications in {run.seconds:.0f} s", flush=True)
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)


def child_setup(clients: int) -> None:
    """Accounts and sessions for the clients, printed as JSON (runs inside Django)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from _submission import bench_operator, make_families
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from paksemmok.accounts.models import User
    from paksemmok.population.models import Resident

    def session(user: User) -> str:
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        return s.session_key

    operator = bench_operator()
    alive = Resident.objects.filter(life_status="hidup", family__isnull=False, account__isnull=True)
    top = alive.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(7)
    picks: list[Resident] = []
    while len(picks) < 200 and top:
        r = alive.filter(id__gte=rng.randrange(top)).order_by("id").first()
        if r is not None and r not in picks:
            picks.append(r)
    residents = []
    for r in picks[:clients]:
        user = User.objects.create_user(username=r.nik, password=None, role="resident", resident=r)
        residents.append(session(user))
    submitters = [session(u) for u in make_families(clients)]
    print(
        "SETUP "
        + json.dumps(
            {
                "operator": session(operator),
                "residents": residents,
                "submitters": submitters,
                "niks": [r.nik for r in picks],
            }
        )
    )


def child_search() -> None:
    """The register searches in process: exact NIK, exact No. KK, name within a kecamatan."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from paksemmok.population.models import Resident
    from paksemmok.population.queries import search_register

    rng = random.Random(11)
    top = Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample = []
    while len(sample) < 40 and top:
        r = (
            Resident.objects.select_related("family", "village__parent")
            .filter(id__gte=rng.randrange(top), family__isnull=False)
            .order_by("id")
            .first()
        )
        if r is not None:
            sample.append(r)
    out = {}
    cases = {
        "nik": [(r.nik, "") for r in sample],
        "kk": [(r.family.kk_number, "") for r in sample],
        "name+kecamatan": [
            (r.full_name.split()[0][:5], r.village.parent.code)
            for r in sample
            if len(r.full_name.split()[0]) >= 3
        ],
    }
    for kind, queries in cases.items():
        for q, k in queries[:3]:
            search_register(q, kecamatan=k)  # warm-up
        times = []
        for q, k in queries:
            started = time.perf_counter()
            search_register(q, kecamatan=k)
            times.append((time.perf_counter() - started) * 1000)
        out[kind] = {"median": statistics.median(times), "p95": pct(times, 0.95)}
    print("SEARCH " + json.dumps(out))


# --- load ------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0


def free_port(first: int) -> int:
    """The first free port from `first` on (BENCH_PORT: a shared machine gives each user a
    range of ports)."""
    for port in range(first, first + 10):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {first}-{first + 9}")


def start_redis(first_port: int) -> tuple[subprocess.Popen | None, str]:
    """A private redis-server (no persistence) as production's shared cache and session
    store, or (None, "db") for the database cache when Debian's redis-server is missing."""
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        print("  redis-server not installed: the database cache instead", flush=True)
        return None, "db"
    port = free_port(first_port)
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/1"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.05)
    proc.terminate()
    raise SystemExit("redis-server did not start")


def start_gunicorn(
    module: str, env: dict, chdir: Path, first_port: int
) -> tuple[subprocess.Popen, str]:
    import requests

    port = free_port(first_port)
    proc = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            module,
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(chdir),
        ],
        cwd=chdir,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/", timeout=5)
            return proc, base
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"{module} did not start")


_PHOTOS: list[bytes] = []


def _photos() -> list[bytes]:
    if not _PHOTOS:
        from _submission import document_photo

        _PHOTOS.extend(document_photo(i) for i in range(4))
    return _PHOTOS


def _client(job: dict) -> dict:
    """One closed-loop client: one request (or submission) after another until the time or
    the count runs out."""
    import requests

    kind, base, setup, index = job["kind"], job["base"], job["setup"], job["index"]
    rng = random.Random(index)
    http = requests.Session()
    token = "c" * 32  # an unmasked CSRF secret, sent as cookie and header
    if kind in ("project_profile",):
        http.cookies.set("sessionid", setup["residents"][index % len(setup["residents"])])
    elif kind in ("project_queue", "project_lookup"):
        http.cookies.set("sessionid", setup["operator"])
    elif kind == "project_submission":
        http.cookies.set("sessionid", setup["submitters"][index % len(setup["submitters"])])
    http.cookies.set("csrftoken", token)
    http.headers["X-CSRFToken"] = token
    photos = _photos() if kind in ("bare_upload", "project_submission") else []
    latencies, errors, n = [], 0, 0
    failures: dict[str, int] = {}
    start = time.perf_counter()
    deadline = start + job["seconds"]
    while time.perf_counter() < deadline and n < job["max"]:
        t0 = time.perf_counter()
        # Each client has a family of its own; its sequence numbers never repeat in a run.
        failed = _one(http, kind, base, setup, rng, photos, job["first"] + n)
        latencies.append((time.perf_counter() - t0) * 1000)
        n += 1
        if failed:
            errors += 1
            failures[failed] = failures.get(failed, 0) + 1
    return {
        "latencies": latencies,
        "errors": errors,
        "failures": failures,
        "start": start,
        "end": time.perf_counter(),
    }


def _one(http, kind, base, setup, rng, photos, seq) -> str:
    """One request (or submission): "" when it did what it should, else what failed."""
    if kind == "project_submission":
        return submit(http, base, photos, child(seq))
    return "" if _request(http, kind, base, setup, rng, photos) else "unexpected answer"


def _request(http, kind, base, setup, rng, photos) -> bool:
    if kind == "bare_hello":
        return http.get(base + "/hello/").status_code == 200
    if kind == "project_catalogue":
        return http.get(base + "/layanan/").status_code == 200
    if kind == "project_home":
        return http.get(base + "/").status_code == 200
    if kind == "bare_person":
        return http.get(f"{base}/person/{rng.choice(setup['niks'])}/").status_code == 200
    if kind == "project_profile":
        return http.get(base + "/akun/profil/").status_code == 200
    if kind == "project_lookup":
        r = http.post(
            base + "/staf/antrean/cari-penduduk/",
            data={"query": rng.choice(setup["niks"]), "purpose": "Bench", "kecamatan": ""},
        )
        return r.status_code == 200 and "lookup-resident" in r.text
    if kind == "bare_list":
        return http.get(base + "/list/").status_code == 200
    if kind == "project_queue":
        return http.get(base + "/staf/antrean/").status_code == 200
    if kind == "bare_upload":
        files = {f"f{i}": (f"f{i}.jpg", data, "image/jpeg") for i, data in enumerate(photos)}
        return http.post(base + "/upload/", files=files).status_code == 200
    raise ValueError(kind)


# Submissions' sequence numbers handed out so far in this run (see _submission.child).
_SEQUENCE = [0]


def drive(kind: str, base: str, setup: dict, clients: int, seconds: float, limit: int) -> dict:
    first = _SEQUENCE[0]
    if kind == "project_submission":
        _SEQUENCE[0] += max(1, limit // clients)
    jobs = [
        {
            "kind": kind,
            "base": base,
            "setup": setup,
            "index": i,
            "seconds": seconds,
            "max": max(1, limit // clients),
            "first": first,
        }
        for i in range(clients)
    ]
    with multiprocessing.Pool(clients) as pool:
        results = pool.map(_client, jobs)
    latencies = [x for r in results for x in r["latencies"]]
    elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
    failures: dict[str, int] = {}
    for r in results:
        for what, k in r["failures"].items():
            failures[what] = failures.get(what, 0) + k
    return {
        "rate": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p95": pct(latencies, 0.95),
        "n": len(latencies),
        "errors": sum(r["errors"] for r in results),
        "failures": failures,
    }


PAIRS = [
    ("static", "hello vs /layanan/", "bare_hello", "project_catalogue"),
    ("static", "hello vs home /", "bare_hello", "project_home"),
    ("lookup", "person by NIK vs profile", "bare_person", "project_profile"),
    ("lookup", "person by NIK vs staff look-up", "bare_person", "project_lookup"),
    ("list", "50-row list vs staff queue", "bare_list", "project_queue"),
    ("upload", "4-image upload vs submission", "bare_upload", "project_submission"),
]


def measure_pairs(
    pairs: list, bare: str, project: str, setup: dict, args: argparse.Namespace
) -> dict:
    results: dict[str, dict[str, list]] = {p[1]: {"bare": [], "project": []} for p in pairs}
    for rnd in range(args.rounds):
        for _group, label, bare_kind, project_kind in pairs:
            order = [("bare", bare_kind, bare), ("project", project_kind, project)]
            if rnd % 2:
                order.reverse()
            for side, kind, base in order:
                drive(kind, base, setup, min(args.clients, 2), 1.0, 4)  # warm-up
                r = drive(kind, base, setup, args.clients, args.seconds, args.max_requests)
                results[label][side].append(r)
                print(
                    f"  round {rnd + 1} {label:<32} {side:<7} {r['rate']:8.1f}/s  "
                    f"p95 {r['p95']:7.1f} ms  n={r['n']}  errors={r['errors']}"
                    + (f" {r['failures']}" if r["failures"] else ""),
                    flush=True,
                )
    return results


def summary(runs: list[dict]) -> dict:
    return {
        "rate": statistics.median(r["rate"] for r in runs),
        "p95": statistics.median(r["p95"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def run_on(url: str, args: argparse.Namespace, pairs: list) -> dict:
    media = tempfile.mkdtemp(prefix="paksemmok-compare-media-")
    uploads = tempfile.mkdtemp(prefix="paksemmok-compare-bare-")
    cache, cache_url = start_redis(args.port + 5) if args.cache == "redis" else (None, "db")
    env = project_env(url, media, cache_url)
    out = subprocess.run(
        [PYTHON, __file__, "--child-setup", str(args.clients)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stdout + out.stderr)
    setup = json.loads(out.stdout.split("SETUP ", 1)[1])
    # As production: the database cache's table, hashed static names (manifest storage).
    commands = [["createcachetable"]]
    if not (ROOT / "var" / "static" / "staticfiles.json").exists():
        commands.append(["collectstatic", "--noinput", "-v0"])
    for command in commands:
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    bare_env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bare.settings",
        "BARE_UPLOAD_ROOT": uploads,
        "PYTHONPATH": str(ROOT / "bench"),
    }
    first_port = args.port
    project, project_base = start_gunicorn("paksemmok.wsgi", env, ROOT, first_port)
    bare, bare_base = start_gunicorn("bare.wsgi", bare_env, ROOT / "bench", first_port + 1)
    try:
        return measure_pairs(pairs, bare_base, project_base, setup, args)
    finally:
        for proc in (project, bare, cache):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=20)
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(uploads, ignore_errors=True)


def in_process_search(url: str) -> dict:
    env = project_env(url, tempfile.gettempdir())
    out = subprocess.run(
        [PYTHON, __file__, "--child-search"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(out.stdout + out.stderr)
    return json.loads(out.stdout.split("SEARCH ", 1)[1])


def pdf_rate() -> float | None:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "issue.py"), "--count", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    rates = []
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[0] in ("kk", "akta_kelahiran", "akta_kematian"):
            rates.append(float(parts[-2]))
    return statistics.mean(rates) if rates else None


def with_database(url: str | None, residents: int, applications: int):
    """(url, drop) for a seeded database: the given one (seeded if empty, kept) or a fresh one
    (dropped at the end)."""
    if url:
        if seeded(url) < applications // 2:
            print(f"seeding {url.rsplit('/', 1)[-1]} (kept):", flush=True)
            seed(url, residents, applications)
        return url, lambda: None
    db = PostgresDatabase()
    db.create()
    print(f"seeding {db.name} (dropped at the end):", flush=True)
    seed(db.url, residents, applications)
    return db.url, db.drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 residents and applications")
    parser.add_argument("--database-url", help="a PostgreSQL database to seed once and keep")
    parser.add_argument("--small-database-url", help="the same for the 10,000-application run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="per side, round and pair")
    parser.add_argument("--max-requests", type=int, default=2000, help="per side and round")
    parser.add_argument("--no-small", action="store_true", help="skip the 10,000 queue run")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(GOALS), help="only these pairs (static, list, ...)"
    )
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF figure")
    parser.add_argument(
        "--cache",
        choices=("redis", "db"),
        default="redis" if shutil.which("redis-server") else "db",
        help="the project's shared cache: a private redis-server (as production) or the "
        "database cache",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "8150")),
        help="first of the ports to try (each server takes the first free one from here, "
        "within 10): give each user of a shared machine a range of their own",
    )
    parser.add_argument("--child-setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-search", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_setup:
        return child_setup(args.child_setup)
    if args.child_search:
        return child_search()

    residents, applications = SIZES["quick" if args.quick else "full"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"bench/compare.py {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()}: "
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, load average {load}",
        flush=True,
    )
    print(
        f"{residents:,} residents, {applications:,} applications ({OPEN_SHARE:.0%} open); "
        f"{args.clients} clients, {args.rounds} rounds of {args.seconds:g} s per side; "
        f"shared cache and sessions: {args.cache}",
        flush=True,
    )
    url, drop = with_database(args.database_url, residents, applications)
    try:
        pairs = [p for p in PAIRS if not args.only or p[0] in args.only]
        results = run_on(url, args, pairs)
        search = in_process_search(url)
    finally:
        drop()
    small = None
    if not args.no_small:
        s_url, s_drop = with_database(args.small_database_url, *SMALL_QUEUE)
        try:
            small_args = argparse.Namespace(**{**vars(args), "rounds": max(1, args.rounds - 1)})
            small = run_on(s_url, small_args, [p for p in PAIRS if p[0] == "list"])
        finally:
            s_drop()
    pdf = None if args.no_pdf else pdf_rate()
    report(results, small, search, pdf, applications)


def report(results, small, search, pdf, applications) -> None:
    print()
    print("| request | bare req/s | project req/s | project p95 ms | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|")
    for group, label, _b, _p in PAIRS:
        if label not in results:
            continue
        bare, project = summary(results[label]["bare"]), summary(results[label]["project"])
        # The median of each round's ratio: a round's pair ran back to back, under the same
        # load, which drifts between rounds on a shared machine.
        ratio = statistics.median(
            p["rate"] / b["rate"] if b["rate"] else 0.0
            for p, b in zip(results[label]["project"], results[label]["bare"], strict=True)
        )
        goal = GOALS[group]
        met = ratio >= goal
        if group == "list":
            met = met and project["p95"] < 100
        errors = f" ({project['errors']} errors)" if project["errors"] else ""
        print(
            f"| {label} | {bare['rate']:.1f} | {project['rate']:.1f}{errors} | "
            f"{project['p95']:.0f} | {ratio:.2f} | >= {goal}"
            f"{' and p95 < 100 ms' if group == 'list' else ''} | {'yes' if met else 'NO'} |"
        )
    label = "50-row list vs staff queue"
    if small is not None and label in results:
        large_p95 = summary(results[label]["project"])["p95"]
        small_p95 = summary(small[label]["project"])["p95"]
        growth = large_p95 / small_p95 if small_p95 else 0.0
        print(
            f"| queue p95 at {applications:,} / at {SMALL_QUEUE[1]:,} | | | "
            f"{large_p95:.0f} / {small_p95:.0f} | {growth:.2f}x | <= 1.2x | "
            f"{'yes' if growth <= 1.2 else 'NO'} |"
        )
    limits = {"nik": 20, "kk": 20, "name+kecamatan": 100}
    for kind, r in search.items():
        print(
            f"| register search by {kind} (in process) | | | {r['p95']:.1f} "
            f"(median {r['median']:.1f}) | | < {limits[kind]} ms | "
            f"{'yes' if r['p95'] < limits[kind] else 'NO'} |"
        )
    if pdf is not None:
        print(
            f"| issued PDF render + sign (bench/issue.py, one process) | | {pdf:.1f} docs/s | "
            f"| | >= 10 docs/s per core | {'yes' if pdf >= 10 else 'NO'} |"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load}")


if __name__ == "__main__":
    main()
