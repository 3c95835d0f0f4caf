# Everything runs from a virtual environment this Makefile creates (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install test lint serve bench eval gazetteer clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,build,spark,dask]'
	touch $(STAMP)

install: $(STAMP) ## create the virtual environment and install the project

test: $(STAMP) ## run the whole test suite (what CI runs)
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff over the code
	$(BIN)/ruff check normalizer gazetteer tests bench

serve: $(STAMP) ## serve the HTTP API on the built-in gazetteer
	$(BIN)/normalizer serve --host $(HOST) --port $(PORT)

bench: $(STAMP) ## speed and memory against baselines measured in the same run
	$(BIN)/python -m bench.run

eval: $(STAMP) ## precision and recall on tests/eval
	$(BIN)/python -m bench.eval

gazetteer: $(STAMP) ## rebuild the shipped gazetteer files from their sources
	$(BIN)/python -m gazetteer.build

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
