# Reef: `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test test-fast test-postgres lint typecheck check install clean bench sbom

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "Reef needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install Python 3.13 (the repository's .python-version) or run: make PYTHON=python3.13 ..."; \
	  exit 1; }
	@$(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements/lock.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/reef demo --port $(PORT)

test: install
	REEF_TESTING=true $(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The tests that need no database, no browser and no second process: seconds, for the
# edit-test loop (`make test` is what CI runs).
test-fast: install
	REEF_TESTING=true $(BIN)/pytest -m "nodb and not browser and not subprocess and not slow" $(PYTEST_ARGS)

test-postgres: install
	REEF_TESTING=true REEF_DATABASE_URL=$${REEF_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reef} \
	  $(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	REEF_TESTING=true $(BIN)/mypy reef tests_support

check: install
	REEF_TESTING=true $(BIN)/python manage.py makemigrations --check --dry-run
	REEF_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	REEF_FIELD_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	REEF_AUDIT_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	REEF_ALLOWED_HOSTS=reef.example.org REEF_CACHE_URL=redis://127.0.0.1:6379/0 \
	REEF_TESTING=false REEF_DEBUG=false \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

sbom: install
	$(BIN)/cyclonedx-py requirements requirements/lock.txt --of JSON -o var/sbom.cdx.json

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
