# TaskFlow: `make run` serves it, `make test` checks it. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Trust the system's certificate store (corporate proxies and custom CAs live there).
export UV_SYSTEM_CERTS := 1
export UV_NATIVE_TLS := 1
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin
FRONTEND_SOURCES := $(shell find frontend -path frontend/node_modules -prune -o -type f -print 2>/dev/null)

.PHONY: help run test faults lint fmt migration migrate openapi web web-check e2e install deploy-check bench smoke clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

.tools/bin/uv:
	@command -v uv >/dev/null 2>&1 || { echo "bootstrapping uv $(UV_VERSION) from PyPI"; \
		python3 -m pip install --quiet --disable-pip-version-check --target .tools "uv==$(UV_VERSION)"; }

.venv/.synced: pyproject.toml uv.lock | .tools/bin/uv
	$(UV) sync --frozen --all-groups
	@touch $@

install: .venv/.synced ## Create the environment from the lock file

# The web app is built only when its sources exist (and changed since the last build); the
# build fails when its initial JS is 250 kB gzipped or more (frontend/scripts/initial-js.mjs).
# Playwright's browsers are never downloaded: the browser tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

src/taskflow/web/index.html: $(FRONTEND_SOURCES) | frontend/node_modules/.package-lock.json
	@if [ -f frontend/package.json ]; then cd frontend && npm run build && { npm run size || { rm -f ../src/taskflow/web/index.html; exit 1; }; }; fi

web: src/taskflow/web/index.html ## Build the web app into src/taskflow/web

web-check: install frontend/node_modules/.package-lock.json ## Web app: typecheck, lint, unit tests, client not stale
	cd frontend && npm run typecheck && npm run lint && npm test
	$(PY)/taskflow openapi > openapi.json
	cd frontend && npm run generate:check

e2e: install web tests/oidc/node_modules/.package-lock.json ## Browser tests in Debian's Chromium (fake API, then a real server)
	cd frontend && TASKFLOW_E2E=1 npm run e2e

run: install web ## Set up, migrate the SQLite default and serve on http://127.0.0.1:8000
	$(PY)/taskflow serve

# The real OpenID Provider the OIDC tests run (npm's oidc-provider, tests/oidc/).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund

test: install tests/oidc/node_modules/.package-lock.json ## Lint, type-check, check the import contracts and run the whole test suite
	$(PY)/ruff check src tests deploy
	$(PY)/ruff format --check src tests deploy
	$(PY)/mypy
	$(PY)/mypy deploy/smoke.py
	$(PY)/lint-imports
	$(PY)/pytest -n 2 -m "not faults" $(PYTEST_ARGS)

faults: install tests/oidc/node_modules/.package-lock.json ## Fault injection: private PostgreSQL/Redis/SMTP and workers stopped and restarted
	$(PY)/pytest -n 2 -m faults $(PYTEST_ARGS)

lint: install ## ruff lint + format check, mypy, import contracts (lint-imports)
	$(PY)/ruff check src tests deploy
	$(PY)/ruff format --check src tests deploy
	$(PY)/mypy
	$(PY)/mypy deploy/smoke.py
	$(PY)/lint-imports

fmt: install ## Format and auto-fix
	$(PY)/ruff format src tests deploy
	$(PY)/ruff check --fix src tests deploy

migration: install ## New Alembic revision from model changes: make migration m="add x"
	@test -n "$(m)" || { echo 'usage: make migration m="what changed"'; exit 2; }
	rm -f .tools/autogen.db
	TASKFLOW_DATABASE_URL=sqlite:///$(CURDIR)/.tools/autogen.db $(PY)/taskflow migrate
	TASKFLOW_DATABASE_URL=sqlite:///$(CURDIR)/.tools/autogen.db $(PY)/alembic revision --autogenerate -m "$(m)"

migrate: install ## Apply migrations to the configured database
	$(PY)/taskflow migrate

openapi: install ## Write openapi.json (the web app's client is generated from it)
	$(PY)/taskflow openapi > openapi.json

bench: install ## Seed 10k/100k/1M tasks on PostgreSQL, load-test against the raw baseline (docs/benchmarks.md)
	bench/all.sh

deploy-check: install ## Lint the Dockerfile, validate the compose file against the compose spec
	$(PY)/hadolint deploy/Dockerfile
	$(PY)/check-jsonschema --builtin-schema vendor.compose-spec deploy/docker-compose.yml

# nginx (Debian: apt-get install nginx-light), PostgreSQL on 127.0.0.1:5432 as postgres, Redis on
# 127.0.0.1:6379; SMOKE_POSTGRES and SMOKE_REDIS_URL point elsewhere (docs/deploy.md).
smoke: install web ## The production stack on loopback (nginx, gunicorn, worker), walked through nginx
	$(PY)/python deploy/smoke.py

clean: ## Remove the environment and build output (keeps ./data)
	rm -rf .venv .tools src/taskflow/web frontend/node_modules .mypy_cache .ruff_cache .pytest_cache
