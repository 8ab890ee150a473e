# The two set-up commands (see README): `make run` and `make test`.
# Both create ./.venv and install the project into it; `make test` also installs
# Debian's chromium (for the browser tests) when it is missing.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test lint format-js bench system-deps

run: $(VENV)/.installed
	$(VENV)/bin/streamlit run app.py

test: system-deps $(VENV)/.installed-test
	$(PY) -m pytest

lint: $(VENV)/.installed-test tools/js/node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	cd tools/js && npm run --silent lint

# JavaScript: prettier and eslint, pinned in tools/js/package-lock.json (npm registry).
# `make format-js` rewrites the modules as prettier wants them.
tools/js/node_modules/.installed: tools/js/package.json tools/js/package-lock.json
	cd tools/js && npm ci --no-audit --no-fund --silent
	touch $@

format-js: tools/js/node_modules/.installed
	cd tools/js && npm run --silent format

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

system-deps:
	@bash tools/install-system-deps.sh
