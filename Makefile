# Two entry points, both from a fresh clone:
#   make sample   install, then translate the sample article (FR -> EN) with MarianMT
#   make test     install, then run the tests (offline: they build tiny models themselves)
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

$(BIN)/bitext: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[french,test]"
	touch $@

install: $(BIN)/bitext

sample: install
	$(BIN)/bitext run ../shared/corpus/considerations-energetiques.fr.md --to en

test: install
	$(BIN)/python -m pytest -q

.PHONY: install sample test
