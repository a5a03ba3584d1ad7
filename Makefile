# Two commands: `make run` serves the API with demo data, `make test` runs the whole suite.
# Needs only python3 (3.11+) and make: uv is bootstrapped into .tools/ when it is missing.

PYTHON ?= python3
UV_HOME := .tools/uv
UV := $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
export UV_PYTHON ?= $(shell command -v $(PYTHON))
export UV_PYTHON_DOWNLOADS ?= never
export UV_LINK_MODE ?= copy

.PHONY: run test contract install lint messages bench-seed clean

run: .venv/.installed
	.venv/bin/crm serve

test: .venv/.installed
	.venv/bin/pytest

# The API against its own OpenAPI document (schemathesis, all checks, stateful phase included)
# on a fresh SQLite database and a throwaway PostgreSQL one; a few minutes.
contract: .venv/.installed
	.ci/schemathesis sqlite
	.ci/schemathesis postgresql

install: .venv/.installed

# Style, then types: mypy checks app/, migrations/ and bench/ (settings in pyproject.toml).
lint: .venv/.installed
	.venv/bin/ruff check app tests migrations bench
	.venv/bin/ruff format --check app tests migrations bench
	.venv/bin/mypy

# The web app's messages, extracted into app/web/translations/messages.pot (not kept in git):
# each new msgid goes, translated, into its area's .po (README, "Translations").
messages: .venv/.installed
	.venv/bin/pybabel extract -F babel.cfg -k N_ --no-location --omit-header \
		-o app/web/translations/messages.pot .

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

$(UV_HOME)/bin/uv:
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check uv

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache
