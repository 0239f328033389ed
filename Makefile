# Yangguang — two entry points: `make demo` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/yangguang/web/static/vendor
VENDORED := $(VENDOR)/htmx.min.js $(VENDOR)/echarts.min.js
# Debian packages the browser tests and CJK screenshots need (installed only when missing; needs root).
SYSTEM_PACKAGES := chromium fonts-noto-cjk

.PHONY: demo test lint schema bench clean system-packages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Front-end packages from npm (package-lock.json), copied into the app's static files.
$(VENDORED) &: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## Build the demo county on SQLite (var/demo.db) and show where to look next.
demo: $(STAMP) $(VENDORED)
	YANGGUANG_DATABASE_URL=sqlite:///var/demo.db $(BIN)/yangguang demo --fresh

## Lint, then every test on SQLite and on PostgreSQL (mandatory under CI=true). The browser tests run on
## their own: Playwright's sync API keeps an event loop running in its worker, which breaks asyncio.run.
test: $(STAMP) $(VENDORED) system-packages
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --ignore=tests/browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q tests/browser

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## Regenerate the initial migration from the models (pre-release only: there is no deployed schema yet).
schema: $(STAMP)
	$(BIN)/python -m yangguang.migrations.regenerate

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache node_modules $(VENDOR)
