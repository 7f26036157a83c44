# One task runner for people and CI. README and .ci/run call these targets.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROJECT ?= projects/demo.db
PORT    ?= 8501

.PHONY: install demo test browser bench check lint format-check typecheck typecheck-baseline fast lowest

# Install the package with its test tools into a local virtual environment. The Dutch spaCy
# pipeline is tried and skipped when it cannot be downloaded (see ARCHITECTURE.md).
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	@$(PY) -m spacy download nl_core_news_sm >/dev/null 2>&1 \
	  && echo "Dutch pipeline: nl_core_news_sm installed" \
	  || echo "Dutch pipeline: nl_core_news_sm could not be downloaded; using spacy.blank('nl') + simplemma"
	touch $@

install: $(VENV)/.installed

# Start the workbench on the demo project (created and filled with the fictional demo corpus on
# first start) at http://localhost:$(PORT); opens the browser where there is one.
demo: install
	$(VENV)/bin/workbench demo --project $(PROJECT)
	$(VENV)/bin/workbench app --project $(PROJECT) --port $(PORT)

# Debian's chromium for the browser end-to-end tests (Playwright's own download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; fi; }

test: install browser
	$(PY) -m pytest -q -p no:cacheprovider
	@echo "Screenshots of every page: $(CURDIR)/screenshots"

# The quick loop: lint, format check, the tests not marked slow or browser. About 45 s on the
# idle 2-core development machine (fast tests in 2 processes; 60 s in one). See README.
check: lint format-check fast

lint: install
	$(VENV)/bin/ruff check .

# The whole tree passes the formatter (`.venv/bin/ruff format .` before committing).
format-check: install
	$(VENV)/bin/ruff format --check .

# mypy on the package; the errors that predate it are listed per module in pyproject.toml.
typecheck: install
	$(VENV)/bin/mypy

# Rewrite that list from mypy's current findings (after fixing errors, or to accept new ones).
typecheck-baseline: install
	$(PY) .ci/mypy_baseline.py

# Tests not marked slow or browser (tests/slow_tests.txt counts as marked; .ci/slow_tests.py
# rewrites it from measured timings), in one process per core (pytest-xdist).
fast: install
	$(PY) -m pytest -q -p no:cacheprovider -n auto -m "not slow and not browser"

# The lowest versions pyproject.toml allows (.ci/lowest.py pins every lower bound), installed
# from scratch in their own environment, then the fast tests: proves the lower bounds. CI runs it.
LOWEST ?= .venv-lowest
lowest:
	rm -rf $(LOWEST)
	python3 -m venv $(LOWEST)
	python3 .ci/lowest.py > $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pip install -q -c $(LOWEST)/constraints.txt ".[test]"
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider -m "not slow and not browser"

# Speed and memory figures (see README: Benchmarks). Each script prints its own figures.
bench: install
	$(PY) benchmarks/bench_import.py --n 85
	$(PY) benchmarks/bench_suggest.py
	$(PY) benchmarks/bench_app.py --n 85
	$(PY) benchmarks/bench_patterns.py
	$(PY) benchmarks/bench_agreement.py
	$(PY) benchmarks/bench_codebook.py
	$(PY) benchmarks/bench_exchange.py
	$(PY) benchmarks/bench_privacy.py
	$(PY) benchmarks/eval_suggest.py
