# Ventral: `make run` starts the service on the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv run test lint typecheck pytest services data bench clean

help:
	@echo "make run    - set up and start Ventral on http://127.0.0.1:8000 (SQLite, no servers)"
	@echo "make test   - set up and run lint, type checks and the full test suite"
	@echo "make data   - fetch (origin or VENTRAL_DATA_MIRROR), verify and build the offline data"
	@echo "make bench  - run the performance scripts under bench/"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.lock
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run: venv data
	$(BIN)/ventral serve

data: venv
	$(BIN)/ventral data fetch

services:
	bash scripts/ensure_services.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy

pytest: venv services
	. scripts/test_env.sh && $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: venv
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

chaos: venv services
	. scripts/test_env.sh && $(BIN)/python -m pytest tests/chaos --chaos -p no:cacheprovider -v -rA
