# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DAGSTER_HOME := $(CURDIR)/.dagster
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/seeds dbt_project/macros dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml dbt_project/profiles.yml

.PHONY: run test lint dev docs install clean bench generate seed-landing

$(BIN)/activate: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -e '.[test]' > $(VENV)/pip-install.log 2>&1 \
		|| (tail -40 $(VENV)/pip-install.log; exit 1)
	$(BIN)/python -c "import orchestration, dagster, dagster_dbt, great_expectations"
	touch $(BIN)/activate

install: $(BIN)/activate

# @dbt_assets reads dbt's manifest when the code location loads: write it whenever dbt files change.
$(MANIFEST): $(BIN)/activate $(DBT_SOURCES)
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/defs/project.py

# The sample documents ship with the tests; `make run` copies each one the landing folder lacks,
# never over a file already there (what a user dropped in stays as it is).
SEEDS := tests/fixtures/seeds
LANDING := data/landing
seed-landing:
	mkdir -p $(LANDING)
	for f in $(SEEDS)/*; do test -e "$(LANDING)/$${f##*/}" || cp "$$f" "$(LANDING)/"; done

run: $(MANIFEST) seed-landing
	$(BIN)/python -m orchestration.run

# The linters first (a few seconds): ruff on the Python, sqlfluff on the dbt SQL (.sqlfluff).
SQL_DIRS := dbt_project/models dbt_project/macros dbt_project/tests
lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint $(SQL_DIRS)

test: lint $(MANIFEST)
	$(BIN)/pytest -q

dev: $(MANIFEST) seed-landing
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# dbt's docs site for the warehouse (models, columns, tests, lineage) in dbt_project/target/.
docs: $(MANIFEST)
	cd dbt_project && GOVREPORTS_WAREHOUSE=$${GOVREPORTS_WAREHOUSE:-$(CURDIR)/data/warehouse/warehouse.duckdb} \
		../$(BIN)/dbt docs generate --profiles-dir . --target-path target/docs
	@echo "open dbt_project/target/docs/index.html (or: cd dbt_project && ../$(BIN)/dbt docs serve --profiles-dir . --target-path target/docs --host 127.0.0.1)"

# The dbt seeds of codes and the staging sources, from orchestration/parsing/codes.py and
# orchestration/warehouse/tables.py (a test fails while the committed files differ).
generate: $(BIN)/activate
	$(BIN)/govreports generate

clean:
	rm -rf data/raw data/warehouse data/published data/gx dbt_project/target
	find .dagster -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +

# Stage-by-stage and end-to-end timings at 1,000 / 10,000 / 100,000 reports into BENCHMARKS.md (long).
bench: $(MANIFEST)
	$(BIN)/python -m benchmarks.run --sizes 1000 10000 100000
