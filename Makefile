# The two commands: `make run` (the newsroom with demo content) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate compilemessages demo worker lint messages clean

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

test: compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(BIN)/python manage.py makemessages -l sv --ignore=.venv --ignore=tests --ignore=bench --ignore=fixtures

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles
