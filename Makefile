# Two commands: `make run` and `make test`. Both build .venv from pyproject.toml when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-pages bench-load migrate seed worker clean schemathesis audit-deps

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} bin/run-local

# Two test processes (PYTEST_WORKERS=0 for one), each with its own test database; the browser
# tests keep to one process, and the worker tests to one (--dist loadgroup).
PYTEST_WORKERS ?= 2
test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/reminders.py

# Pages and API lists through gunicorn, and 50 staff at once, on BENCH_DATABASE_URL (a copy of
# the data set: both write to it); see bench/README.md. BENCH_ARGS="--requests 10 --only API".
bench-pages: $(STAMP)
	$(PY) bench/pages.py $(BENCH_ARGS)

bench-load: $(STAMP)
	$(PY) bench/load.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -c pyproject.toml -r iop patients plans sessions disclosures documents medications screens reports -ll -q

# The API against its own OpenAPI schema (needs PostgreSQL; see bin/schemathesis).
schemathesis: $(STAMP)
	bin/schemathesis

# Known vulnerabilities in the pinned dependencies (skipped when the database is unreachable).
audit-deps: $(STAMP)
	bin/pip-audit

clean:
	rm -rf $(VENV) var build *.egg-info
