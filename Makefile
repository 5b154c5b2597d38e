# socialaid — make help lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
STACK := python3 deploy/local/stack.py
PYTEST_ARGS ?=

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

.PHONY: bootstrap
bootstrap: ## Install uv (if missing) and every Python package from the lock file into .venv
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --all-packages --locked

.PHONY: up
up: bootstrap ## Start PostgreSQL, Kafka, every service and simulator, load demo data, print the URLs
	$(STACK) up

.PHONY: down
down: ## Stop exactly the processes the stack started (services, Kafka, PostgreSQL)
	$(STACK) down

.PHONY: status
status: ## One line per stack process: pid, alive, health
	$(STACK) status

.PHONY: lint
lint: bootstrap ## ruff (lint + format check), mypy strict and the layer contracts
	$(PY) -m ruff check libs services tools tests bench openapi
	$(PY) -m ruff format --check libs services tools tests bench openapi
	$(PY) -m mypy
	.venv/bin/lint-imports

.PHONY: typecheck
typecheck: bootstrap ## mypy strict over libs/, services/ and tools/ (pydantic plugin)
	$(PY) -m mypy

.PHONY: format
format: bootstrap ## Apply ruff's formatting and safe fixes
	$(PY) -m ruff format libs services tools tests bench openapi
	$(PY) -m ruff check --fix libs services tools tests bench openapi

.PHONY: openapi
openapi: bootstrap ## Write openapi/<service>.json and openapi/asyncapi.yaml from the code
	$(PY) openapi/generate.py --write

.PHONY: openapi-check
openapi-check: bootstrap ## Fail when openapi/ drifts from the code
	$(PY) openapi/generate.py --check

.PHONY: manifests-check
manifests-check: ## Validate docker-compose.yml and deploy/k8s offline
	bash deploy/validate.sh

.PHONY: test
test: bootstrap lint openapi-check manifests-check ## The full suite: unit, integration, end-to-end and fault tests on a real stack
	$(STACK) up --no-demo
	$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ "$$rc" = 5 ]; then echo "pytest collected no tests: failing"; fi; \
	if [ -n "$$CI" ]; then $(STACK) down || true; fi; exit $$rc

.PHONY: test-unit
test-unit: bootstrap ## Only the tests that need no running infrastructure
	$(PY) -m pytest -m "not integration and not e2e and not fault" $(PYTEST_ARGS)

.PHONY: test-service
test-service: bootstrap ## One service's unit and integration tests: make test-service SERVICE=intake
	@test -n "$(SERVICE)" || { echo "usage: make test-service SERVICE=<intake|verification|benefits|payments|relief|referral>"; exit 2; }
	$(STACK) infra-up
	$(PY) -m pytest services/$(SERVICE) $(PYTEST_ARGS); rc=$$?; \
	if [ "$$rc" = 5 ]; then echo "pytest collected no tests: failing"; fi; exit $$rc

.PHONY: bench
bench: bootstrap ## Run the benchmarks (needs the stack: make up) and print their figures
	$(PY) bench/run.py
