# The two commands of the README. Each sets itself up: a virtual environment in .venv
# with cxsim installed (editable) and its test tools, made once and remade when
# pyproject.toml changes.
VENV  := .venv
STAMP := $(VENV)/.installed

.PHONY: run test notebooks studio chromium lint bench clean

$(STAMP): pyproject.toml
	@PYTHON=$$(bash scripts/python.sh) && "$$PYTHON" -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

## The reference simulation: metrics, summary and figure in outputs/reference/.
run: $(STAMP)
	$(VENV)/bin/cxsim hydra.run.dir=outputs/reference

## The test suite (what CI runs); the studio's browser tests drive Debian's chromium.
test: $(STAMP) chromium
	$(VENV)/bin/python -m pytest

chromium:
	@bash scripts/install_chromium.sh

## The what-if studio in the browser, on http://127.0.0.1:8765.
studio: $(STAMP)
	$(VENV)/bin/cxsim studio

## JupyterLab on notebooks/ (the notebooks extra is installed on first use).
notebooks: $(VENV)/.notebooks
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

$(VENV)/.notebooks: $(STAMP)
	$(VENV)/bin/python -m pip install -q -e '.[notebooks]'
	@touch $@

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks notebooks
	$(VENV)/bin/ruff format --check src tests benchmarks notebooks

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_core.py --readme

clean:
	rm -rf $(VENV) outputs multirun
