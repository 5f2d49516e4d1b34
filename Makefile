# Build, run and test the LMS.  `make` (or `make help`) lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
RUFF   := $(VENV)/bin/ruff
STAMP  := $(VENV)/.installed
# make test always builds a fresh test database (pyproject's addopts has --reuse-db).
PYTEST_ARGS ?= --create-db

.PHONY: help venv run test bench lock lint format clean

help:
	@echo "Targets:"
	@echo "  help     list these targets (default)"
	@echo "  venv     system libraries + .venv with requirements-dev.lock installed (hashes checked)"
	@echo "  run      migrate, load demo data, collectstatic, then web + worker + beat (honcho)"
	@echo "  test     test deps + services (PostgreSQL, Redis), ruff, mypy, migrations check, pytest"
	@echo "  bench    run every benchmarks/*.py against real services"
	@echo "  lock     recompile requirements.lock (runtime) and requirements-dev.lock, with hashes"
	@echo "  lint     ruff check + ruff format --check + mypy"
	@echo "  format   ruff format + ruff check --fix"
	@echo "  clean    remove var/, media/, staticfiles/ and caches (keeps .venv)"

# --- environment ------------------------------------------------------------------------
venv: $(STAMP)

# Rebuilt whenever a lock changes. The dev lock holds the runtime lock's pins plus the tools.
$(STAMP): requirements.lock requirements-dev.lock
	scripts/system-deps.sh
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is required; $(PYTHON) is " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --upgrade pip
	$(PIP) install --require-hashes -r requirements-dev.lock
	touch $@

requirements.lock requirements-dev.lock:
	@echo "$@ is missing: run 'make lock' to create it from pyproject.toml" >&2
	@exit 1

# --- run locally: SQLite + filesystem broker unless DATABASE_URL / CELERY_BROKER_URL are set
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v0
	mkdir -p var
	exec $(VENV)/bin/honcho start -f Procfile

# --- checks ---------------------------------------------------------------------------------
# CI_REQUIRE_SERVICES=1: missing services fail the suite instead of skipping tests.
test:
	scripts/system-deps.sh --test
	$(MAKE) --no-print-directory venv
	scripts/services.sh
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run
	CI_REQUIRE_SERVICES=1 DJANGO_SETTINGS_MODULE=lms.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)
	# The embedded default (what make run uses): the main flow again, with a real worker over
	# kombu's filesystem transport and SQLite in a file.
	DATABASE_URL=sqlite:///$(CURDIR)/var/test-embedded.sqlite3 CELERY_BROKER_URL=filesystem://localhost// \
	  CI_REQUIRE_SERVICES=1 DJANGO_SETTINGS_MODULE=lms.settings.test \
	  $(VENV)/bin/pytest --create-db tests/integration/test_worker_flow.py

# mypy: pyproject's [tool.mypy] names the files (all of them) and the settings module; it
# reads the settings without touching the database or the broker.
lint: venv
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/mypy

format: venv
	$(RUFF) format .
	$(RUFF) check --fix .

# Each benchmark prints one JSON object on its last line; all run even if one fails.
bench: venv
	scripts/services.sh
	failed=""; ran=0; \
	for f in benchmarks/*.py; do \
	  name=$$(basename "$$f" .py); \
	  case "$$name" in __init__|_*|locustfile|'*') continue ;; esac; \
	  echo "=== benchmarks.$$name"; ran=$$((ran + 1)); \
	  $(PY) -m "benchmarks.$$name" || failed="$$failed $$name"; \
	done; \
	if [ "$$ran" -eq 0 ]; then echo "no benchmarks in benchmarks/"; fi; \
	if [ -n "$$failed" ]; then echo "FAILED benchmarks:$$failed" >&2; exit 1; fi

# Two locks, both with hashes: requirements.lock (what the production image installs) and
# requirements-dev.lock (the same pins, constrained by the first, plus the test and lint tools).
# pip-tools comes with the dev extra; bootstrap it when there is no venv (or no lock) yet.
# --no-emit-index-url, --no-emit-find-links: keep this machine's pip index settings out of the lock.
LOCK_FLAGS := --quiet --strip-extras --no-emit-index-url --no-emit-find-links --generate-hashes --allow-unsafe
lock:
	test -x $(VENV)/bin/pip-compile || { test -x $(PY) || $(PYTHON) -m venv $(VENV); $(PIP) install --quiet pip-tools; }
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --extra dev --constraint requirements.lock -o requirements-dev.lock pyproject.toml

clean:
	rm -rf var media staticfiles test-artifacts .pytest_cache .ruff_cache .mypy_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
