# The front door. `make run` serves the portal with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: help venv install run worker test test-fast lint format messages compilemessages bench clean

help:
	@echo "make run    - install, migrate, demo data, admin user, dev server on http://$(HOST)/"
	@echo "make test   - the whole test suite on PostgreSQL and Redis, browser tests included"
	@echo "make lint   - ruff check and format check"
	@echo "make bench  - benchmarks on a large generated data set (writes var/bench/results.json)"
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

run: install compilemessages
	mkdir -p var/celery/queue var/celery/processed var/celery/control
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) demo_data
	$(MANAGE) ensure_admin --site-url http://$(HOST)
	@echo "Starting a Celery worker with beat on kombu's filesystem transport (log: var/celery.log)"
	$(BIN)/celery -A portal worker -B --pool=solo --loglevel=INFO --schedule=var/celerybeat-schedule > var/celery.log 2>&1 & \
	  trap "kill $$! 2>/dev/null" EXIT; \
	  $(MANAGE) runserver $(HOST)

test: install compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

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

bench: install compilemessages
	$(MANAGE) bench

# Back up a populated scratch database (yp_drill_src), restore it into an empty one
# (yp_drill_dst) and serve the portal from the copy; timed (var/drill/report.json).
.PHONY: restore-drill
restore-drill: install
	$(PY) ops/restore_drill.py

clean:
	rm -rf var/static var/test-media
