# The two commands: `make run` (the newsroom with demo content) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test chromium install migrate compilemessages demo worker lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

# Compiled catalogues are committed too, so a machine without gettext still speaks Swedish.
compilemessages: install
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null; \
	else echo "msgfmt (gettext) is missing: using the committed .mo catalogues."; fi

demo: migrate compilemessages
	$(BIN)/python manage.py load_demo

# The development server and a task worker beside it; Ctrl-C stops both.
run: demo
	@echo "The newsroom: http://$(HOST):$(PORT)/  ·  the admin: http://$(HOST):$(PORT)/admin/"
	@export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --no-startup-delay & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/python manage.py db_worker

# The suite in parallel (pytest-xdist, one worker per core, each with its own test
# database, its own live server and Chromium): `make test TEST_WORKERS=0` runs it serially.
# A worker that is done takes tests queued for another (worksteal): the browser tests last
# seconds, most others milliseconds. Bytecode is cached (in the ignored __pycache__/) even
# where PYTHONDONTWRITEBYTECODE is set, or every worker and every subprocess a test starts
# would compile the project and rewrite the test modules' assertions again, each run.
TEST_WORKERS ?= auto
test: compilemessages chromium
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium; install it when missing and we may (root, apt).
# Without it they are skipped, and the run says so loudly.
CHROMIUM_PATH ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "$(CHROMIUM_PATH) is missing: installing Debian's chromium with apt-get."; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -q && apt-get install -y -q chromium \
	      || echo "!!! apt-get could not install chromium: the browser tests will be skipped."; \
	  else \
	    echo "!!! $(CHROMIUM_PATH) is missing and apt-get cannot run here: the browser tests will be skipped."; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(BIN)/python manage.py makemessages -l sv --ignore=.venv --ignore=tests --ignore=bench --ignore=fixtures

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles
