# Two commands on a fresh machine: `make dev` (serve the example app through
# the Lambda shim, no cloud account) and `make test`.
VENV := .venv
PYTHON := $(VENV)/bin/python
STACK ?= staging
PORT ?= 3000
# The function runtime's Python (python3.13 is the default runtime), for the cold-start benchmark.
RUNTIME_PYTHON ?= python3.13

.PHONY: dev test plan snapshots readme bench bench-cold clean

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

# As Lambda's python image has it: the runtime's Python with AWS's runtime interface client.
.venv-runtime/.installed: benchmarks/runtime-requirements.txt
	$(RUNTIME_PYTHON) -m venv .venv-runtime
	.venv-runtime/bin/python -m pip install --quiet -r benchmarks/runtime-requirements.txt
	touch $@

# Needs go, and RUNTIME_PYTHON=/path/to/python3.13 where python3.13 is not on PATH.
bench-cold: $(VENV)/.installed .venv-runtime/.installed
	$(PYTHON) benchmarks/cold_start.py

clean:
	rm -rf $(VENV) .venv-runtime tests/workflows/node_modules tests/servers/node_modules
