"""Benchmark: accepting an application with four ~400 KB photos (sniff, verify, re-encode,
store, commit), in a throw-away database and a throw-away private-files folder.

    .venv/bin/python bench/submit.py                 # SQLite in a temp dir
    .venv/bin/python bench/submit.py --pg            # a fresh PostgreSQL database (dropped)
    .venv/bin/python bench/submit.py --count 200 --http-count 100 --clients 4

Part 1 (in process, DEBUG off): for each of --count akta kelahiran applications, the server
time from the first upload to the committed submission: four `attach_document` calls and
`submit_application` (checks, state change, audit, outbox row). Median and p95.

Part 2 (HTTP): gunicorn with two sync workers on 127.0.0.1; --clients threads each act as
one resident and run the whole flow per application (start draft, save answers, four
uploads, submit: seven requests). Reports completed submissions per second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from _databases import PYTHON, ROOT, PostgresDatabase, SqliteDatabase, manage
from _submission import DOCS, child, document_photo, make_families, submit


def env_for(url: str, media: str) -> dict[str, str]:
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
        "DJANGO_SETTINGS_MODULE": "paksemmok.settings",
    }


# --- child: in-process timing and HTTP set-up --------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_inprocess(count: int) -> None:
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from paksemmok.applications import services
    from paksemmok.catalog.models import Requirement, Variant

    variant = Variant.objects.get(code="akta-kelahiran")
    requirements = [Requirement.objects.get(variant=variant, code=c) for c in DOCS]
    photos = [document_photo(i) for i in range(4)]
    print(f"photo sizes KB: {[len(p) // 1024 for p in photos]}", flush=True)
    (user,) = make_families(1)
    timings = []
    for i in range(count + 5):
        app = services.create_draft(applicant=user, variant=variant)
        services.save_draft(app, data=child(i, timezone.localdate()), actor=user)
        started = time.perf_counter()
        for req, data in zip(requirements, photos, strict=True):
            services.attach_document(app, req, SimpleUploadedFile("f.jpg", data), actor=user)
        services.submit_application(app, actor=user)
        if i >= 5:  # warm-up
            timings.append(time.perf_counter() - started)
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95) - 1] * 1000
    print(f"RESULT inprocess n={len(timings)} median_ms={median:.1f} p95_ms={p95:.1f}")


def child_http_setup(clients: int) -> None:
    """Creates one resident per client and prints their session keys."""
    setup_django()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in make_families(clients):
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        keys.append(s.session_key)
    print("SESSIONS " + ",".join(keys))


# --- parent -------------------------------------------------------------------------------


def run_child(env: dict, *args: str) -> str:
    proc = subprocess.run(
        [PYTHON, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode:
        raise SystemExit(proc.stdout + proc.stderr)
    return proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_benchmark(env: dict, clients: int, total: int) -> float:
    import requests

    out = run_child(env, "--child-http-setup", str(clients))
    sessions = out.split("SESSIONS ", 1)[1].strip().split(",")
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "paksemmok.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/layanan/", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        photos = [document_photo(i) for i in range(4)]
        counter = iter(range(total))
        lock = threading.Lock()
        done: list[int] = []
        errors: list[str] = []

        def work(session_key: str) -> None:
            token = "b" * 32  # an unmasked CSRF secret, sent as cookie and header
            http = requests.Session()
            http.cookies.set("sessionid", session_key)
            http.cookies.set("csrftoken", token)
            http.headers["X-CSRFToken"] = token
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                failed = submit(http, base, photos, child(n))
                if failed:
                    errors.append(failed)
                else:
                    with lock:
                        done.append(n)

        threads = [threading.Thread(target=work, args=(k,)) for k in sessions]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        if errors:
            print(f"  HTTP errors: {errors[:5]} ({len(errors)} in all)")
        rate = len(done) / elapsed
        print(
            f"RESULT http submissions={len(done)} seconds={elapsed:.1f} "
            f"per_second={rate:.2f} clients={clients} workers=2"
        )
        return rate
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--http-count", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--child-inprocess", type=int)
    parser.add_argument("--child-http-setup", type=int)
    args = parser.parse_args()
    if args.child_inprocess:
        return child_inprocess(args.child_inprocess)
    if args.child_http_setup:
        return child_http_setup(args.child_http_setup)

    db = PostgresDatabase() if args.pg else SqliteDatabase()
    media = tempfile.mkdtemp(prefix="paksemmok-bench-media-")
    db.create()
    env = env_for(db.url, media)
    try:
        os.environ.update({"PRIVATE_MEDIA_ROOT": media})
        manage(db.url, "migrate", "--noinput")
        manage(db.url, "import_regions", "33.19")
        # DEBUG is off in the children, as in production: static files come from a manifest.
        env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="paksemmok-bench-static-")
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(f"{db.label}: {args.count} submissions in process ...", flush=True)
        print(run_child(env, "--child-inprocess", str(args.count)).strip())
        print(f"{db.label}: {args.http_count} submissions over HTTP ...", flush=True)
        http_benchmark(env, args.clients, args.http_count)
    finally:
        db.drop()
        shutil.rmtree(media, ignore_errors=True)
        if "STATIC_ROOT" in env:
            shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
