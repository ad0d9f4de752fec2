"""Settings of the bare reference app (bench/compare.py runs it under gunicorn)."""

import os
import tempfile

import dj_database_url

SECRET_KEY = "bare-reference-app-for-benchmarks-only"  # noqa: S105  (local bench only)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bare.urls"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
UPLOAD_ROOT = os.environ.get("BARE_UPLOAD_ROOT") or tempfile.mkdtemp(prefix="bare-uploads-")
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
