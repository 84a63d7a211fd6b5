# The README's two commands: `make run` (embedded default) and `make test`.
# Both need only Python 3.11+ on the machine; they create .venv and install into it (and, on
# Debian, the system packages below when they are missing: `make system`).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements/dev.lock
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system lint format clean bench lock

# The locked versions, each checked against its hash (requirements/README.md). pip's own
# pinned version is installed with them.
$(STAMP): $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $(STAMP)

# Rewrites requirements/*.lock from pyproject.toml, keeping locked versions that still fit;
# UPGRADE=1 upgrades every package, UPGRADE="-P django" one.
lock: $(STAMP)
	requirements/compile requirements $(if $(filter 1,$(UPGRADE)),--upgrade,$(UPGRADE))

# Debian packages beyond Python: WeasyPrint's text libraries and HarfBuzz's subsetter (without it
# each PDF takes 1.5-2 s more), and poppler-utils (pdftotext) that the PDF tests read with.
# Installed when missing and apt-get may (as root); otherwise named, and nothing else changes.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "installing $$missing"; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Please install these Debian packages (sudo apt-get install ...):" $$missing; \
	fi

setup: $(STAMP) system
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo --url http://$(HOST):$(PORT)/

# The web server and a Celery worker (with beat) on kombu's filesystem broker under var/celery
# (config/settings.py): a report is rendered by the worker, never inside a request; its two
# processes share a report made in parts (one process took 172 s for 500 candidates, two 89 s).
# Ctrl-C stops both.
run: setup
	@export CELERY_BROKER_URL=filesystem://localhost/; \
	$(VENV)/bin/celery -A config worker --beat --concurrency 2 --loglevel WARNING \
		--schedule "$${KYOTSUKA_VAR_DIR:-var}/celery/beat-schedule" & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) system
	$(PY) manage.py compile_translations
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks on PostgreSQL (database kyotsuka_bench only) and wrk; writes docs/benchmarks.md.
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles
