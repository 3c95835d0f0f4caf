# Everything runs from a virtual environment this Makefile creates (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install test lint serve bench eval gazetteer clean image-test audit

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
	rm -rf $(VENV) .venv-audit build *.egg-info .pytest_cache .hypothesis

image-test: $(STAMP) ## build the Docker image and run it as an operator would (needs a Docker engine)
	$(BIN)/python scripts/image_test.py

# pip-audit in an environment of its own, so that its dependencies are not audited as ours;
# pinned: an audit tool's behaviour must not change under us.
AUDIT_VENV := .venv-audit
$(AUDIT_VENV)/.installed:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet 'pip-audit==2.10.1'
	touch $@

audit: $(STAMP) $(AUDIT_VENV)/.installed ## known vulnerabilities in .venv's dependency set (fails when it cannot tell)
	$(BIN)/python scripts/audit.py --python $(BIN)/python --pip-audit $(AUDIT_VENV)/bin/pip-audit
