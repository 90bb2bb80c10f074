# findpark: two commands on a fresh machine.
#   make run   - create .venv, install, build the store from the bundled data if missing, serve on :5000
#   make test  - create .venv, install with test extras, run the whole test suite and the notebook (what CI runs)
#   make test-fast - the same without the browser, slow and live lanes and the notebook (under a minute)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= instance/findpark.gpkg
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-fast install install-test store data clean

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

# pytest exits 5 when it collects no test: make (and so CI) fails then, as it should.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests notebooks --nbmake

FAST ?= not browser and not slow and not live
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q tests -m "$(FAST)"

data: $(VENV)/.installed
	$(BIN)/findpark build-data

clean:
	rm -rf $(VENV) instance *.egg-info
