# Two commands do everything on a fresh machine (Python 3.11 + pip):
#   make demo   set up and run the main job (duty lookups, timeline, Japan rates, ETR, commitments)
#   make test   set up and pass all tests
# Data: downloaded from publishers into the user cache, or read from TARIFFLINE_MIRROR.
# Where ../shared/data exists (developer machines, CI) it is used as the mirror by default.

PY ?= python3
VENV := .venv
BENCH_ROWS ?= 1000000
BENCH_BIG_ROWS ?=  # e.g. 10000000 for the 10M-row ledger (memory growth)
BENCH_REPEAT ?= 1  # e.g. 3: floors and batches run 3 times, interleaved, medians (a shared machine)
BIN := $(VENV)/bin
MIRROR_DEFAULT := $(abspath ../shared/data)
export TARIFFLINE_MIRROR ?= $(if $(wildcard $(MIRROR_DEFAULT)),$(MIRROR_DEFAULT),)

.PHONY: setup system-deps test demo bench bench-http clean fuzz serve

$(BIN)/tariffline: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/tariffline

system-deps:
	bash scripts/system-deps.sh

test: setup system-deps
	$(BIN)/python -m pytest -n 2 -q tests

# Fuzz the CLI and API with twenty times the CI cases, fresh random inputs each run
# (tests/fuzz/fuzzkit.py); prints a tally of inputs tried, refusals, crashes, wrong answers.
fuzz: setup
	TARIFFLINE_FUZZ_PROFILE=deep TARIFFLINE_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/fuzz

demo: setup system-deps
	mkdir -p out
	$(BIN)/tariffline data status
	$(BIN)/tariffline data fetch --parse-editions
	$(BIN)/tariffline duty 9503.00.00 --origin JP --date today --value 1000
	$(BIN)/tariffline duty 8703.23.01 --origin JP --date 2025-10-01 --value 30000
	$(BIN)/tariffline duty 8418.21.00 --origin JP --date 2025-10-01 --value 10000 --metal-value 4000
	$(BIN)/tariffline duty 8207.13.00 --origin JP --date 2025-08-10 --value 10000 --as-known-on 2025-08-20
	$(BIN)/tariffline timeline 8703.23.01 --origin JP --start 2018-01-01 --end 2026-12-31
	$(BIN)/tariffline timeline 9503.00.00 --origin JP --start 2018-01-01 --end 2026-12-31
	$(BIN)/tariffline japan compare 0201.30 --date 2026-06-01
	$(BIN)/tariffline etr --origin JP --date 2025-10-01 --by authority
	$(BIN)/tariffline etr --origin JP --start 2018-01-01 --end 2026-12-31 --chart out/etr_japan.png
	$(BIN)/tariffline coverage usjta
	$(BIN)/tariffline commitments status --as-of 2026-03-31
	$(BIN)/tariffline commitments deadlines --as-of 2026-03-01 --days 150
	$(BIN)/tariffline events --start 2026-07-01 --end 2026-12-31 --kind measure
	$(BIN)/tariffline audit chapter99
	$(BIN)/tariffline brief --as-of 2026-03-31 --origin JP -o out/brief.pdf
	@echo "Briefing written to out/brief.pdf. Start the web app and HTTP API with: make serve (or $(BIN)/tariffline serve), then open http://127.0.0.1:8000/"

# The web pages and the HTTP API (OpenAPI docs at /docs) on http://$(HOST):$(PORT)/
# WORKERS=2 for one worker process per core.
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
serve: setup system-deps
	$(BIN)/tariffline serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# HTTP load on loopback: closed loop (32 clients) and open loop (100/200/400 req/s) on /api/duty,
# each against the same load on /api/health; requests/s, p50/p99, errors, server peak memory.
BENCH_HTTP_ARGS ?=
bench-http: setup
	$(BIN)/python benchmarks/bench_http.py $(BENCH_HTTP_ARGS)

bench: setup
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_etr.py --end 2026-08-21
	$(BIN)/python benchmarks/bench_scale.py --rows $(BENCH_ROWS) $(if $(BENCH_BIG_ROWS),--big-rows $(BENCH_BIG_ROWS)) --repeat $(BENCH_REPEAT)
	$(MAKE) bench-http
	$(BIN)/python benchmarks/bench_scenarios.py

clean:
	rm -rf $(VENV) build *.egg-info
