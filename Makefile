# MasterX Router. Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
SYNCED := $(VENV)/.synced

.PHONY: help deps venv system-deps run up down status test test-fast lint typecheck proto clean \
	bench bench-breakers bench-benchmark-run bench-routing eval-classifier train-classifier \
	deploy-tools k8s deploy-check eval-replay-sample eval-drift eval-continuity drills bench-load bench-micro bench-hops

help:  ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

$(SYNCED): pyproject.toml uv.lock
	@test -x $(UV) || { python3 -m venv $(VENV) && $(VENV)/bin/pip install -q "uv==$(UV_VERSION)"; }
	$(UV) sync --frozen --all-extras --quiet
	@touch $@

venv: $(SYNCED)  ## Create .venv and install the locked dependencies

system-deps:  ## Install redis-server and FerretDB when missing (apt-get, go build)
	@scripts/install-prereqs.sh

deps: venv system-deps  ## Everything `make run` and `make test` need

run: deps  ## Start the whole stack in the foreground; Ctrl-C stops it
	$(PY) -m tooling.stack run

up: deps  ## Start the whole stack in the background; returns when ready
	$(PY) -m tooling.stack up

down:  ## Stop what `make up` started
	@if [ -x $(PY) ]; then $(PY) -m tooling.stack down; else echo "not up"; fi

status:  ## Addresses and pids of the running stack
	@$(PY) -m tooling.stack status

test: deps deploy-tools lint typecheck eval-classifier  ## ruff, mypy, classifier evaluation, the whole pytest suite
	$(PY) -m pytest

eval-classifier: venv  ## The category classifier: held-back, leave-one-source-out and challenge accuracy per category, speed
	$(PY) scripts/evaluate_category_model.py

eval-replay-sample: venv  ## Replay routing over the synthetic RouterBench-layout sample (offline)
	$(VENV)/bin/masterx eval replay --calibration bench/eval/outcomes_sample_calibration.csv \
	  --test bench/eval/outcomes_sample_test.csv \
	  --category-map mbpp=coding,arc-challenge=research,winogrande=general --offline

OUTCOMES_DIR ?= ../shared/data/outcomes/routellm-mmlu
DRIFT_TABLE = --calibration $(OUTCOMES_DIR)/calibration.csv --test $(OUTCOMES_DIR)/test.csv \
  --category-map mmlu=research

eval-drift: venv  ## A quality fall replayed over a real outcome table (OUTCOMES_DIR): rows at random, then in the table's order
	$(VENV)/bin/masterx eval drift $(DRIFT_TABLE)
	$(VENV)/bin/masterx eval drift $(DRIFT_TABLE) --order table

eval-continuity: venv  ## Session continuity over the shipped conversations (needs `make up`)
	$(VENV)/bin/masterx eval continuity

train-classifier: venv  ## Rebuild the category model from the authored rows and ../shared/data/prompts (reproducible on any CPU, within a tolerance)
	$(PY) scripts/train_category_model.py

test-fast: deps deploy-tools  ## The suite without the end-to-end tests
	$(PY) -m pytest -m "not e2e"

bench: bench-hops bench-breakers bench-benchmark-run bench-routing bench-micro bench-load  ## Every project benchmark, with pass/fail budget lines

bench-hops: deps  ## What one hop costs here: TCP, gRPC unary and stream round trips, detection (~15 s)
	$(PY) -m bench.hops

bench-load: deps  ## Open-loop load: gateway overhead over the bare simulator at 50-400 requests/s, and cached hits (~6 min)
	$(PY) -m bench.load

bench-micro: deps  ## pytest-benchmark: selection, decision, detectors, breaker check, session lookup
	$(PY) -m pytest bench/micro --benchmark-only -p no:cacheprovider --benchmark-columns=min,median,mean,max,rounds -q

bench-breakers: deps  ## Breaker check time, Report round trip, failure detection time
	$(PY) -m bench.breakers

drills: deps  ## Drills under steady load: provider, Redis, MongoDB and router outages; quality drift
	$(PY) -m bench.drills --json .stack/drills.json

bench-routing: deps  ## Selection time in process, session lookup against MongoDB
	$(PY) -m bench.routing

bench-benchmark-run: deps  ## Wall time of a full benchmark run against the simulator
	$(PY) bench/benchmark_run.py

OVERLAY ?= prod

deploy-tools:  ## kustomize, prometheus/promtool and the schemas the deploy checks read
	@scripts/install-deploy-tools.sh

k8s:  ## Print the rendered Kubernetes manifests as YAML (OVERLAY=prod, or OVERLAY=dev)
	@scripts/install-deploy-tools.sh kustomize
	@"$$(go env GOPATH)/bin/kustomize" build deploy/k8s/overlays/$(OVERLAY)

deploy-check: venv deploy-tools  ## Images, compose, manifests, rules, dashboards, live Prometheus
	$(PY) -m pytest tests/deploy

lint: venv  ## ruff: lint rules and formatting
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv  ## mypy --strict on all hand-written code: product, tooling, benchmarks, tests
	$(VENV)/bin/mypy masterx services simulator tooling bench tests scripts

proto: venv  ## Regenerate the gRPC stubs in masterx/v1 from proto/
	$(PY) scripts/gen_proto.py

clean:  ## Remove the virtualenv and local state
	rm -rf $(VENV) .stack .pytest_cache .mypy_cache .ruff_cache
