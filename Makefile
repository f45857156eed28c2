# yichuang developer tasks. `make test` is also what CI runs (through .ci/run).
#
#   make venv                  create .venv and install the project with its dev extras
#   make run                   migrate, seed and serve on http://127.0.0.1:8000 (GraphiQL at /graphql)
#   make test ARGS='-k publish -x'   lint gates, then pytest (ARGS go to pytest)
#   make lint                  ruff check + import-linter contracts
#   make schema                regenerate catalog_api/schema.graphql
#   make bench                 run the benchmarks

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: venv run test lint schema bench

venv: $(STAMP)

# Reinstalled whenever pyproject.toml changes; the stamp is written only after pip succeeds.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]'
	touch $@

run: venv
	$(BIN)/yichuang migrate
	$(BIN)/yichuang seed
	$(BIN)/yichuang serve --host 127.0.0.1 --port 8000

test: venv
	bash scripts/test $(ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

schema: venv
	$(BIN)/python -m catalog_api.schema.export

bench: venv
	$(BIN)/python -m bench
