# One task file. `make build` and `make test` work on a fresh machine with Python 3.11: they make .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)  ## Build output/ from corpus/
	$(BIN)/kg build

test: $(STAMP) browser  ## The whole suite: ruff, mypy, doctests, unit, real-corpus and browser tests
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy
	$(BIN)/pytest

browser:  ## Debian's Chromium for the browser tests (installed when missing and we may)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is not installed: browser tests will skip"

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy

bench: $(STAMP) browser  ## Speed and memory ratios against baselines measured in the same run (~30 minutes)
	$(BIN)/python bench/run.py --pages
	$(BIN)/python bench/builds.py

clean:
	rm -rf $(VENV) output/*.html output/*.graphml output/*.gexf output/*.json output/*.csv
