# listenwell: `make demo` runs the whole pipeline on the bundled sample; `make test` runs
# the tests. Both install whatever is missing first (system packages, then .venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo-interview

.PHONY: install system demo test lint bench clean

install: system $(STAMP)

system:
	@tools/system-packages.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

demo: install
	rm -rf $(DEMO)
	$(BIN)/listenwell import samples/interview/audio.flac --plan samples/interview/plan.toml --to $(DEMO)
	$(BIN)/listenwell transcribe $(DEMO)
	$(BIN)/listenwell report $(DEMO)

lint: install
	$(BIN)/ruff check .

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache build *.egg-info
