# Passerelle: two commands on a fresh machine with Python 3.11.
#   make run   — install what runs, migrate, load the demo data and serve on http://127.0.0.1:8000/
#                (another port: make run PORT=8001)
#   make test  — install the tools too and run the whole test suite: in parallel on every core,
#                then the browser tests in their own pytest run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages

# What runs (make run) and, on top of it, the tests and tooling (make test, make lint).
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Links in emails point where this server listens, unless PASSERELLE_BASE_URL says otherwise.
run: export PASSERELLE_BASE_URL ?= http://$(HOST):$(PORT)
run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	$(BIN)/python manage.py demo_totp_code --key
	@echo ""
	@echo "Emails (invitations, notifications) are written to files in var/emails/."
	@echo "Passerelle is running at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/daphne --websocket_connect_timeout 30 --websocket-max-message-size 65536 --bind $(HOST) --port $(PORT) config.asgi:application

# axe-core, from the npm registry, for the browser tests' accessibility checks (package-lock.json).
node_modules/axe-core/axe.min.js: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Every core: each pytest-xdist worker has its own test database and Redis database
# (tests/conftest.py). The browser tests share one Chromium and one Daphne per module: one process.
test: $(BIN)/.installed-dev node_modules/axe-core/axe.min.js
	$(BIN)/pytest -m "not browser" -n auto
	$(BIN)/pytest -m browser -p no:cacheprovider

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract and compile translations (needs GNU gettext; the compiled .mo files are committed).
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages --no-obsolete -l fr_CA -l en_CA -l es_419 --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py makemessages --no-obsolete -d djangojs -l fr_CA -l en_CA -l es_419 --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv
