# The two commands of the README. Each makes its own virtual environment.
PYTHON ?= python3.12
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,postgres,dev]'
	touch $(STAMP)

## run: migrate, create the demo login, start http://127.0.0.1:8000 and send demo events
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py demo

## test: the whole suite (set DATABASE_URL=postgres://... for PostgreSQL)
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: the benchmarks (ingest under gunicorn with wrk, lists, export, bulk); see README
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python -m tests.benchmarks $(BENCH_ARGS)
