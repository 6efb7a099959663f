# Hearth: the targets a newcomer, a developer and CI use. Each sets up what it needs first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GOVUK := hearth/web/static/govuk
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres lint format bench assets install validator demand-model clean

## demo: install, migrate, seed a synthetic council and serve it on http://127.0.0.1:$(PORT)
demo: install assets
	$(BIN)/hearth demo --addr 127.0.0.1:$(PORT)

## test: install, then run the whole suite on SQLite and on a throwaway PostgreSQL cluster
test: install assets validator lint test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -n 2 --dist loadgroup

test-postgres:
	scripts/with-postgres $(BIN)/pytest -n 2 --dist loadgroup -m "not browser"

## lint: ruff check and format check
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## format: rewrite the code in the house style
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: the benchmarks under bench/, figures go in docs/performance.md
bench: install assets validator demand-model
	$(BIN)/python -m bench

## install: the virtual environment with Hearth and its test tools
install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(shell command -v $(PYTHON) || echo python3) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## validator: the DfE's SSDA903 validator in its own environment (it pins an old pandas)
VALIDATOR := .venv-903
validator: $(VALIDATOR)/.installed

$(VALIDATOR)/.installed: requirements-903.txt
	test -x $(VALIDATOR)/bin/python || $(shell command -v $(PYTHON) || echo python3) -m venv $(VALIDATOR)
	$(VALIDATOR)/bin/pip install --quiet --requirement requirements-903.txt
	touch $@

## demand-model: the DfE-funded cs-demand-model in its own environment (old pandas), for make bench
DEMAND := .venv-demand
demand-model: $(DEMAND)/.installed

$(DEMAND)/.installed: requirements-demand.txt
	test -x $(DEMAND)/bin/python || $(shell command -v $(PYTHON) || echo python3) -m venv $(DEMAND)
	$(DEMAND)/bin/pip install --quiet --requirement requirements-demand.txt
	touch $@

## assets: GOV.UK Frontend's built CSS, JS, fonts and images (and axe-core) from npm
assets: node_modules/.package-lock.json
	rm -rf $(GOVUK)
	mkdir -p $(GOVUK)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(GOVUK)/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	sed 's#url(/assets/#url(/static/govuk/assets/#g' \
	  node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(GOVUK)/govuk-frontend.min.css

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) $(VALIDATOR) $(DEMAND) node_modules $(GOVUK) var
