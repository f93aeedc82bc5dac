# itprosig: `make run` serves the app with demo data, `make test` runs the whole suite (CI),
# `make test-fast` the unit and integration tests without the browser, the embedded lane and the large sends.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Tests and benchmarks run against PostgreSQL; `make run` stays embedded (SQLite) unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/itprosig
PG_HOST := 127.0.0.1
# Two xdist workers: CI has two cores. PYTEST_ARGS="-n 0 tests/meetings" runs a part serially.
PYTEST_ARGS ?= -n 2
# The suite starts many Python processes (xdist workers, Celery workers, gunicorn): let them keep
# compiled modules and pytest's rewritten tests, even where the environment says not to.
PYTEST := env PYTHONDONTWRITEBYTECODE= $(PY) -m pytest

.PHONY: help run test messages test-fast test-embedded lint format services system-test-deps bench translations demo clean

help:
	@echo "make run    install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install test dependencies, start PostgreSQL and Redis if needed, run the suite"
	@echo "            and the embedded-mode lane (make test-embedded runs the lane alone)"
	@echo "make test-fast  the same install, then the suite without browser, embedded and large-send"
	@echo "            tests (markers e2e, embedded, slow): 50 to 60 s on two cores"
	@echo "make lint   ruff check and format check"
	@echo "make bench  benchmarks at scale (PostgreSQL, Redis, gunicorn, wrk); not part of make test"

$(PY):
	@py=$$(scripts/find-python) && "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.run-deps

translations: $(VENV)/.run-deps
	@$(PY) scripts/compile_translations.py

# After changing user-facing strings: extract them into each app's French catalogue (GNU gettext),
# translate the new entries, and `make translations` (or any make target) compiles them.
messages: $(VENV)/.run-deps
	@command -v xgettext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null
	DEBUG=true $(PY) manage.py makemessages -l fr --no-obsolete --add-location file \
	  -i .venv -i node_modules -i var -i tests -i bench -i scripts

run: $(VENV)/.run-deps translations
	@mkdir -p var/mail
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	@# Links in email (calendar, unsubscribe, check-in codes) point at this server, whatever the PORT.
	DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Debian packages and npm packages the browser, HTML and accessibility tests need.
system-test-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v xgettext >/dev/null; then \
	  echo "installing Debian's chromium (browser tests) and gettext (catalogue tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext) >/dev/null \
	    || { echo "could not install chromium (needs root and Debian's package registry)"; exit 1; }; \
	fi
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	fi

services:
	@pg_isready -q -h $(PG_HOST) -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h $(PG_HOST) -p 5432 && break; sleep 1; done
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done

test: $(VENV)/.test-deps system-test-deps services translations
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PYTEST) $(PYTEST_ARGS) -m "not embedded"
	$(MAKE) --no-print-directory test-embedded
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run

# The lane to run while working: what `make test` installs and starts, minus the browser (e2e), the
# embedded lane and the large sends (slow: 2,000 newsletters, a worker killed mid-send).
test-fast: $(VENV)/.test-deps services translations
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PYTEST) -n 2 --reuse-db -m "not e2e and not embedded and not slow"

# The embedded-mode lane: a copy of the app served as `make run` serves it (SQLite, eager tasks, mail
# in files), driven over HTTP from sign-up to the liaison's report. One server, so one process;
# `timeout` stops the lane (server included) if it ever runs past five minutes.
test-embedded: $(VENV)/.test-deps translations
	timeout 300 $(PYTEST) -n 0 -m embedded tests/embedded

lint: $(VENV)/.test-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.test-deps
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Benchmark-only tools (profilers) on top of the test dependencies.
$(VENV)/.bench-deps: bench/requirements.txt $(VENV)/.test-deps
	$(PY) -m pip install --quiet -r bench/requirements.txt
	@touch $@

# Lighthouse (large, benchmark-only) has its own package and lock beside its step, not the test tools'.
bench/lighthouse/node_modules/.package-lock.json: bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# BENCH_ARGS="--only ceiling,home --duration 5" runs a part; "--reseed" seeds the data again;
# "--skip lighthouse" leaves out the phone audits.
bench: $(VENV)/.bench-deps services translations bench/lighthouse/node_modules/.package-lock.json
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var node_modules
