# Two commands matter: `make lab` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Committed notebook outputs come from the emulator with the instant clock and a fixed seed,
# each notebook in its own in-memory cloud.
NB_ENV := ACI_BACKEND=emulator ACI_EMULATOR_CLOCK=instant ACI_EMULATOR_SPEED=1 ACI_EMULATOR_SEED=0 \
	ACI_EMULATOR_STATE=memory

.PHONY: lab test notebooks bench book clean help

help:
	@echo "make lab        set up .venv and open JupyterLab on the emulator"
	@echo "make test       set up .venv and run every test"
	@echo "make notebooks  re-execute the notebooks and commit-ready their outputs"
	@echo "make bench      run the benchmarks"
	@echo "make book       build the tutorial as a static site (Jupyter Book), offline"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Containers and cloud shells often run as root, where Jupyter refuses to start without --allow-root.
# The notebooks ask for the standard "python3" kernel, which in this JupyterLab is .venv's
# Python. The named kernel is for other front ends (VS Code, a system-wide JupyterLab).
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --user --name aci-tutorial --display-name "Python (ACI tutorial)" >/dev/null
	ACI_BACKEND=$${ACI_BACKEND:-emulator} $(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env -p no:cacheprovider

notebooks: $(STAMP)
	$(NB_ENV) $(BIN)/python tools/run_notebooks.py notebooks/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_emulator.py
	$(BIN)/python benchmarks/bench_notebooks.py

# The book's tools (Jupyter Book 1.x, Sphinx) are an extra: heavy, and no learner needs them.
book: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,book]"
	$(BIN)/python tools/build_book.py
	@echo "open build/book/_build/html/index.html"

clean:
	rm -rf $(VENV) build *.egg-info
