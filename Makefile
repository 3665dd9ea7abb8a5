# The site's commands. `make run` serves the demo site; `make test` passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/hojokin

.PHONY: install run test test-postgres test-browser lint check bench clean serve-prod load

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@rm -rf build *.egg-info
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

test-browser: install
	$(BIN)/pytest -m browser

# Production start: needs DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL in the
# environment (see README "Running in production"). Each app server runs this; migrate is safe to repeat.
serve-prod: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(BIN)/gunicorn -c gunicorn.conf.py config.wsgi

# The load run (not in CI): two gunicorn instances on one PostgreSQL, 32 connections for 60 s, without and
# with the Redis cache. LOAD_DATABASE_URL must hold the data set (see benchmarks/README.md).
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hojo_load
load: install
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) benchmarks/load.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) build *.egg-info staticfiles
