# The site's commands. `make run` serves the demo site; `make test` passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/hojokin

.PHONY: install run test test-postgres test-browser lint check bench clean

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

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# The search benchmark (PostgreSQL): 2,000 and 200,000 generated listings, each in its own database.
BENCH_SMALL_URL ?= postgres://postgres@127.0.0.1:5432/hojo_bench2k
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/hojo_bench
BENCH_COUNT ?= 200000
bench: install
	DATABASE_URL=$(BENCH_SMALL_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_SMALL_URL) $(PY) manage.py generate_demo_data --count 2000 --if-empty
	DATABASE_URL=$(BENCH_SMALL_URL) $(PY) manage.py run_benchmark --save /tmp/bench-small.json
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py generate_demo_data --count $(BENCH_COUNT) --if-empty
	DATABASE_URL=$(BENCH_URL) $(PY) manage.py run_benchmark --repeats 5 --compare /tmp/bench-small.json

clean:
	rm -rf $(VENV) build *.egg-info staticfiles
