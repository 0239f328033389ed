# Yangguang — two entry points: `make demo` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint schema bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the demo county on SQLite (var/demo.db) and show where to look next.
demo: $(STAMP)
	YANGGUANG_DATABASE_URL=sqlite:///var/demo.db $(BIN)/yangguang demo --fresh

## Lint, then every test on SQLite and on PostgreSQL (mandatory under CI=true).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## Regenerate the initial migration from the models (pre-release only: there is no deployed schema yet).
schema: $(STAMP)
	$(BIN)/python -m yangguang.migrations.regenerate

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
