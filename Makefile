# Vmeste — `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
# Processes of the test suite (pytest-xdist): one per core of the machines it runs on.
WORKERS ?= 2
export PYTHONDONTWRITEBYTECODE := 1
BENCH_SCALE ?= small

.DEFAULT_GOAL := help
.PHONY: help demo test test-fast lint format lock openapi messages browser-deps gettext-deps serve worker clean screenshots bench bench-deps soak scaleout

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.installed: requirements/main.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/main.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(STAMP): requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed ## Install, migrate the embedded database, load the demo, run web + worker
	$(BIN)/vmeste demo

serve: $(VENV)/.installed ## Run the production web server only (gunicorn)
	$(BIN)/vmeste serve

worker: $(VENV)/.installed ## Run the background worker and the minute sweep
	$(BIN)/vmeste worker

gettext-deps: ## Install GNU gettext for `make messages` and the catalogue test (needs root or sudo)
	@command -v xgettext >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }

browser-deps: ## Install Debian's Chromium for the browser tests (needs root or sudo)
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser-deps gettext-deps ## Run the whole suite on DATABASE_URL (SQLite when unset), in $(WORKERS) processes
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

test-fast: $(STAMP) ## Run the suite without the browser tests
	$(BIN)/pytest -n $(WORKERS) -m "not browser"

lint: $(STAMP) ## ruff, ruff format --check, mypy, makemigrations --check, OpenAPI drift
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/vmeste makemigrations --check --dry-run
	$(BIN)/vmeste export_openapi --output /tmp/vmeste-openapi.json >/dev/null && diff -q docs/openapi.json /tmp/vmeste-openapi.json

format: $(STAMP) ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

openapi: $(STAMP) ## Regenerate docs/openapi.json after changing the API
	$(BIN)/vmeste export_openapi --output docs/openapi.json

messages: $(STAMP) gettext-deps ## Update and compile the translation catalogues
	cd src/vmeste && ../../$(BIN)/vmeste makemessages -l ru -l en --no-obsolete --ignore "demo/*"
	cd src/vmeste && ../../$(BIN)/vmeste compilemessages

lock: | $(BIN)/python ## Re-resolve the pinned dependencies (requirements/*.lock)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements/main.lock --quiet
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements/dev.lock --quiet

screenshots: $(STAMP) browser-deps ## Render the main demo pages into docs/screenshots/ (desktop and phone)
	$(BIN)/vmeste migrate -v0
	$(BIN)/vmeste seed-demo --if-empty
	$(BIN)/vmeste screenshots

bench-deps: ## Install Debian's wrk and nginx for the benchmarks (needs root or sudo)
	@{ command -v wrk && test -x /usr/sbin/nginx; } >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk nginx >/dev/null; }

bench: $(VENV)/.installed bench-deps ## Seed PostgreSQL (BENCH_SCALE=small|full) and run the load scenarios
	BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python bench/run.py

soak: $(VENV)/.installed bench-deps ## Mixed load at 70 % of capacity for SOAK_MINUTES (10), checked
	BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python bench/soak.py

scaleout: $(VENV)/.installed bench-deps ## Two web processes behind nginx, two workers, two sweeps under load, checked
	$(BIN)/python bench/scaleout.py

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
