# The two commands: `make run` serves the platform with nothing else running,
# `make test` runs the whole suite. Everything else here serves those two.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Reinstall only when the locked dependencies (or the project's own metadata) change.
INSTALLED := $(VENV)/.installed
# The locks (requirements/*.txt) are written by `make lock` from pyproject.toml:
# every version pinned, with its hashes, for Python 3.11 on Linux.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: help install lock run test lint audit format messages check-deploy worker beat otp clean bench mutation

help:
	@echo "make run      installe, prépare la base et sert la plateforme sur http://127.0.0.1:8000"
	@echo "make test     installe et lance toute la suite de tests"
	@echo "make lint     vérifie le style (ruff, djlint), les couches du code et les migrations"
	@echo "make messages met à jour et compile les traductions"
	@echo "make lock     recalcule les versions verrouillées (requirements/) depuis pyproject.toml"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locked versions first, then the project itself without resolving anything again.
$(INSTALLED): requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(INSTALLED)

# After a change of the dependencies in pyproject.toml. Pins already in a lock are
# kept while they still fit; `make lock LOCK_ARGS=--upgrade` takes the newest of
# everything, `LOCK_ARGS="--upgrade-package django"` of one package.
lock: install
	@$(BIN)/python -c "import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 'make lock needs Python 3.11, as the image and CI run it')"
	$(PIP_COMPILE) --output-file requirements/main.txt pyproject.toml
	$(PIP_COMPILE) --extra test --extra dev --constraint requirements/main.txt --output-file requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) --extra test --extra dev --extra bench --constraint requirements/dev.txt \
		--output-file requirements/bench.txt pyproject.toml

run: export DEBUG ?= true
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) load_categories
	$(MANAGE) import_sirene companies/data/sirene_sample_legal_units.csv companies/data/sirene_sample_establishments.csv --no-progress
	$(MANAGE) load_demo_data
	@echo "SignalConso : http://127.0.0.1:8000"
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint
	$(MANAGE) makemigrations --check --dry-run

# Mutation testing of who sees what, the lifecycle and the signed links
# (docs/testing.md): mutmut's mutants of those functions against the tests
# that reach them, then the three mistakes a review once made by hand. About
# an hour on 2 cores; `.venv/bin/mutmut browse` shows each survivor.
MUTANTS := "reports.models.reports.x_reachable_companies*" \
	"reports.models.reports.xǁReportQuerySetǁvisible_to*" \
	"reports.models.files.xǁAttachmentQuerySetǁ*" \
	"reports.lifecycle.*" \
	"reports.wizard.links.*"
mutation: install
	rm -rf mutants
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results
	$(BIN)/python mutation/hand_mutants.py

# Known vulnerabilities in the dependencies, and bandit's high-severity findings.
audit: install
	$(BIN)/bandit -q -r accounts companies notifications reports inspections signalconso -x "*/migrations/*" --severity-level high
	.ci/audit

# djlint exits 1 when it has reformatted a file; --warn keeps that a success here.
format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djlint templates --reformat --warn

# Translations: the compiled .mo files are committed, so `make run` needs no
# gettext; run this after changing a translatable string (needs gettext).
messages: install
	$(MANAGE) makemessages --locale en --ignore ".venv/*" --ignore "var/*" --ignore "bench/*" --ignore "mutants/*" --no-obsolete
	$(MANAGE) compilemessages --locale en --ignore ".venv/*" --ignore "mutants/*"

# The current login code of the demo agent and administrator (make run).
otp: install
	@$(BIN)/python -c "import pyotp; from accounts.demo import DEMO_TOTP_SECRET as k; print(pyotp.TOTP(k).now())"

# What a production deployment must pass (see docs/configuration.md).
check-deploy: install
	$(MANAGE) check --deploy --fail-level WARNING

# One worker for all three queues (urgent, default, bulk); docker-compose.yml
# gives bulk work a worker of its own.
worker: install
	$(BIN)/celery -A signalconso worker --queues urgent,default,bulk --loglevel INFO

beat: install
	$(BIN)/celery -A signalconso beat --loglevel INFO --schedule var/celerybeat-schedule

# The performance figures (bench/README.md): PostgreSQL, gunicorn with 2 workers and a
# Celery worker on Redis, on generated data (made once, kept). REPORTS sets its size.
REPORTS ?= 2000000
BENCH_INSTALLED := $(VENV)/.bench-installed
$(BENCH_INSTALLED): requirements/bench.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/bench.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1/signalconso_bench
bench: export REDIS_URL ?= redis://127.0.0.1:6379/7
bench: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/8
bench: $(BENCH_INSTALLED)
	$(BIN)/python bench/run.py --reports $(REPORTS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
