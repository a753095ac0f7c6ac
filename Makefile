# Two commands matter: `make lab` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Committed notebook outputs come from the emulator with the instant clock and a fixed seed,
# each notebook in its own in-memory cloud.
NB_ENV := ACI_BACKEND=emulator ACI_EMULATOR_CLOCK=instant ACI_EMULATOR_SPEED=1 ACI_EMULATOR_SEED=0 \
	ACI_EMULATOR_STATE=memory ACI_SETTINGS_FILE=none

# The learner's working copy of notebooks/ that `make lab` opens (tools/lab.py).
LAB_DIR ?= my-notebooks
# pytest-xdist workers for `make test` (each notebook's cells stay on one worker, in order).
# 4 on 2 cores: the browser and realtime tests wait as much as they compute, and the extra
# workers fill those waits (fresh clone, quiet 2 cores: 147 s with 4, 167 s with 3).
JOBS ?= 4
# uv installs in seconds what pip takes a minute or more for. Found on PATH, else installed
# into .venv with pip; pip alone is the fallback where uv cannot be had. uv also leaves out
# what tools/uv-excludes.txt names (a 2 s import in every Jupyter process; see the file).
UV ?= $(shell command -v uv 2>/dev/null)
BOOK_EXTRAS := dev,book

# $(call install,EXTRAS): install the kit editable into .venv with those extras.
define install
	@uv="$(UV)"; \
	if [ -z "$$uv" ] && [ -x $(BIN)/uv ]; then uv=$(BIN)/uv; fi; \
	if [ -z "$$uv" ] && $(BIN)/python -m pip install --quiet uv >/dev/null 2>&1; then uv=$(BIN)/uv; fi; \
	if [ -n "$$uv" ] && "$$uv" pip install --quiet --python $(BIN)/python \
		--excludes tools/uv-excludes.txt -e ".[$(1)]"; then \
		echo "installed .[$(1)] into .venv with uv"; \
	else \
		echo "uv is not available: installing .[$(1)] with pip (slower)"; \
		$(BIN)/python -m pip install --quiet --upgrade pip && \
		$(BIN)/python -m pip install --quiet -e ".[$(1)]"; \
	fi
endef

.PHONY: lab lab-reset test notebooks bench book book-install clean help

help:
	@echo "make lab        set up .venv and open JupyterLab on your working copy ($(LAB_DIR)/)"
	@echo "make lab-reset  move $(LAB_DIR)/ aside (kept) and make a fresh copy of the notebooks"
	@echo "make test       set up .venv and run every test"
	@echo "make notebooks  re-execute the notebooks and commit-ready their outputs"
	@echo "make bench      run the benchmarks"
	@echo "make book       build the tutorial as a static site (Jupyter Book), offline"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call install,dev)
	touch $(STAMP)

# The notebooks ask for the standard "python3" kernel, which in this JupyterLab is .venv's
# Python. tools/lab.py also installs the named kernel "Python (ACI tutorial)" for other front
# ends (VS Code, a system-wide JupyterLab), and puts .venv/bin first on the PATH of the
# server, its kernels and terminals (`!aci-tutorial ...`, `voila ...` work as shown).
# JupyterLab is rooted at the working copy: notebooks/ stays as committed (`make test`).
lab: $(STAMP)
	$(BIN)/python tools/lab.py --dir "$(LAB_DIR)"

lab-reset:
	$(PYTHON) tools/lab.py --dir "$(LAB_DIR)" --reset --prepare-only

# uv installs without compiling bytecode; Python caches it on first import, unless
# PYTHONDONTWRITEBYTECODE is set: then every kernel and server of the tests would recompile
# pandas, Jupyter and the SDK (a kernel's imports: ~9 s of CPU instead of ~4). The cache
# goes to .venv and the checkout's __pycache__ (ignored by git), so the tests allow it.
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder tests notebooks --nbval --nbval-current-env -p no:cacheprovider

notebooks: $(STAMP)
	$(NB_ENV) $(BIN)/python tools/run_notebooks.py notebooks/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_emulator.py
	$(BIN)/python benchmarks/bench_state.py
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_local_cloud.py
	$(BIN)/python benchmarks/bench_exec.py
	$(BIN)/python benchmarks/bench_served_kernel.py

# The book's tools (Jupyter Book 1.x, Sphinx) are an extra: heavy, and no learner needs them.
book: book-install
	$(BIN)/python tools/build_book.py
	@echo "open build/book/_build/html/index.html"

book-install: $(STAMP)
	$(call install,$(BOOK_EXTRAS))

clean:
	rm -rf $(VENV) build *.egg-info
