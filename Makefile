# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: venv clients install demo demo-quick test lint bench bench-train validation clean \
	train-seeds ablations report model mutation planted-bugs

venv: $(STAMP)

# torch is pinned and installed first: the local CPU wheel is used, no CUDA download.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e ".[all,dev]"
	$(VENV)/bin/periodize warmup
	touch $(STAMP)

# RLlib and Tianshou pin an older gymnasium and pandas < 3, so their examples
# (docs/ecosystem.md) run in a virtual environment of their own.
CLIENTS := .venv-clients
CLIENTS_STAMP := $(CLIENTS)/.installed

clients: $(CLIENTS_STAMP)

$(CLIENTS_STAMP): pyproject.toml
	test -d $(CLIENTS) || $(PYTHON) -m venv $(CLIENTS)
	$(CLIENTS)/bin/pip install --quiet --upgrade pip
	$(CLIENTS)/bin/pip install --quiet torch==2.13.0
	$(CLIENTS)/bin/pip install --quiet -e ".[clients,dev]"
	touch $(CLIENTS_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/periodize demo --out runs/demo

demo-quick: $(STAMP)
	$(VENV)/bin/periodize demo --quick --out runs/demo-quick

# PERIODIZATION_CLIENTS: the RLlib and Tianshou examples must run, not skip.
# The suite runs on every core (pytest-xdist; TEST_JOBS=0 for one process) and lists its
# 15 slowest tests, so a test that grows slow shows in the log.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test: $(STAMP) $(CLIENTS_STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check periodization tests benchmarks
	PERIODIZATION_CLIENTS=$(CURDIR)/$(CLIENTS) $(PY) -m pytest -q -n $(TEST_JOBS) --durations=15

lint: $(STAMP)
	$(VENV)/bin/ruff check periodization tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/simulator_throughput.py
	$(PY) benchmarks/cohort_time.py
	$(PY) benchmarks/env_throughput.py
	$(PY) benchmarks/oracle_time.py
	$(PY) benchmarks/sac_update.py
	$(PY) benchmarks/recommend_time.py
	$(PY) benchmarks/simulate_time.py

# The validation table: published training studies run through periodize simulate
# (docs/validation.md is this target's output; under a minute).
validation: $(STAMP)
	$(PY) benchmarks/studies.py --write --markdown

# Mutation testing (cosmic-ray, JIT off) of the safety rules, reward, world, SAC update, masks,
# replay, trainer, oracle and projection: about an hour on a 2-core machine, not part of
# `make test`. Scores go to docs/testing.md; TARGETS=rules,sac runs a subset.
TARGETS ?=
mutation: $(STAMP)
	$(PIP) install --quiet -e ".[mutation]"
	$(PY) tests/mutation/run.py $(if $(TARGETS),--targets $(TARGETS)) --out mutation.json

# The review's ten planted one-line bugs: each must fail a test (a minute).
planted-bugs: $(STAMP)
	$(PY) tests/mutation/planted_bugs.py

bench-train: $(STAMP)
	$(PY) benchmarks/train_time.py

# The published results: three training seeds of the three-minute default (sac-fast), of
# the full-budget recipe the shipped model is made of (sac-taper), of the same learner with
# the 21-day shaping taper (sac-strength), without the strength feature
# (sac-history) and on one morning's features (sac-wide), of sac and of PPO on the same
# world and budget, the ablations, and the full comparison. Each agent's seeds are one
# group in the report; the shipped model (`make model`: sac-taper's three seeds as one
# ensemble) is `default` in it.
# Both targets are one `periodize sweep` each (Ray tasks, one CPU per run; complete runs are
# skipped, so an interrupted target picks up where it stopped; FORCE=1 trains them again).
SEEDS := 0,1,2
SWEEP_FLAGS := --quiet $(if $(FORCE),--force)
train-seeds: $(STAMP)
	$(VENV)/bin/periodize sweep --config periodization/configs/sac-fast.yaml \
	  --config periodization/configs/sac-taper.yaml \
	  --config periodization/configs/sac-strength.yaml \
	  --config periodization/configs/sac-history.yaml \
	  --config periodization/configs/sac-wide.yaml --config periodization/configs/sac.yaml \
	  --config periodization/configs/ppo.yaml \
	  --seeds $(SEEDS) --out runs $(SWEEP_FLAGS)

ablations: $(STAMP)
	$(VENV)/bin/periodize sweep $(foreach f,$(wildcard periodization/configs/ablations/*.yaml),--config $(f)) \
	  --seeds 0 --name '{config}' --out runs/ablations $(SWEEP_FLAGS)

report: $(STAMP)
	$(VENV)/bin/periodize compare --policy default --runs runs/sac-fast --runs runs/sac-taper \
	  --runs runs/sac-strength --runs runs/sac-history \
	  --runs runs/sac-wide --runs runs/sac --runs runs/ppo \
	  --runs runs/ablations --baselines all --athletes 1000 --seed 0 --out report/full --force

# The shipped model: three seeds of the full-budget recipe (sac-taper) trained (as in
# train-seeds; complete runs are skipped) and served as one ensemble (docs/training.md, "Several seeds as one
# coach"), in runs/model; the packaged periodization/models/default holds its actor.npz
# and scaler.json, with a model.json that adds the figures measured on it.
MODEL_OUT ?= runs/model
model: $(STAMP)
	$(VENV)/bin/periodize sweep --config periodization/configs/sac-taper.yaml --seeds 0,1,2 \
	  --out runs $(SWEEP_FLAGS)
	$(VENV)/bin/periodize ensemble --run runs/sac-taper/seed0 --run runs/sac-taper/seed1 \
	  --run runs/sac-taper/seed2 --out $(MODEL_OUT) --force \
	  --note "configs/sac-taper.yaml, seeds 0, 1 and 2 (make model)"

clean:
	rm -rf $(VENV) $(CLIENTS) runs report .pytest_cache
