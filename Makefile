# The site's commands. `make run` serves the demo site; `make test` passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/hojokin

.PHONY: install node run worker test test-postgres test-browser screenshots lint check bench bench-detail bench-pages bench-memory clean serve-prod load eval messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@rm -rf build *.egg-info
	@touch $@

install: $(VENV)/.installed

# axe-core and Lighthouse for the browser suite, exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

node: node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The e-mail alerts worker (queued mail and the daily digest); `make run` does not start it.
worker: install
	$(PY) manage.py alerts_worker

test: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

test-browser: install node
	$(BIN)/pytest -m browser

# Full-page PNGs of every page type at 375 px and 1280 px into screenshots/ (git-ignored).
screenshots: install node
	$(BIN)/pytest -m browser tests/browser/test_screenshots.py
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

# The question box's evaluation: the development and held-out sets' scores and confident-wrong rates.
eval: install
	$(BIN)/pytest -q tests/assistant/test_evaluation.py

# The project's Japanese catalog (locale/ja): compile the .po files into the .mo files Django reads (needs gettext).
messages: install
	$(PY) manage.py compilemessages -l ja --ignore=.venv --ignore=node_modules

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# The seed detail page against a static copy of it, under gunicorn on PostgreSQL (database hojo_detail_bench).
bench-detail: install
	$(PY) benchmarks/detail_vs_static.py
# Every kind of anonymous page against the same static copy (BENCH_CACHE_URL=redis://... for the shared cache).
bench-pages: install
	$(PY) benchmarks/pages_vs_static.py
# Worker memory at 200,000 listings (BENCH_URL, made by `make bench`), steady and while the index is rebuilt.
bench-memory: install
	$(PY) benchmarks/worker_memory.py
# The search benchmark (PostgreSQL): 2,000 and 200,000 generated listings, each in its own database.
BENCH_SMALL_URL ?= postgres://postgres@127.0.0.1:5432/hojo_bench2k
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/hojo_bench
BENCH_COUNT ?= 200000
bench: install
	@for url in $(BENCH_SMALL_URL) $(BENCH_URL); do \
	  psql -q "$${url%/*}/postgres" -c "CREATE DATABASE \"$${url##*/}\"" 2>/dev/null || true; done
	DATABASE_URL=$(BENCH_SMALL_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_SMALL_URL) $(PY) manage.py generate_demo_data --count 2000 --if-empty
	DATABASE_URL=$(BENCH_SMALL_URL) $(PY) manage.py run_benchmark --save /tmp/bench-small.json
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py generate_demo_data --count $(BENCH_COUNT) --if-empty
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py run_benchmark --repeats 5 --compare /tmp/bench-small.json

clean:
	rm -rf $(VENV) build *.egg-info staticfiles node_modules screenshots
