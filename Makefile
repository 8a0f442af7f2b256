# Two commands matter: `make run` and `make test`. Both bootstrap everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Every target installs the dev lock (which includes the production one, requirements.txt): a
# change to either file reinstalls.
LOCKS := requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help run test lint format lock chromium bench bench-flash bench-live messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): $(LOCKS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP) ## Bring up the whole site with demo data on http://127.0.0.1:8000/
	$(PY) scripts/devstack.py run

test: $(STAMP) chromium ## Run lint, types, the migration check and the whole test suite (browser tests included)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) scripts/devstack.py test $(ARGS)

lint: $(STAMP) ## ruff lint and format check, mypy on the modules pyproject.toml lists
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

lock: ## Re-pin requirements.txt and requirements-dev.txt from the .in files (fresh virtualenvs)
	rm -rf var/lock
	$(PYTHON) -m venv var/lock/prod
	var/lock/prod/bin/pip install --quiet -r requirements.in
	var/lock/prod/bin/pip freeze > requirements.txt
	$(PYTHON) -m venv var/lock/dev
	var/lock/dev/bin/pip install --quiet -r requirements-dev.in -c requirements.txt
	{ echo "-r requirements.txt"; var/lock/dev/bin/pip freeze | grep -vxFf requirements.txt; } > requirements-dev.txt
	rm -rf var/lock

format: $(STAMP) ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

chromium: ## Install Debian's Chromium for the browser tests when missing (needs root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi; }

bench: $(STAMP) ## Page benchmarks with wrk (writes docs/benchmarks.md)
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: run 'sudo apt-get install wrk'" >&2; exit 1; fi; }
	$(PY) scripts/devstack.py shell $(PY) bench/pages.py

bench-flash: $(STAMP) ## Flash sale: buyers race through checkout for a few units, beside pgbench (docs/benchmarks.md)
	@command -v pgbench >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; \
	  else echo "pgbench is missing: run 'sudo apt-get install postgresql-client'" >&2; exit 1; fi; }
	$(PY) scripts/devstack.py shell $(PY) bench/flash_sale.py $(ARGS)

bench-live: $(STAMP) ## Live room: 200-1000 viewers, chat and deal pushes per channel layer, beside a websockets ceiling (docs/benchmarks.md)
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: run 'sudo apt-get install wrk'" >&2; exit 1; fi; }
	$(PY) scripts/devstack.py shell $(PY) bench/live_room.py $(ARGS)

messages: $(STAMP) ## Refresh and compile the translation catalogs
	DEBUG=1 $(PY) manage.py makemessages -l id --ignore=.venv --ignore=var --ignore=artifacts --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean: ## Remove the virtualenv and all local data (database, media)
	rm -rf $(VENV) var artifacts
