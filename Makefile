# DMPhysios: `make run` to serve the site locally, `make test` to run the whole suite.
# Both start from nothing: they create the virtualenv, install Python and npm packages,
# build the CSS, migrate and load the fixtures (into empty tables only).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Local runs are development runs; production sets its own environment (see .env.example).
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install assets setup run superuser test lint format migrations-check check fixtures clean serve bench bench-render bench-diary

help:
	@echo "make run               set up and serve the site on http://$(HOST):$(PORT)/ with its worker (SQLite)"
	@echo "make test              set up and run the whole test suite"
	@echo "make lighthouse        Lighthouse budgets on a production-like server (reports/lighthouse/)"
	@echo "make screenshots       phone and desktop screenshots of each public page (reports/screenshots/)"
	@echo "make superuser         create an admin login"
	@echo "make lint              ruff"
	@echo "make migrations-check  fail if models changed without a migration"
	@echo "make fixtures          rebuild fixtures/conditions.json from fixtures/source/"
	@echo "make serve             the production setup locally: gunicorn on http://$(HOST):$(SERVE_PORT)/"
	@echo "make bench             measure requests/s and latency under gunicorn (results in reports/bench/)"
	@echo "make bench-render      the condition page's Python cost with nothing cached, in one process (ms/render)"
	@echo "make bench-diary       free times over 14 days, 2,000 appointments, in one process (PostgreSQL: DATABASE_URL)"

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/site.css: node_modules/.installed $(wildcard static/scss/*.scss static/scss/*/*.scss)
	npm run --silent build:css

assets: static/dist/site.css

setup: install assets
	$(DEV) $(MANAGE) migrate --noinput
	$(DEV) $(MANAGE) load_initial_data

run: setup
	@echo
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/  (first time: 'make superuser' in another terminal)"
	@echo "  The worker (e-mails, SMS, WhatsApp, reminders) runs alongside; Ctrl-C stops both."
	@echo
	$(DEV) $(PY) tools/run.py $(HOST):$(PORT)

superuser: install
	$(DEV) $(MANAGE) createsuperuser

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(DEV) $(MANAGE) makemigrations --check --dry-run

check: install
	$(DEV) $(MANAGE) check

fixtures: install
	$(DEV) $(MANAGE) build_condition_fixture

# Production-like, on plain loopback: debug off, gunicorn, hashed static files, the HTTPS redirect
# switched off (the one thing a public server must never do). A throwaway secret key unless one is set.
SERVE_PORT ?= 8001
SERVE_ENV := DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}

serve: setup
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v0
	@echo "  Site: http://$(HOST):$(SERVE_PORT)/  (gunicorn, production settings; Ctrl-C stops it)"
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c gunicorn.conf.py --bind $(HOST):$(SERVE_PORT)

bench: install assets
	$(PY) bench/run.py $(BENCH_ARGS)

bench-render: install assets
	$(PY) bench/render.py $(RENDER_ARGS)

bench-diary: install
	$(PY) bench/diary.py $(DIARY_ARGS)

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles tools/lighthouse/node_modules

.PHONY: lighthouse screenshots

# Lighthouse has its own package.json so `make run` never installs it.
tools/lighthouse/node_modules/.installed: tools/lighthouse/package.json tools/lighthouse/package-lock.json
	npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error
	touch $@

lighthouse: install assets tools/lighthouse/node_modules/.installed
	$(PY) -m tools.lighthouse.run

screenshots: install assets
	$(PY) -m tools.screenshots
