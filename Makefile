# Every target but colab-rehearsal sets up .venv first (once; again only when the dependency files change).
PYTHON ?= python3
VENV ?= .venv
EDITION ?= both
BIN := $(VENV)/bin
READY := $(VENV)/.ready
PROFILE_ARG := $(if $(PROFILE),--profile $(PROFILE))

.PHONY: setup run test test-browser lab bench data strip constraints editions colab-rehearsal

setup: $(READY)

$(READY): pyproject.toml constraints.txt scripts/install.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PYTHON=$(BIN)/python bash scripts/install.sh
	touch $(READY)

run: $(READY)          ## execute every notebook headlessly and write a report (PROFILE=ci for a quick run)
	$(BIN)/labkit run $(PROFILE_ARG)

test: $(READY)         ## unit tests + every notebook under the ci profile (EDITION=instructor or student: one edition)
	$(BIN)/python -m pytest --edition $(EDITION)

test-browser: $(READY) ## the widget panels in a real JupyterLab, driven in Chromium (installs Debian's chromium and Playwright)
	PYTHON=$(BIN)/python bash scripts/browser_setup.sh
	$(BIN)/python -m pytest --browser tests/test_browser.py

lab: $(READY)          ## JupyterLab on the notebooks, with the kit's kernel
	$(BIN)/jupyter lab notebooks

bench: $(READY)        ## benchmarks: figures and targets written to bench/results/; lists missed targets
	$(BIN)/labkit bench $(PROFILE_ARG)

editions: $(READY)     ## Colab badges + install cells from labkit/course/colab.py; student (committed) and instructor editions in editions/
	$(BIN)/python -m labkit.course.colab
	$(BIN)/labkit editions

data: $(READY)         ## regenerate the bundled data sets (byte-identical)
	$(BIN)/python datasets/generate.py

colab-rehearsal:       ## fresh Python 3.13 venv with Colab's older stack, the install cell, notebooks 00 and 03 (ci); no .venv
	bash scripts/colab_rehearsal.sh

strip: $(READY)        ## remove outputs from the notebooks before committing
	$(BIN)/jupyter nbconvert --clear-output --inplace --log-level WARN notebooks/*.ipynb

constraints: $(READY)  ## re-pin constraints.txt to what .venv holds
	{ echo "# Exact versions CI installs (pip install -c constraints.txt ...). Regenerate with 'make constraints'."; \
	  $(BIN)/pip freeze --exclude-editable | grep -v -i -E '^(labkit|tf-agents)=='; echo "tf-agents==0.19.0"; } > constraints.txt
