# Pak Semmok: `make run` sets everything up and serves the site; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test` ("0" runs in one process).
PYTEST_WORKERS ?= auto
export PORT HOST

.PHONY: run setup install test test-postgres lint bench bench-compare clean serve stack-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstalls only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

setup: install
	$(MANAGE) migrate --noinput
	@if [ "$$CACHE_URL" = "db" ]; then $(MANAGE) createcachetable; fi
	$(MANAGE) import_regions $${REGENCY_CODE:-33.19}
	$(MANAGE) setup_demo

run: setup
	@echo
	@echo "  Pak Semmok berjalan di http://$(HOST):$(PORT)/"
	@$(MANAGE) setup_demo --print-logins
	@echo "  (Ctrl+C untuk berhenti)"
	@echo
	$(BIN)/honcho -f Procfile.dev start

# Production start (see README "Production"): the settings refuse the development SECRET_KEY
# when DEBUG=0, and `check --deploy` fails on demo accounts or the demo signing certificate.
serve: export DEBUG = 0
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (and the rest of deploy/paksemmok.env.example)" >&2; exit 1; }
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --noinput
	@if [ "$$CACHE_URL" = "db" ]; then $(MANAGE) createcachetable; fi
	$(MANAGE) collectstatic --noinput
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start web worker

# The production stack on this machine (PostgreSQL, nginx, S3 on loopback, Redis, 2 web, 2
# workers, a fake gateway) and its failure drills; prints a table, fails on a lost request.
stack-test: install
	$(BIN)/python deploy/stacktest/run.py

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/xenon --max-absolute C paksemmok bench

# Every benchmark at small sizes, so the whole run takes minutes (each script's own defaults
# are the issue-sized runs; see its docstring). PostgreSQL ones use $$DATABASE_URL's server.
bench: install
	$(BIN)/python bench/issue.py --count 5
	$(BIN)/python bench/population.py 20000
	$(BIN)/python bench/lookup.py --residents 20000 --count 500
	$(BIN)/python bench/slots.py --bookings 5000 --runs 10
	$(BIN)/python bench/dashboard.py --sizes 5000 15000 --runs 3 --residents 5000
	$(BIN)/python bench/outbox.py --messages 500 --workers 1 --time-limit 60
	$(BIN)/python bench/submit.py --count 10 --http-count 10 --clients 2
	$(BIN)/python bench/uploads.py --quick
	$(BIN)/python bench/staff_queue.py --sizes 10000 50000 --requests 20
	$(BIN)/python bench/compare.py --quick --rounds 1 --seconds 3 --no-small

# Issue 14's comparison with bare Django at province scale (850k residents, 1M applications,
# 10% open). Seeding takes several minutes; BENCH_DATABASE_URL keeps a seeded database.
bench-compare: install
	$(BIN)/python bench/compare.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL)) $(BENCH_COMPARE_ARGS)

clean:
	rm -rf var/db.sqlite3* var/private var/static
