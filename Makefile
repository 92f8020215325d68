# Two commands do everything: `make demo` and `make test`. Each creates .venv when missing.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
EXTRAS := report,lab,dask,observability,dev
# First Python >= 3.11 found on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: demo test lint lab system-deps sample clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "stage5kit needs Python 3.11 or newer on PATH" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

# Chromium (PDF, HTML checks) and promtool (alert rules) come from Debian where apt is available.
system-deps:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v promtool >/dev/null 2>&1 || missing="$$missing prometheus"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "note: could not install$$missing (needs apt-get as root); PDF export and promtool checks will say so and their tests are skipped" >&2; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks notebooks/conftest.py
	$(VENV)/bin/ruff format --check src tests benchmarks notebooks/conftest.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Tests, then nbval over every notebook in notebooks/ (its own run: nbval must keep one
# notebook's cells on one kernel, so notebooks are spread over workers a file at a time).
test: $(STAMP) system-deps lint
	JUPYTER_PLATFORM_DIRS=1 $(PY) -m pytest -n 2 --dist loadgroup
	JUPYTER_PLATFORM_DIRS=1 $(PY) -m pytest -n 2 --dist loadfile --nbval-lax notebooks/

# The TCO report and the workshop exercise (facilitator version, a DEMO participant), both
# signed with DEMO keys, into out/demo/; each report's path is printed.
demo: $(STAMP)
	rm -rf out/demo
	$(VENV)/bin/stage5kit demo --out out/demo/tco
	$(VENV)/bin/stage5kit workshop demo --out out/demo/warsztat

# Rebuilds sample_artifacts/ whole: inputs, the public demo key, signed TCO and stress outputs.
sample: $(STAMP)
	$(VENV)/bin/stage5kit sample artifacts --out sample_artifacts

# JupyterLab on the participant notebook: the kit's kernel, no news or update pop-up
# (`stage5kit workshop lab`, which tests/workshop/test_lab_journey.py starts the same way).
# LAB_ARGS go to `jupyter lab`, e.g. make lab LAB_ARGS=--port=8899; as root (containers) the
# kit adds --allow-root itself.
LAB_DIR := out/lab
LAB_ARGS ?=
lab: $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	$(VENV)/bin/stage5kit workshop lab --dir $(LAB_DIR) -- $(LAB_ARGS)

clean:
	rm -rf $(VENV) demo-out out .pytest_cache .mypy_cache .ruff_cache
