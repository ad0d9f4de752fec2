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
import io
import os
import random
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

TARGET_KB = 400
DOCS = ("surat_kelahiran", "buku_nikah", "kk", "f201")


def document_photo(seed: int) -> bytes:
    """A 2000x1500 "phone photo of a document" of about 400 KB (what the page uploads after
    shrinking), with sensor-like noise so JPEG cannot squeeze it to nothing."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    base = Image.new("RGB", (2000, 1500), (236, 232, 220))
    draw = ImageDraw.Draw(base)
    for y in range(40, 1460, 28):
        x = 40
        while x < 1920:
            w = rng.randint(10, 60)
            draw.rectangle([x, y, x + w, y + 12], fill=(30, 30, 40))
            x += w + rng.randint(6, 20)
    noisy = Image.blend(base, Image.effect_noise((2000, 1500), 12).convert("RGB"), 0.05)
    low, high = 30, 95
    for _ in range(8):  # bisect the JPEG quality to land near TARGET_KB
        quality = (low + high) // 2
        out = io.BytesIO()
        noisy.save(out, "JPEG", quality=quality)
        size = len(out.getvalue()) / 1024
        if abs(size - TARGET_KB) < 15:
            break
        low, high = (quality, high) if size < TARGET_KB else (low, quality)
    return out.getvalue()


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


def make_families(n: int) -> list:
    from paksemmok.accounts.models import User
    from paksemmok.population.models import Family, Region, Relationship, Resident
    from paksemmok.population.services import generate_kk_number, generate_nik

    village = Region.objects.get(code="33.19.02.1001")
    users = []
    for i in range(n):
        import datetime as dt

        family = Family.objects.create(
            village=village,
            address=f"Jl. Bench {i}",
            rt="001",
            rw="001",
            kk_number=generate_kk_number(village.parent),
        )
        head = Resident.objects.create(
            nik=generate_nik(village.parent, dt.date(1985, 1, 1), "L"),
            full_name=f"Bench {i}",
            sex="L",
            birth_place="Kudus",
            birth_date=dt.date(1985, 1, 1),
            religion="islam",
            education="slta",
            occupation="Swasta",
            marital_status="kawin",
            village=village,
            address=family.address,
            rt="001",
            rw="001",
            family=family,
            relationship=Relationship.HEAD,
            ektp_recording="sudah_rekam",
        )
        # The wife: the birth form pre-fills the mother's NIK from the KK.
        Resident.objects.create(
            nik=generate_nik(village.parent, dt.date(1988, 2, 2), "P"),
            full_name=f"Ibu {i}",
            sex="P",
            birth_place="Kudus",
            birth_date=dt.date(1988, 2, 2),
            religion="islam",
            education="slta",
            occupation="Swasta",
            marital_status="kawin",
            village=village,
            address=family.address,
            rt="001",
            rw="001",
            family=family,
            relationship=Relationship.WIFE,
            ektp_recording="sudah_rekam",
        )
        users.append(
            User.objects.create(
                username=head.nik,
                role=User.Role.RESIDENT,
                resident=head,
                email=f"b{i}@example.invalid",
            )
        )
    return users


def child_inprocess(count: int) -> None:
    setup_django()
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from paksemmok.applications import services
    from paksemmok.catalog.models import Requirement, Variant

    variant = Variant.objects.get(code="akta-kelahiran")
    requirements = [Requirement.objects.get(variant=variant, code=c) for c in DOCS]
    photos = [document_photo(i) for i in range(4)]
    print(f"photo sizes KB: {[len(p) // 1024 for p in photos]}", flush=True)
    (user,) = make_families(1)
    born = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    timings = []
    for i in range(count + 5):
        app = services.create_draft(applicant=user, variant=variant)
        services.save_draft(
            app,
            data={
                "child_name": f"Anak {i}",
                "child_sex": "P",
                "child_birth_date": born,
                "child_birth_place": "Kudus",
            },
            actor=user,
        )
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
    import datetime as dt

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
        born = (dt.date.today() - dt.timedelta(days=5)).isoformat()
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
                r = http.post(
                    base + "/permohonan/baru/akta-kelahiran/",
                    data={"subject": "newborn"},
                    allow_redirects=False,
                )
                ref = (
                    r.headers.get("Location", "").strip("/").split("/")[1]
                    if r.status_code == 302
                    else ""
                )
                if not ref:
                    errors.append(f"draft {r.status_code}")
                    continue
                http.post(
                    f"{base}/permohonan/{ref}/ubah/",
                    headers={"X-Autosave": "1"},
                    data={
                        "child_name": f"Anak HTTP {n}",
                        "child_sex": "L",
                        "child_birth_date": born,
                        "child_birth_place": "Kudus",
                    },
                )
                for code, data in zip(DOCS, photos, strict=True):
                    r = http.post(
                        f"{base}/permohonan/{ref}/unggah/{code}/",
                        files={"file": ("f.jpg", data, "image/jpeg")},
                        headers={"X-Requested-With": "XMLHttpRequest"},
                    )
                    if r.status_code != 200:
                        errors.append(f"upload {r.status_code}")
                r = http.post(f"{base}/permohonan/{ref}/periksa/", allow_redirects=False)
                if r.status_code == 302 and r.headers["Location"].endswith("/tanda-terima/"):
                    with lock:
                        done.append(n)
                else:
                    errors.append(f"submit {r.status_code}")

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
