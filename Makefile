# Two commands do everything on a fresh machine (Python 3.11 + pip):
#   make demo   set up and run the main job (duty lookups, timeline, Japan rates, ETR, commitments)
#   make test   set up and pass all tests
# Data: downloaded from publishers into the user cache, or read from TARIFFLINE_MIRROR.
# Where ../shared/data exists (developer machines, CI) it is used as the mirror by default.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MIRROR_DEFAULT := $(abspath ../shared/data)
export TARIFFLINE_MIRROR ?= $(if $(wildcard $(MIRROR_DEFAULT)),$(MIRROR_DEFAULT),)

.PHONY: setup test demo bench clean

$(BIN)/tariffline: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/tariffline

test: setup
	$(BIN)/python -m pytest -n 2 tests

demo: setup
	$(BIN)/tariffline data status
	$(BIN)/tariffline duty 8703.23.01 --origin JP --date 2025-10-01 --value 30000
	$(BIN)/tariffline timeline 8703.23.01 --origin JP --start 2018-01-01 --end 2026-12-31

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
