"""`make stack-test`: the production stack on this machine, and failure drills against it.

Starts, all on 127.0.0.1 and in a temporary directory: a PostgreSQL 15 instance of its own
(initdb on a free port: restarting it never touches anyone else's database), Redis (Debian's
redis-server) as the shared cache, moto's S3 server behind a small TCP proxy (so "the object
store is down" is a refused connection, and the objects survive the outage), the fake
WhatsApp/SMS gateway, two gunicorn processes behind nginx (deploy/nginx's template, TLS with a
throw-away certificate), and two workers with stable WORKER_IDs (as the systemd units set).

Drills: disk full (local store on a small tmpfs), kill -9 of a web process mid-upload, kill -9
of a worker mid-delivery (restarted after 1 s as systemd would), PostgreSQL restarted under
load, the object store down for 30 s, gateway error storms (500, then 429 with Retry-After),
then the orphan sweep, a backup, and a restore into a fresh database and bucket, verified.

Prints one table. Passes when no acknowledged upload is missing or altered, every message is
delivered, at most one duplicate per killed worker, no orphan is left after the sweep, and
every drill recovers within 10 s of its fault ending.
"""

from __future__ import annotations

import glob
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import requests
import urllib3
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python")
T0 = time.monotonic()
BUDGET = 570  # seconds: the whole run stays under 10 minutes
RECOVERY_LIMIT = 10.0
IS_ROOT = os.geteuid() == 0
urllib3.disable_warnings()


def log(message: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, step: float = 0.2) -> float:
    """Polls `check` until it is true (at most `timeout` s); returns the seconds it took."""
    started = time.monotonic()
    for _ in range(int(timeout / step) + 1):
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: S110 - not ready yet
            pass
        time.sleep(step)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


def over_budget() -> bool:
    return time.monotonic() - T0 > BUDGET


