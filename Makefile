# policykg — two commands do everything: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= kg

.PHONY: demo test eval bench install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/policykg build data --store $(STORE) --infer
	$(BIN)/policykg stats --store $(STORE)
	@echo; echo "== Which regulations are cited most, and how? (policykg query regulations)"
	@$(BIN)/policykg query regulations --store $(STORE) | head -12
	@echo; echo "== Who leads and who partners? (policykg query agencies)"
	@$(BIN)/policykg query agencies --store $(STORE) | head -10
	@echo; echo "== Where is the 老年人权益保障条例 cited? (policykg query trace)"
	@$(BIN)/policykg query trace --param title=老年人权益保障条例 --store $(STORE)
	@echo; echo "== Targets and results with a number (policykg query indicators)"
	@$(BIN)/policykg query indicators --store $(STORE) | head -10
	$(BIN)/policykg viz -o graph.html --store $(STORE)

test: dev
	$(BIN)/python -m pytest

clean:
	rm -rf $(STORE) graph.html build dist *.egg-info .pytest_cache .hypothesis

eval: install
	$(BIN)/python bench/eval.py

bench: dev
	$(BIN)/python bench/viz.py
	$(BIN)/python bench/infer.py
	$(BIN)/python bench/stages.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/load.py
