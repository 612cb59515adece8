# The front door. `make run` serves the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: help venv install run db-start db-stop worker test test-fast test-future lint format messages compilemessages bench clean

help:
	@echo "make run    - install, start PostgreSQL in var/postgres, migrate, demo data, admin user, dev server on http://$(HOST)/"
	@echo "make db-start / db-stop - start or stop that PostgreSQL by hand (e.g. for manage.py shell)"
	@echo "make test   - the whole test suite on PostgreSQL and Redis, browser tests included, then the registry under CITY=poznan"
	@echo "make test-future - the non-browser tests with the clock moved (New Year's Eve 2029, next spring)"
	@echo "make lint   - ruff check and format check"
	@echo "make bench  - the portal at national scale under load (var/bench/results.json, docs/benchmarks.md)"
	@echo "make messages - update the translation catalogues (fi, sv, en, pl)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

venv install: $(VENV)/.installed

compilemessages: install
	$(MANAGE) compilemessages --ignore=.venv -v 0

# PostgreSQL: the embedded cluster in var/postgres/ (portal/embedded_db.py), unless DATABASE_URL
# is set. It is started if it is not running and, if this run started it, stopped when the run ends.
run: install compilemessages
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	@set -e; \
	db_started=; celery_pid=; \
	cleanup() { \
	  if [ -n "$$celery_pid" ]; then kill $$celery_pid 2>/dev/null || true; wait $$celery_pid 2>/dev/null || true; fi; \
	  if [ -n "$$db_started" ]; then $(PY) -m portal.embedded_db stop; fi; \
	}; \
	trap cleanup EXIT; \
	SITE_URL=$${SITE_URL:-http://$(HOST)}; export SITE_URL; \
	if [ -z "$$DATABASE_URL" ]; then \
	  $(PY) -m portal.embedded_db status >/dev/null || db_started=1; \
	  $(PY) -m portal.embedded_db start; \
	fi; \
	$(MANAGE) migrate --no-input -v 0; \
	$(MANAGE) collectstatic --no-input -v 0; \
	$(MANAGE) demo_data; \
	$(MANAGE) ensure_admin --site-url http://$(HOST); \
	echo "Starting a Celery worker with beat on kombu's filesystem transport (log: var/celery.log)"; \
	echo "E-mails the portal sends are printed here, in this terminal; links in them point at $$SITE_URL"; \
	$(BIN)/celery -A portal worker -B --pool=solo --loglevel=INFO --logfile=var/celery.log --schedule=var/celerybeat-schedule & \
	celery_pid=$$!; \
	$(MANAGE) runserver $(HOST)

db-start:
	$(PY) -m portal.embedded_db start

db-stop:
	$(PY) -m portal.embedded_db stop

# The registry and directory again under Poznań's profile (country PL, Polish, Europe/Warsaw):
# one process on its own kept test database (test_<name>, beside the -n 2 run's _gw0/_gw1), so
# the pass costs its tests, not a second set of migrations. Finnish-only tests are marked
# country("FI") and skip themselves.
CITY_TESTS ?= tests/associations/test_countries.py tests/associations/test_directory.py \
	tests/associations/test_profile_edit.py tests/associations/test_validators.py
test: install compilemessages
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)
	CITY=poznan $(BIN)/pytest -q --reuse-db -m "not browser" $(CITY_TESTS) $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

# The suite must hold on any date: run it with the clock moved (TEST_NOW, tests/conftest.py).
# 2029-12-31 23:30 in Pori is 21:30 UTC, half an hour before a year boundary, in winter time
# (+02:00). 15 April next year is the other half: spring, summer time (+03:00), a year only
# begun; counted from today, so it always probes the coming year.
FUTURE_NEW_YEAR ?= 2029-12-31T23:30
FUTURE_SPRING ?= $(shell echo $$(( $$(date +%Y) + 1 )))-04-15
test-future: install compilemessages
	TEST_NOW=$(FUTURE_NEW_YEAR) $(BIN)/pytest -m "not browser" -n 2 -q $(PYTEST_ARGS)
	TEST_NOW=$(FUTURE_SPRING) $(BIN)/pytest -m "not browser" -n 2 -q $(PYTEST_ARGS)
	CITY=poznan TEST_NOW=$(FUTURE_NEW_YEAR) $(BIN)/pytest -q --reuse-db -m "not browser" $(CITY_TESTS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	for lang in fi sv en pl; do \
	  $(MANAGE) makemessages -l $$lang --ignore=.venv --ignore=var --no-obsolete -v 0; \
	done

# The data set (generated once into BENCH_DATABASE_URL), gunicorn with production settings under
# locust, the jobs; var/bench/results.json and docs/benchmarks.md (about 20 minutes the first
# time on 2 cores, most of it generating the data; BENCH_ARGS="--seconds 8" for longer runs).
BENCH_ARGS ?=
bench: install compilemessages
	LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(MANAGE) bench $(BENCH_ARGS)

# Back up a populated scratch database (yp_drill_src), restore it into an empty one
# (yp_drill_dst) and serve the portal from the copy; timed (var/drill/report.json).
.PHONY: restore-drill
restore-drill: install
	$(PY) ops/restore_drill.py

clean:
	rm -rf var/static var/test-media
