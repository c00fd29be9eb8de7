# Two commands matter: `make report` (run every scenario, build the dashboard) and `make test`
# (every check the project has). Both set up what they need first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest
RESULTS := allure-results
# Compiled Python, pytest's assertion-rewritten plugins included, is cached in .run/pycache for
# every process the targets start (xdist workers, defect runs), even where the machine sets
# PYTHONDONTWRITEBYTECODE (an empty value unsets it): the root conftest.py can only do this
# after pytest has loaded its plugins, which pytest then rewrote and compiled again each time.
export PYTHONPYCACHEPREFIX := $(CURDIR)/.run/pycache
export PYTHONDONTWRITEBYTECODE :=
REPORT := allure-report

.PHONY: help setup report features test lint format defects external clean bench durations shard merged-report soak-races bench-abandonment mutation fuzz soak load

help:
	@echo "make report    run every scenario against the embedded platform and build the HTML report"
	@echo "make test      lint, harness and service tests, every scenario, catalogue checks, defects"
	@echo "make features  run every scenario (parallel) and write $(RESULTS)/"
	@echo "make defects   prove each catalogued defect of the service is caught by its scenarios"
	@echo "make mutation  mutation score of the service's domain code (cosmic-ray; long: see README)"
	@echo "make external  run every scenario against DATABASE_URL and REDIS_URL (running servers)"
	@echo "make lint      ruff check and format check"
	@echo "make load      LOAD_USERS merchants (50) for LOAD_SECONDS (60) through the money paths,"
	@echo "               each pausing LOAD_PAUSE seconds (0.5,1.5; 0.05,0.25 overruns the service)"
	@echo "make soak      the whole suite SOAK_RUNS times (20), random order, -n 2; residue checked"
	@echo "make fuzz      Schemathesis at length against the OpenAPI document (FUZZ_EXAMPLES=100)"
	@echo "make bench     time the suite (serial, -n 2, -n auto, Allure, cold start, defects): medians"
	@echo "make durations refresh .test_durations (how long each scenario takes, for pytest-split)"
	@echo "make shard SHARD=k SHARDS=n   run the k-th of n equal shards of the scenarios"
	@echo "make merged-report            build one report from the shards' results in shards/*/"
	@echo "make soak-races  run the races for the last unit SOAK_TIMES times each (-n 2, random order)"

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20 or newer) is needed to build the report"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

features: setup
	$(PYTEST) steps -n auto --alluredir=$(RESULTS) --clean-alluredir

# The report is built even when scenarios fail (that is when it is needed most); the make
# target still fails afterwards so that nobody mistakes a red run for a green one.
report: setup
	@status=0; $(PYTEST) steps -n auto --alluredir=$(RESULTS) --clean-alluredir || status=$$?; \
	echo ""; $(PY) -m support.report.html_report $(RESULTS) --output $(REPORT) || exit 1; \
	exit $$status

test: setup lint
	$(PYTEST) tests steps -n auto -p randomly --alluredir=$(RESULTS) --clean-alluredir
	$(PY) -m support.proof.defect_run

defects: setup
	$(PY) -m support.proof.defect_run

# One module: make mutation MODULES=service/domain/onboarding.py
mutation: setup
	$(PY) -m support.proof.mutation $(MODULES)

external: setup
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "Set DATABASE_URL and REDIS_URL to running PostgreSQL and Redis servers."; exit 2; }
	$(PYTEST) steps -n auto -p randomly

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache > .lint-imports.log || { cat .lint-imports.log; rm -f .lint-imports.log; exit 1; }; rm -f .lint-imports.log

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# A few runs of each figure (BENCH_ARGS="--repeats 1" for a quick look; "--only serial").
bench: setup
	$(PY) -m support.proof.bench $(BENCH_ARGS)

# Serial, so that each scenario's time is its own (without the target's one-off start and stop,
# which every shard pays once); @slow ones are timed too (shards run them).
durations: setup
	$(PYTEST) steps -q -p no:randomly -p no:lfplugin -p support.proof.bench_plugin --own-durations --store-durations --clean-durations --durations-path=.test_durations

# One CI machine's share of the scenarios (README, "Split across machines"). least_duration
# balances by the times in .test_durations and does not depend on the order of collection, so
# every shard picks the same split even with random order.
SHARDS ?= 2
SHARD ?= 1
shard: setup
	$(PYTEST) steps -n auto -p randomly --splits $(SHARDS) --group $(SHARD) --splitting-algorithm least_duration --alluredir=$(RESULTS) --clean-alluredir

# The merge job: every shard's results folder, downloaded into shards/<name>/, as one report
# (with the history that allurerc.mjs keeps).
merged-report: setup
	@ls -d shards/*/ >/dev/null 2>&1 || { echo "Put each shard's $(RESULTS) folder in shards/<name>/ first."; exit 2; }
	$(PY) -m support.report.html_report shards/*/ --output $(REPORT)

clean:
	rm -rf $(RESULTS) .$(RESULTS).recycling-* $(REPORT) .pytest_cache .ruff_cache

# The same harness test `make test` runs with a few examples per operation, at length.
FUZZ_EXAMPLES ?= 100
fuzz: setup
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) tests/contract -p no:randomly -s

SOAK_RUNS ?= 20
soak: setup
	$(PY) -m support.proof.suite_soak --runs $(SOAK_RUNS)

LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
LOAD_PAUSE ?= 0.5,1.5
load: setup
	$(PY) -m support.proof.load.run --users $(LOAD_USERS) --seconds $(LOAD_SECONDS) --pause $(LOAD_PAUSE)

# Not part of `make test`: the races for the last unit, many times over, counted.
SOAK_TIMES ?= 50
soak-races: setup
	$(PY) -m support.proof.soak --times $(SOAK_TIMES)
# Seeds 10 to 100,000 checkout abandonment candidates straight into an embedded database and
# times the nudge job over each, counting its queries from PostgreSQL's own statement log.
bench-abandonment: setup
	$(PY) -m bench.abandonment
