# Gongzhi: `make run` serves the portal with its worker; `make test` runs every check.
# Both do the whole set-up first (system packages when root, .venv, requirements, migrations).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SYSTEM_PACKAGES := fonts-wqy-zenhei poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext chromium
export DJANGO_SETTINGS_MODULE ?= portal.settings.dev

.PHONY: requirements messages-update vendor run test setup system venv messages migrate demo logins totp lint check pytest test-pg clean bench layout permissions-doc

run: setup demo
	@$(MANAGE) demo_logins $(if $(ALL),--all)
	@echo "Serving http://127.0.0.1:8000 (web and worker; Ctrl-C stops both)"
	$(VENV)/bin/honcho -f Procfile.dev start

test: setup lint check pytest

setup: system venv vendor messages migrate

# System packages (Pango and a CJK font for WeasyPrint, poppler for PDF checks, gettext,
# Chromium for browser tests): installed when missing and running as root.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Missing system packages (run as root or install them):$$missing"; exit 1; fi; \
	fi
	@command -v npm >/dev/null || { [ "$$(id -u)" = "0" ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } || { echo "npm is missing"; exit 1; }

venv: $(VENV)/.installed

# Apache ECharts from the npm registry, served as a static file (no CDN: intranet-ready).
# axe-core (npm too) is never served: the layout checks inject it into the page under test.
VENDOR_JS := themes/default/static/vendor/echarts.min.js
AXE_JS := node_modules/axe-core/axe.min.js
vendor: $(VENDOR_JS) $(AXE_JS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR_JS): node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

$(AXE_JS): node_modules/.package-lock.json
	@test -f $@ || npm ci --no-audit --no-fund --loglevel=error

# Development and CI install requirements-dev.txt (the runtime pins plus tests and tools);
# a production host installs the runtime only: `make setup REQUIREMENTS=requirements.txt`.
REQUIREMENTS ?= requirements-dev.txt
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(REQUIREMENTS)
	@touch $@

# Recompile the pinned files from pyproject.toml's declared dependencies (pins already in the
# files are kept; add --upgrade-package NAME to move one).
PIP_COMPILE := $(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links
requirements: venv
	$(PIP_COMPILE) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.txt pyproject.toml

messages: venv
	@$(MANAGE) compilemessages -v0 --ignore=.venv

migrate: venv
	@$(MANAGE) migrate -v0

demo: migrate
	@$(MANAGE) load_demo_data

logins:
	@$(MANAGE) demo_logins $(if $(ALL),--all)

totp:
	@$(MANAGE) demo_totp $(EMAIL)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

# What a real deployment sets besides secrets (docs/deploy.md): Redis for the shared cache that
# holds sign-in limits, and an SMS gateway. check --deploy reads them; it connects to neither.
DEPLOYMENT_SHAPE := REDIS_URL=redis://127.0.0.1:6379/0 SMS_BACKEND=portal.accounts.sms.HttpGatewaySMSBackend \
	SMS_GATEWAY_URL=https://sms.example.cn/send SMS_GATEWAY_TOKEN=check-deploy

check: venv
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') ALLOWED_HOSTS=portal.example.cn \
	  PORTAL_BASE_URL=https://portal.example.cn $(DEPLOYMENT_SHAPE) $(MANAGE) check --deploy --fail-level WARNING

pytest: venv
	DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -q -n 2 --durations=20 $(PYTEST_ARGS)

# The layout, accessibility and language checks alone (tests/e2e/test_layout.py and the checks'
# own tests): screenshots and findings of every page and variant in tests/e2e/screenshots/layout/.
layout: system venv vendor messages
	DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -q -n 2 \
	  tests/e2e/test_layout.py tests/e2e/test_layout_checks.py $(PYTEST_ARGS); status=$$?; \
	  echo "Screenshots and findings: tests/e2e/screenshots/layout/index.html"; exit $$status

# The suite against PostgreSQL (DATABASE_URL defaults to the local server's `test` database).
test-pg: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest -q -n 2 --durations=20 $(PYTEST_ARGS)

# Every bench script; _*.py, bench_*.py and *settings.py are their shared helpers, not benches.
# docs/permissions.md: what each role may open (the matrix) and what each URL's gate asks;
# tests/security/test_permissions_doc.py fails until it is rewritten after a change.
permissions-doc: venv
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m tests.security.permissions_doc

bench: setup
	@for f in bench/*.py; do case $$(basename $$f) in _*|bench_*|*settings.py) continue;; esac; \
	  echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 var static_collected node_modules

# Refresh the Chinese catalogue from the code and templates (then translate the new entries).
messages-update: venv
	$(MANAGE) makemessages -l zh_Hans --add-location=file --no-obsolete \
	  --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=static_collected --ignore=var
