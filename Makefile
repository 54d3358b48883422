# `make run` and `make test` do every set-up step themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
RUN_PKGS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
TEST_PKGS := $(RUN_PKGS) chromium poppler-utils
# axe-core, the accessibility checker the browser tests load into each page (tests/e2e/test_pages_fit.py),
# from the npm registry at this exact version, into var/ (not in git).
AXE_CORE_VERSION := 4.14.1
AXE_CORE := var/npm/axe-core-$(AXE_CORE_VERSION).installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test lint bench sysdeps-run sysdeps-test messages clean worker beat schema

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Installs Debian packages only when they are missing and we are root; otherwise says what is missing.
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	  else echo "Missing system packages (install them as root):$$missing"; fi; \
	fi
endef

sysdeps-run:
	$(call apt_ensure,$(RUN_PKGS))

sysdeps-test:
	$(call apt_ensure,$(TEST_PKGS))

# The development settings, for `make run` and every manage.py command run by hand afterwards.
.env:
	printf '# Development settings written by make run (not for production).\nDEBUG=1\n' > $@

run: sysdeps-run $(VENV)/.installed .env
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py document_signing_demo  # DEMO CA and signing key, created once (var/signing-demo/)
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py demo_two_factor
	@echo "Serving http://127.0.0.1:$(PORT)/  (demo users above, password demo12345)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Background jobs through Redis (REDIS_URL must be set; without it jobs run inside `make run`).
worker: $(VENV)/.installed
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0"; exit 1; }
	$(VENV)/bin/celery -A config worker -l INFO

beat: $(VENV)/.installed
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0"; exit 1; }
	$(VENV)/bin/celery -A config beat -l INFO

$(AXE_CORE):
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js with npm for the accessibility check"; exit 1; }
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix var/npm axe-core@$(AXE_CORE_VERSION)
	touch $@

test: sysdeps-test $(VENV)/.installed $(AXE_CORE)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

bench: $(VENV)/.installed
	cd bench && for script in *.py; do case $$script in _*) continue;; esac; echo "== $$script"; DEBUG=1 ../$(PY) $$script; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The OpenAPI schema of the REST API, checked in (tests/api/test_schema.py fails when it is stale).
schema: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py spectacular --lang en --validate --fail-on-warn --file api/openapi.yaml
