# Two commands on a fresh machine: `make dev` (serve the example app through
# the Lambda shim, no cloud account) and `make test`.
VENV := .venv
PYTHON := $(VENV)/bin/python
STACK ?= staging
PORT ?= 3000

.PHONY: dev test plan snapshots readme bench clean

$(VENV)/.installed: requirements-dev.txt components/pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $@

tests/workflows/node_modules/.installed: tests/workflows/package.json tests/workflows/package-lock.json
	npm ci --silent --prefix tests/workflows
	touch $@

tests/servers/node_modules/.installed: tests/servers/package.json tests/servers/package-lock.json
	npm ci --silent --prefix tests/servers
	touch $@

dev: $(VENV)/.installed
	$(VENV)/bin/skylift dev --stack $(STACK) --port $(PORT)

test: $(VENV)/.installed tests/workflows/node_modules/.installed tests/servers/node_modules/.installed
	$(PYTHON) -m pytest -q

plan: $(VENV)/.installed
	$(VENV)/bin/skylift plan --stack $(STACK)

# After a change to app/, the shim or a stack file: refresh the committed plans.
snapshots: $(VENV)/.installed
	$(VENV)/bin/skylift plan --stack staging --update
	$(VENV)/bin/skylift plan --stack production --update

# After a change to components/skylift/settings.py: the README's configuration table.
readme: $(VENV)/.installed
	$(PYTHON) -m skylift.settings README.md

bench: $(VENV)/.installed
	$(PYTHON) benchmarks/shim_overhead.py

clean:
	rm -rf $(VENV) tests/workflows/node_modules tests/servers/node_modules