# --- The fake gateway -------------------------------------------------------------------------
class Gateway:
    """WhatsApp and SMS on loopback: counts every accepted Idempotency-Key."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 0.02
        self.accepted: dict[str, int] = {}
        self.refused = 0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                key = self.headers.get("Idempotency-Key", "")
                mode = gateway.mode
                if mode == "error500":
                    with gateway.lock:
                        gateway.refused += 1
                    return self._answer(500, {"error": "storm"})
                if mode == "throttle429":
                    with gateway.lock:
                        gateway.refused += 1
                    return self._answer(429, {"error": "slow down"}, {"Retry-After": "2"})
                time.sleep(gateway.delay)
                with gateway.lock:
                    gateway.accepted[key] = gateway.accepted.get(key, 0) + 1
                    n = sum(gateway.accepted.values())
                return self._answer(200, {"id": f"gw-{n}"})

            def _answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


# --- A TCP proxy in front of the object store --------------------------------------------------
class Proxy:
    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self.listener = self.listener, None
        if listener:
            listener.close()
        with self.lock:
            for c in self.conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self.conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


# --- Processes ---------------------------------------------------------------------------------
class Stack:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="paksemmok-stack-"))
        os.chmod(self.tmp, 0o755)
        self.logs = self.tmp / "logs"
        self.logs.mkdir()
        self.procs: dict[str, subprocess.Popen] = {}
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.moto_port = free_port()
        self.web_ports = [free_port(), free_port()]
        self.https_port = free_port()
        self.http_port = free_port()
        self.pgdata = self.tmp / "pg"
        self.mounted: list[Path] = []
        pgbins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not pgbins:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.pgbin = Path(pgbins[-1])
        self.secret = "stack-" + secrets.token_urlsafe(40)

    # PostgreSQL, its own instance
    def _as_postgres(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if IS_ROOT else args

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            self._as_postgres(
                [
                    str(self.pgbin / "pg_ctl"),
                    "-D",
                    str(self.pgdata),
                    "-l",
                    str(self.logs / "postgresql.log"),
                    "-w",
                    "-t",
                    "60",
                    *args,
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_postgres(self) -> None:
        self.pgdata.mkdir()
        (self.logs / "postgresql.log").touch()
        if IS_ROOT:
            shutil.chown(self.pgdata, "postgres", "postgres")
            shutil.chown(self.logs / "postgresql.log", "postgres", "postgres")
        subprocess.run(
            self._as_postgres(
                [
                    str(self.pgbin / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "paksemmok",
                    "--auth=trust",
                    "--no-locale",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {self.pg_port} -k {self.pgdata} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        self.pg_ctl("-o", options, "start")

    def db_url(self, name: str = "stack") -> str:
        return f"postgres://paksemmok@127.0.0.1:{self.pg_port}/{name}"

    def sql(self, query: str, params: tuple = (), db: str = "stack") -> list[tuple]:
        with psycopg.connect(self.db_url(db), autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    # everything else
    def spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env or os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def app_env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
        env.update(
            {
                "PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}",
                "DEBUG": "0",
                "SECRET_KEY": self.secret,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "BEHIND_PROXY": "1",
                "TRUSTED_PROXY_IPS": "127.0.0.1",
                "TRUSTED_PROXY_COUNT": "1",
                "SECURE_SSL_REDIRECT": "0",
                # /healthz must see the full disk during the drill, not a probe up to a minute old.
                "HEALTHZ_STORAGE_CHECK_SECONDS": "1",
                "DATABASE_URL": self.db_url(),
                "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/1",
                "STORAGE_BACKEND": "s3",
                "S3_BUCKET": "stack",
                "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.proxy.port}",
                "S3_ACCESS_KEY_ID": "testing",
                "S3_SECRET_ACCESS_KEY": "testing",
                "S3_CONNECT_TIMEOUT": "2",
                "S3_READ_TIMEOUT": "10",
                "PRIVATE_MEDIA_ROOT": str(self.tmp / "files"),
                "FILE_UPLOAD_TEMP_DIR": str(self.tmp / "spool"),
                "STATIC_ROOT": str(self.tmp / "static"),
                "STATIC_COMPRESS": "0",
                "BACKUP_ROOT": str(self.tmp / "backups"),
                "WHATSAPP_GATEWAY_URL": f"http://127.0.0.1:{self.gateway.port}/wa",
                "WHATSAPP_GATEWAY_TOKEN": "stack",
                "SMS_GATEWAY_URL": f"http://127.0.0.1:{self.gateway.port}/sms",
                "SMS_GATEWAY_TOKEN": "stack",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "NOTIFY_BACKOFF_SECONDS": "0.5",
                "NOTIFY_BACKOFF_MAX_SECONDS": "4",
                "NOTIFY_MAX_ATTEMPTS": "30",
                "NOTIFY_BATCH_SIZE": "10",
                "NOTIFY_DEAD_WORKER_SECONDS": "5",
                "NOTIFY_RECLAIM_SECONDS": "1",
                "WORKER_TICK_SECONDS": "0.5",
                "WORKER_HEARTBEAT_SECONDS": "1",
                "API_THROTTLE_USER": "100000/minute",
                "API_THROTTLE_IP": "100000/minute",
                "LOG_FORMAT": "json",
                "LOG_LEVEL": "WARNING",
            }
        )
        env.update(extra)
        return env

    def manage(self, *args: str, env: dict | None = None, check: bool = True) -> str:
        done = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=env or self.app_env(),
            capture_output=True,
            text=True,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout + done.stderr

    def action(self, *args: str, env: dict | None = None) -> str:
        done = subprocess.run(
            [PY, str(ROOT / "deploy" / "stacktest" / "actions.py"), *args],
            cwd=ROOT,
            env=env or self.app_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"actions.py {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start_web(self, env: dict) -> None:
        for n, port in enumerate(self.web_ports, 1):
            self.spawn(
                f"web{n}",
                [
                    str(BIN / "gunicorn"),
                    "paksemmok.wsgi",
                    "--config",
                    "deploy/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                env,
            )
        for port in self.web_ports:
            wait_for(
                lambda p=port: (
                    requests.get(f"http://127.0.0.1:{p}/healthz", timeout=5).status_code
                    in (200, 503)
                ),
                60,
                f"gunicorn on {port}",
            )

    def stop_web(self) -> None:
        for n in (1, 2):
            self.stop(f"web{n}")

    def start_worker(self, n: int, env: dict) -> None:
        self.spawn(f"worker{n}", [PY, "manage.py", "worker"], {**env, "WORKER_ID": f"stack-w{n}"})

    def start_nginx(self) -> None:
        cert, key = self.tmp / "tls.crt", self.tmp / "tls.key"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
        template = string.Template(
            (ROOT / "deploy" / "nginx" / "paksemmok.conf.template").read_text()
        )
        site = template.safe_substitute(
            SERVER_NAME="127.0.0.1",
            LISTEN_ADDR="127.0.0.1",
            HTTP_PORT=str(self.http_port),
            HTTPS_PORT=str(self.https_port),
            TLS_CERT=str(cert),
            TLS_KEY=str(key),
            STATIC_ROOT=str(self.tmp / "static"),
            UPSTREAMS=" ".join(f"server 127.0.0.1:{p};" for p in self.web_ports),
        )
        prefix = self.tmp / "nginx"
        prefix.mkdir()
        (prefix / "site.conf").write_text(site)
        temp_paths = "\n".join(
            f"    {kind}_temp_path {prefix / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (prefix / "nginx.conf").write_text(
            f"""{"user root;" if IS_ROOT else ""}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {self.logs / "nginx-error.log"} warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {self.logs / "nginx-access.log"};
{temp_paths}
    include {prefix / "site.conf"};
}}
"""
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        subprocess.run(
            [nginx, "-t", "-q", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            check=True,
        )
        self.spawn("nginx", [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")])
        wait_for(lambda: self.get("/healthz").status_code in (200, 503), 20, "nginx")

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.base + path, verify=False, timeout=kw.pop("timeout", 10), **kw)  # noqa: S501

    def cleanup(self) -> None:
        for name in list(self.procs):
            self.stop(name, signal.SIGKILL if name.startswith("web") else signal.SIGTERM)
        if self.pgdata.exists():
            try:
                self.pg_ctl("-m", "immediate", "stop")
            except Exception:  # noqa: S110 - already down
                pass
        for path in self.mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)
        if os.environ.get("STACK_KEEP"):
            log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- Traffic ------------------------------------------------------------------------------------
def make_photos(n: int) -> list[bytes]:
    """Photos that pass the upload checks: shapes in contrasting colours (not blank), with
    grain so they weigh what a phone photo of a KK does (~0.5-1 MB)."""
    from PIL import ImageDraw

    photos = []
    rng = random.Random(17)
    for i in range(n):
        image = Image.new("RGB", (1400, 1000), (235, 235, 225))
        draw = ImageDraw.Draw(image)
        for _ in range(60):
            x, y = rng.randrange(1300), rng.randrange(900)
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            draw.rectangle([x, y, x + rng.randrange(20, 300), y + rng.randrange(8, 80)], colour)
        grain = Image.effect_noise(image.size, 30 + i).convert("RGB")
        image = Image.blend(image, grain, 0.25)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=92)
        photos.append(buf.getvalue())
    return photos


class Load:
    """Residents uploading their KK photo again and again, through nginx, with the API."""

    def __init__(self, stack: Stack, people: list[dict], photos: list[bytes], threads: int = 3):
        self.stack = stack
        self.people = people
        self.photos = photos
        self.threads = threads
        self.sent = 0
        self.failed = 0
        self.statuses: dict[str, int] = {}
        # reference -> {"id": last acknowledged document id, "uncertain": a later try's
        # outcome is unknown (timeout, connection reset), so a newer document may be there}
        self.acked: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.workers: list[threading.Thread] = []

    def upload(self, person: dict, timeout: float = 40) -> requests.Response:
        photo = random.choice(self.photos)
        return requests.post(
            f"{self.stack.base}/api/v1/applications/{person['reference']}/documents/",
            headers={"Authorization": f"Token {person['token']}"},
            data={"requirement": "kk"},
            files={"file": ("kk.jpg", photo, "image/jpeg")},
            verify=False,  # noqa: S501 - throw-away certificate on loopback
            timeout=timeout,
        )

    def _loop(self, mine: list[dict]) -> None:
        for i in range(100000):  # bounded; stopped by the event long before
            if not self.running.is_set() or over_budget():
                return
            person = mine[i % len(mine)]
            ok, key = False, "error"
            try:
                response = self.upload(person)
                key = str(response.status_code)
                ok = response.status_code == 201
                document = response.json().get("id") if ok else None
            except Exception as exc:
                key = type(exc).__name__
            with self.lock:
                self.sent += 1
                self.statuses[key] = self.statuses.get(key, 0) + 1
                entry = self.acked.setdefault(person["reference"], {"id": None, "uncertain": False})
                if ok:
                    entry.update(id=document, uncertain=False)
                else:
                    self.failed += 1
                    entry["uncertain"] = True
            if not ok:
                time.sleep(0.2)

    def start(self) -> None:
        self.running.set()
        share = [self.people[i :: self.threads] for i in range(self.threads)]
        self.workers = [threading.Thread(target=self._loop, args=(s,), daemon=True) for s in share]
        for w in self.workers:
            w.start()

    def stop(self) -> None:
        self.running.clear()
        for w in self.workers:
            w.join(timeout=60)

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return self.sent, self.failed


def probe_until_ok(stack: Stack, load: Load, probe: dict, limit: float = 60) -> float:
    """Seconds until an upload through nginx succeeds again."""
    started = time.monotonic()
    for _ in range(int(limit / 0.25)):
        try:
            response = load.upload(probe, timeout=10)
            if response.status_code == 201:
                with load.lock:
                    load.acked[probe["reference"]] = {
                        "id": response.json()["id"],
                        "uncertain": False,
                    }
                return time.monotonic() - started
        except Exception:  # noqa: S110 - still down
            pass
        time.sleep(0.25)
    return float("inf")


def lost_uploads(stack: Stack, load: Load, db: str = "stack") -> list[str]:
    rows = dict(
        stack.sql(
            "SELECT a.reference, max(d.id) FROM applications_applicationdocument d "
            "JOIN applications_application a ON a.id = d.application_id "
            "WHERE d.replaced_at IS NULL GROUP BY a.reference",
            db=db,
        )
    )
    lost = []
    for reference, entry in load.acked.items():
        if entry["id"] is None:
            continue
        current = rows.get(reference)
        if current == entry["id"]:
            continue
        if entry["uncertain"] and current is not None and current > entry["id"]:
            continue  # a later upload whose answer the client never got did go through
        lost.append(reference)
    return lost


# --- Drills -------------------------------------------------------------------------------------
ROWS: list[dict] = []


def row(drill: str, load: Load | None, before: tuple[int, int], **fields) -> dict:
    sent, failed = load.counts() if load else (0, 0)
    entry = {
        "drill": drill,
        "sent": sent - before[0],
        "failed": failed - before[1],
        "queued": fields.get("queued", ""),
        "delivered": fields.get("delivered", ""),
        "duplicated": fields.get("duplicated", ""),
        "orphans": fields.get("orphans", ""),
        "recovery": fields.get("recovery"),
        "ok": fields.get("ok", True),
        "note": fields.get("note", ""),
    }
    if entry["recovery"] is not None and entry["recovery"] > RECOVERY_LIMIT:
        entry["ok"] = False
    ROWS.append(entry)
    log(f"{drill}: {entry}")
    return entry


def wait_delivered(stack: Stack, tag: str, count: int, limit: float = 60) -> tuple[int, int]:
    def delivered() -> int:
        return stack.sql(
            "SELECT count(*) FROM notifications_message WHERE status='sent' AND subject=%s",
            (f"Uji {tag}",),
        )[0][0]

    try:
        wait_for(lambda: delivered() >= count, limit, f"messages of {tag}", step=0.5)
    except RuntimeError:
        pass
    keys = [
        str(k)
        for (k,) in stack.sql(
            "SELECT key FROM notifications_message WHERE subject=%s", (f"Uji {tag}",)
        )
    ]
    duplicated = sum(max(0, stack.gateway.accepted.get(k, 0) - 1) for k in keys)
    return delivered(), duplicated


def main() -> int:
    stack = Stack()
    try:
        return run(stack)
    finally:
        stack.cleanup()


def run(stack: Stack) -> int:
    log(f"stack in {stack.tmp}")
    stack.gateway = Gateway()
    stack.start_postgres()
    log(f"PostgreSQL {stack.pgbin.parent.name} on 127.0.0.1:{stack.pg_port}")
    stack.sql("CREATE DATABASE stack", db="postgres")
    redis = shutil.which("redis-server") or "/usr/bin/redis-server"
    stack.spawn(
        "redis",
        [
            redis,
            "--port",
            str(stack.redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    )
    stack.spawn("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(stack.moto_port)])
    wait_for(lambda: requests.get(f"http://127.0.0.1:{stack.moto_port}/", timeout=2).ok, 30, "moto")
    stack.proxy = Proxy(stack.moto_port)
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{stack.moto_port}",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
        region_name="us-east-1",
    )
    for bucket in ("stack", "stack-restore"):
        s3.create_bucket(Bucket=bucket)

    env = stack.app_env()
    log("migrate, regions, population, residents")
    # collectstatic (compressing every asset) needs no database: it runs beside the rest.
    static = stack.spawn("collectstatic", [PY, "manage.py", "collectstatic", "--noinput"], env)
    stack.manage("migrate", "--noinput")
    stack.manage("import_regions", "33.19")
    stack.manage("generate_population", "--residents", "200")
    seed = stack.tmp / "people.json"
    log(stack.action("seed", str(seed), "30").strip())
    people = json.loads(seed.read_text())
    if len(people) < 10:
        raise RuntimeError("too few residents seeded")
    # The disk-full phase runs on its own copy of the seeded database with a local store.
    stack.sql("CREATE DATABASE stack_disk TEMPLATE stack", db="postgres")
    photos = make_photos(6)
    if static.wait(timeout=300) != 0:
        raise RuntimeError("collectstatic failed")
    probe, people = people[0], people[1:]

    # Phase 1: local file store on a tiny filesystem.
    files = stack.tmp / "files"
    files.mkdir()
    disk_env = stack.app_env(STORAGE_BACKEND="local", DATABASE_URL=stack.db_url("stack_disk"))
    if IS_ROOT:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", str(files)],
            check=True,
        )
        stack.mounted.append(files)
    stack.start_web(disk_env)
    stack.start_nginx()
    load = Load(stack, people, photos)
    if IS_ROOT:
        log("drill: disk full")
        load.start()
        time.sleep(3)
        before = load.counts()
        filler = files / "filler"
        with open(filler, "wb") as handle:
            for _ in range(100):  # bounded: 24 MB at most
                try:
                    handle.write(b"\0" * (1024 * 1024))
                    handle.flush()
                except OSError:
                    break
        time.sleep(4)
        health = [stack.get("/healthz").json()["checks"]["storage"]["ok"] for _ in range(3)]
        probes_left = list((files / "healthz").glob("*")) if (files / "healthz").exists() else []
        filler.unlink()
        recovery = probe_until_ok(stack, load, probe)
        time.sleep(2)
        load.stop()
        fragments = [p for p in files.rglob("*") if p.name.endswith(".part")]
        lost = lost_uploads(stack, load, db="stack_disk")
        codes = load.statuses.get("503", 0)
        stack.manage("sweep_orphans", env={**disk_env, "ORPHAN_MIN_AGE_SECONDS": "0"})
        left = stack.manage(
            "sweep_orphans", "--dry-run", env={**disk_env, "ORPHAN_MIN_AGE_SECONDS": "0"}
        )
        orphans = int(left.split("orphans=")[1].split()[0]) + int(
            left.split("temporary=")[1].split()[0]
        )
        row(
            "disk full (tmpfs)",
            load,
            before,
            recovery=recovery,
            orphans=orphans,
            ok=not lost
            and not fragments
            and not probes_left
            and orphans == 0
            and not any(health)
            and codes > 0,
            note=f"{codes} answered 503 storage_full; healthz storage ok={any(health)}, "
            f"probe files {len(probes_left)}; fragments {len(fragments)}; lost {len(lost)}",
        )
    else:
        row("disk full", None, (0, 0), ok=True, note="skipped: mounting a tmpfs needs root")
    stack.stop_web()

    # Phase 2: S3-compatible store, two workers.
    stack.start_web(env)
    for n in (1, 2):
        stack.start_worker(n, env)
    wait_for(lambda: stack.get("/healthz").status_code == 200, 30, "healthz green with workers")
    load = Load(stack, people, photos)
    load.acked[probe["reference"]] = {"id": None, "uncertain": False}
    load.start()
    time.sleep(3)

    log("drill: kill -9 of a web process mid-upload")
    before = load.counts()
    master = stack.procs["web1"].pid
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    for _ in range(3):
        time.sleep(1.5)
        children = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True
        ).stdout.split()
        for pid in children:
            os.kill(int(pid), signal.SIGKILL)
    recovery = probe_until_ok(stack, load, probe)
    time.sleep(2)
    row("kill -9 web x3", load, before, recovery=recovery, note="gunicorn respawns")

    log("drill: kill -9 of a worker mid-delivery")
    before = load.counts()
    stack.gateway.delay = 0.15
    stack.action("enqueue", "150", "worker-kill")
    wait_for(lambda: sum(stack.gateway.accepted.values()) >= 10, 60, "delivery started")
    stack.stop("worker1", signal.SIGKILL)
    killed_at = stack.sql("SELECT now()")[0][0]
    held_query = (
        "SELECT count(*) FROM notifications_message WHERE status='sending' "
        "AND claimed_by='stack-w1' AND claimed_at <= %s"
    )
    held = stack.sql(held_query, (killed_at,))[0][0]
    time.sleep(1)  # systemd's RestartSec=1
    stack.start_worker(1, env)
    restarted = time.monotonic()
    wait_for(
        lambda: stack.sql(held_query, (killed_at,))[0][0] == 0,
        30,
        "the killed worker's claims released",
        step=0.1,
    )
    recovery = time.monotonic() - restarted
    stack.gateway.delay = 0.02
    delivered, duplicated = wait_delivered(stack, "worker-kill", 150)
    row(
        "kill -9 worker",
        load,
        before,
        queued=150,
        delivered=delivered,
        duplicated=duplicated,
        recovery=recovery,
        ok=delivered == 150 and duplicated <= 1,
        note=f"{held} held in 'sending' when killed",
    )

    log("drill: PostgreSQL restart under load")
    before = load.counts()
    stack.gateway.delay = 0.1  # deliveries still going on when the database goes away
    stack.action("enqueue", "100", "pg-restart")
    unsent = stack.sql(
        "SELECT count(*) FROM notifications_message WHERE subject='Uji pg-restart' "
        "AND status <> 'sent'"
    )[0][0]
    stack.pg_ctl("-m", "fast", "restart")
    recovery = probe_until_ok(stack, load, probe)
    stack.gateway.delay = 0.02
    delivered, duplicated = wait_delivered(stack, "pg-restart", 100)
    row(
        "PostgreSQL restart",
        load,
        before,
        queued=100,
        delivered=delivered,
        duplicated=duplicated,
        recovery=recovery,
        ok=delivered == 100 and duplicated == 0,
        note=f"{unsent} messages not yet sent when it restarted",
    )

    log("drill: object store down for 30 s")
    before = load.counts()
    stack.proxy.down()
    time.sleep(30)
    during = load.statuses.get("503", 0)
    stack.proxy.up()
    recovery = probe_until_ok(stack, load, probe)
    time.sleep(2)
    row("object store down 30 s", load, before, recovery=recovery, note=f"503 so far: {during}")

    log("drill: gateway error storms")
    before = load.counts()
    stack.gateway.mode = "error500"
    stack.action("enqueue", "80", "storm")
    time.sleep(5)
    stack.gateway.mode = "throttle429"
    time.sleep(5)
    stack.gateway.mode = "ok"
    first_after = wait_for(
        lambda: (
            stack.sql(
                "SELECT count(*) FROM notifications_message "
                "WHERE status='sent' AND subject='Uji storm'"
            )[0][0]
            > 0
        ),
        30,
        "first delivery after the storm",
        step=0.1,
    )
    delivered, duplicated = wait_delivered(stack, "storm", 80)
    row(
        "gateway 500 + 429 storm",
        load,
        before,
        queued=80,
        delivered=delivered,
        duplicated=duplicated,
        recovery=first_after,
        ok=delivered == 80 and duplicated == 0,
        note=f"{stack.gateway.refused} refused by the gateway during the storm",
    )

    load.stop()
    lost = lost_uploads(stack, load)
    log("orphan sweep, backup, restore drill")
    swept = stack.manage("sweep_orphans", env={**env, "ORPHAN_MIN_AGE_SECONDS": "0"})
    left = stack.manage("sweep_orphans", "--dry-run", env={**env, "ORPHAN_MIN_AGE_SECONDS": "0"})
    orphans = int(left.split("orphans=")[1].split()[0]) + int(
        left.split("temporary=")[1].split()[0]
    )
    verified = stack.manage("verify_files", env=env, check=False)
    total_sent = sum(r["sent"] for r in ROWS)
    row(
        "all uploads (S3)",
        None,
        (0, 0),
        orphans=orphans,
        ok=not lost and orphans == 0 and "0 problem(s)" in verified,
        note=f"lost {len(lost)}; sweep: {swept.strip().splitlines()[0]}; "
        f"{verified.strip().splitlines()[-1]}",
    )

    started = time.monotonic()
    backup = stack.tmp / "backups" / "drill"
    stack.manage("backup", "--output", str(backup), env=env)
    stack.sql("CREATE DATABASE stack_restore", db="postgres")
    restore_env = {
        **env,
        "DATABASE_URL": stack.db_url("stack_restore"),
        "S3_BUCKET": "stack-restore",
    }
    restored = stack.manage("restore", "--yes", str(backup), env=restore_env, check=False)
    checks = [restored.strip().splitlines()[-1] if restored.strip() else ""]
    ok = "restored" in restored and "restore incomplete" not in restored
    has_check_register = "check_register" in stack.manage("help", "--commands", env=restore_env)
    if has_check_register:
        out = stack.manage("check_register", env=restore_env, check=False)
        checks.append("check_register: " + (out.strip().splitlines() or [""])[-1])
    else:
        checks.append("check_register not present")
    verified = stack.manage(
        "verify_files", "--manifest", str(backup / "manifest.json"), env=restore_env, check=False
    )
    ok = ok and "0 problem(s)" in verified
    counts = [
        stack.sql("SELECT count(*) FROM applications_applicationdocument", db=db)[0][0]
        for db in ("stack", "stack_restore")
    ]
    ok = ok and counts[0] == counts[1]
    row(
        "backup + restore drill",
        None,
        (0, 0),
        recovery=None,
        ok=ok,
        note=f"{counts[1]} documents restored in {time.monotonic() - started:.1f} s; "
        + "; ".join(checks)
        + f"; {verified.strip().splitlines()[-1]}",
    )

    print()
    header = (
        f"{'drill':<26} {'sent':>5} {'failed':>6} {'queued':>6} {'deliv.':>6} {'dup.':>4} "
        f"{'orphans':>7} {'recovery':>9}  result"
    )
    print(header)
    print("-" * len(header))
    for r in ROWS:
        recovery = "" if r["recovery"] is None else f"{r['recovery']:.1f} s"
        print(
            f"{r['drill']:<26} {r['sent']:>5} {r['failed']:>6} {r['queued']!s:>6} "
            f"{r['delivered']!s:>6} {r['duplicated']!s:>4} {r['orphans']!s:>7} {recovery:>9}  "
            f"{'PASS' if r['ok'] else 'FAIL'}  {r['note']}"
        )
    print("-" * len(header))
    elapsed = time.monotonic() - T0
    passed = all(r["ok"] for r in ROWS) and elapsed < 600
    print(
        f"requests sent {total_sent}, failed {sum(r['failed'] for r in ROWS)}; "
        f"uploads acknowledged but lost: {len(lost)}; run time {elapsed:.0f} s: "
        + ("PASS" if passed else "FAIL")
    )
    if not passed:
        print(f"logs: {stack.logs} (kept with STACK_KEEP=1)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
