# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint format bench load install clean-db

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
	  echo "Python's venv module is missing: sudo apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(STAMP)

## Create the virtualenv, migrate the local SQLite database, load territories and demo, serve.
run: export DEBUG = 1
run: export SITE_URL = http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_territories
	$(PY) manage.py seed_demo
	@echo "Site : http://127.0.0.1:$(PORT)/"
	@echo "Courriels envoyés (boîte de développement) : http://127.0.0.1:$(PORT)/dev/courriels/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Install what the tests need (Chromium for the browser tests) and run the whole suite.
test: $(STAMP)
	@scripts/ensure-chromium.sh
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## The suite without the browser tests.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS)

## ruff, and the import contracts of pyproject.toml (one-way layers).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Speed and memory figures, each against a baseline measured in the same run.
## Own database: var/bench.sqlite3, or <name>_bench with DATABASE_URL=postgres://… (BENCH_ARGS="--only matching").
bench: $(STAMP)
	DEBUG=1 $(PY) scripts/bench/run.py $(BENCH_ARGS)

## The site under load (PostgreSQL only): own database <name>_load built once at LOAD_SCALE
## (default 1 = national scale), gunicorn as in docs/deploy.md, locust from its own virtualenv
## (LOAD_USERS=50, LOAD_TIME=3m); writes var/load/results.json. See docs/benchmarks.md.
LOAD_VENV ?= .venv-load
LOAD_STAMP := $(LOAD_VENV)/.installed

$(LOAD_STAMP): requirements-load.txt
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet -r requirements-load.txt
	@touch $@

load: $(STAMP) $(LOAD_STAMP)
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make load needs DATABASE_URL=postgres://…"; exit 1;; esac
	LOCUST=$(LOAD_VENV)/bin/locust $(PY) scripts/load/run.py

clean-db:
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm
