# findpark: two commands on a fresh machine.
#   make run   - create .venv, install, build the store from the bundled data if missing, serve on :5000
#   make test  - create .venv, install with test extras, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= instance/findpark.gpkg
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-test store data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

store: $(VENV)/.installed
	@test -f $(DB) || $(BIN)/findpark load --db $(DB)

run: store
	$(BIN)/findpark serve --db $(DB) --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

data: $(VENV)/.installed
	$(BIN)/findpark build-data

clean:
	rm -rf $(VENV) instance *.egg-info
