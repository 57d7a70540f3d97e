# The front door: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer; the machine's python3 may be older.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
	/root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3; do \
	if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo "$$candidate"; break; fi; done)

# For trying it out: debug on, SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: install run test lint audit format migrations-check fuzz cluster cluster-stop load load-single db-fault abuse export-load bench backup restore ci clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (Django 6); install it or set PYTHON=/path/to/python3.12." >&2; exit 1; fi
	@if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $(PYTHON)"; "$(PYTHON)" -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@# A developer's checkout runs in debug mode unless the environment says otherwise.
	@if [ ! -f .env ]; then printf '# Local settings; real environment variables win.\nDEBUG=1\n' > .env; fi
	@touch $@

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py ensure_admin
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests run on every core (pytest-xdist); WORKERS=0 runs them in this process. A
# module or directory that builds shared data is kept on one worker by an
# xdist_group mark (--dist loadgroup). pytest-cov collects the workers' coverage.
WORKERS ?= auto
XDIST = -n $(WORKERS) --dist loadgroup

test: install
	$(BIN)/pytest $(XDIST) --cov --cov-report= $(PYTEST_ARGS)
	$(BIN)/coverage report --skip-covered --sort=cover | tail -n 15

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the pinned requirements. pip-audit needs its online
# vulnerability service; --strict makes a package it could not check an error.
audit: install
	$(BIN)/python -m pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit --strict -r requirements.txt

# The generated-input tests (pytest -m fuzz: schemathesis in-process and
# hypothesis), then schemathesis over the whole API schema, against gunicorn
# on PostgreSQL.
fuzz: install
	$(BIN)/pytest -m fuzz $(XDIST) $(PYTEST_ARGS)
	EXAMPLES=$${EXAMPLES:-50} bash .ci/fuzz

# nginx, three web processes, the PostgreSQL primary and its streaming
# replica, Redis: on 127.0.0.1:8100 (.ci/cluster). cluster-stop stops it.
cluster: install
	bash .ci/cluster start

cluster-stop:
	bash .ci/cluster stop

# 6 readers + 2 writing analysts for 60 s through the cluster, while a web
# process is killed and the replica stopped for 10 s (.ci/cluster-load).
load: install
	bash .ci/cluster-load

# The same load against one gunicorn (demo data + 100,000 positions).
load-single: install
	bash .ci/load

# The load again, while PostgreSQL restarts underneath it.
db-fault: install
	bash .ci/db-fault

# Two anonymous clients hammer the expensive endpoints, a third sends headers
# slowly; a reader's p99 must stay under 500 ms. POSITIONS=, SECONDS_TO_RUN=.
abuse: install
	bash .ci/abuse

# Two full CSV exports at once; a page of 50 positions keeps p99 under 500 ms
# and both exports arrive whole. POSITIONS=, or URL= and ROWS= for a running server.
export-load: install
	bash .ci/export-load

# Our API and pages beside Datasette and the thin floor on the harness's
# 1,000,000 positions (../shared/bench): N=, DURATION=, RUNS=, SKIP_GEN=1.
bench: install
	bash .ci/bench

backup: install
	$(RUN_ENV) $(BIN)/python manage.py backup $(FILE)

restore: install
	@if [ -z "$(FILE)" ]; then echo "Usage: make restore FILE=backups/stance-….dump" >&2; exit 1; fi
	$(RUN_ENV) $(BIN)/python manage.py restore "$(FILE)" --yes

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov staticfiles
