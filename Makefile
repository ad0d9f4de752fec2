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

.PHONY: run setup install test test-postgres lint bench clean

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
	$(MANAGE) import_regions $${REGENCY_CODE:-33.19}
	$(MANAGE) setup_demo

run: setup
	@echo
	@echo "  Pak Semmok berjalan di http://$(HOST):$(PORT)/"
	@$(MANAGE) setup_demo --print-logins
	@echo "  (Ctrl+C untuk berhenti)"
	@echo
	$(BIN)/honcho -f Procfile.dev start

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf var/db.sqlite3* var/private var/static
