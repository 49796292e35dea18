# Senko: `make up` starts the whole system natively (no Docker engine needed), `make test` runs
# every test against real MariaDB, Redis, uWSGI, nginx and Chromium. Both install what is missing.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# command:Debian package pairs the native path needs.
APT_NEEDS := nginx:nginx-light redis-server:redis-server mariadbd:mariadb-server wrk:wrk \
	chromium:chromium chromedriver:chromium-driver fc-list:fontconfig gcc:gcc pkg-config:pkg-config \
	dovecot:dovecot-imapd prometheus:prometheus
# mysqlclient (the C MySQL driver) builds against libmariadb: PyPI has no Linux wheels of it.
APT_FILES := /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf:fonts-ipaexfont \
	/usr/include/mariadb/mysql.h:libmariadb-dev
# Everything the venv is built from: when one changes, `make deps` installs again.
REQUIREMENTS := senko-app/pyproject.toml senko-app/constraints.txt senko-predict/pyproject.toml stack/pyproject.toml \
	tests/requirements.txt docs/requirements.txt

.PHONY: up down status test deps apt bench flask docs backup restore

up: deps ## Start MariaDB, Redis, senko-app (uWSGI), nginx on 127.0.0.1; data under var/
	$(PY) -m senko_stack up

# senko_stack is standard library only, so `down` needs no .venv (it may be gone or half built): the
# system python runs it from stack/, where `python -m` finds the package as it finds any in the
# current folder. No PYTHONPATH, and the same code as the installed package.
down: ## Stop exactly the processes `make up` started (data stays in var/)
	@cd stack && $(PYTHON) -m senko_stack down

status: ## Which of the processes `make up` started are running
	@$(PY) -m senko_stack status

test: deps ## Run the whole test suite against throwaway services on free loopback ports
	$(PY) -m pytest tests $(PYTEST_ARGS)

docs: deps ## Build the code documentation (Sphinx, warnings are errors) into var/docs/
	$(PY) -m sphinx -W --keep-going -q -b html docs var/docs
	@echo "Documentation: file://$(CURDIR)/var/docs/index.html"

# umask 002: run as root, what it writes into the shared data folder (setgid, the service group's)
# stays readable and writable for the services, which run as the unprivileged service user.
flask: ## A flask command against the native stack, e.g. make flask ARGS="models list"
	@umask 002 && eval "$$($(PY) -m senko_stack env)" && $(PY) -m flask $(ARGS)

# umask 077: the archive holds personal data (mode 600 either way); var/backups is root's.
backup: ## Back up the database, résumés and models into var/backups/senko-backup-<UTC time>.tar.gz
	@umask 077 && eval "$$($(PY) -m senko_stack env)" && $(PY) -m flask backup create $(if $(OUTPUT),--output $(OUTPUT))

restore: ## Restore FILE=var/backups/senko-backup-....tar.gz into an empty stack (FORCE=1 replaces data)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/senko-backup-....tar.gz [FORCE=1]"; exit 2; }
	@umask 002 && eval "$$($(PY) -m senko_stack env)" && $(PY) -m flask backup restore "$(FILE)" $(if $(FORCE),--force)

bench: deps ## Benchmarks against the running stack (make up first)
	$(PY) bench/api.py
	$(PY) bench/ingest.py
	$(PY) bench/predict.py
	$(PY) bench/sources.py

deps: apt $(VENV)/.installed

apt:
	@missing=""; \
	for pair in $(APT_NEEDS); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; done; \
	for pair in $(APT_FILES); do [ -e $${pair%%:*} ] || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(VENV)/.installed: $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# The three packages are installed editable: code changes need no reinstall, and nothing sets PYTHONPATH.
	$(PY) -m pip install -q --disable-pip-version-check -c senko-app/constraints.txt \
		-e ./senko-predict -e ./senko-app -e ./stack -r tests/requirements.txt -r docs/requirements.txt
	@# Janome's dictionary is large: byte-compile it now, or every cold start pays ~5 s.
	$(PY) -m compileall -q $$($(PY) -c 'import janome, os; print(os.path.dirname(janome.__file__))') >/dev/null
	@touch $@
