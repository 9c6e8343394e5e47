# Two commands for users: `make run` and `make test`. Both install only what is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
PORT   ?= 8501
# Loopback only: with no sign-in configured the app is for this machine (README, "Sign-in and roles").
ADDRESS ?= 127.0.0.1

.PHONY: run test lint bench sysdeps venv cluster cluster-stop precompute

run: venv sysdeps
	FORWARDED_ALLOW_IPS= $(BIN)/python -m ui.serve --server.address $(ADDRESS) --server.port $(PORT) --browser.serverPort $(PORT)

# Two workers (pytest-xdist): the suite is mostly waiting on Chromium, app servers and PostgreSQL, and CI has 2 cores.
test: venv sysdeps
	$(BIN)/python -m pytest -n 2

# Several replicas behind Debian's nginx on one PostgreSQL, on this machine (README "Deployment: several replicas").
# deploy/cluster.py installs nginx with apt-get when absent; a throwaway PostgreSQL unless COCKPIT_DATABASE_URL.
REPLICAS     ?= 3
CLUSTER_PORT ?= 8620
cluster: venv sysdeps
	$(BIN)/python deploy/cluster.py start --replicas $(REPLICAS) --port $(CLUSTER_PORT)

cluster-stop: venv
	$(BIN)/python deploy/cluster.py stop --port $(CLUSTER_PORT)

# The pages' results for the store's current data version, computed once and stored (README "Deployment").
# PRECOMPUTE_ARGS e.g. "--kind forecast" (only the forecasts) or "--force" (again, for a finished version).
precompute: venv
	$(BIN)/python -m precompute $(PRECOMPUTE_ARGS)

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: venv sysdeps
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when requirements.txt changed since the last successful install.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	cp requirements.txt $(STAMP)

# Debian packages: Chromium (browser tests, static chart export), a CJK font (Chinese glyphs in exports) and
# PostgreSQL (the store tests start a throwaway server; installed here so parallel test workers never race apt-get).
sysdeps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
