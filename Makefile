# One task runner for people and CI. README and .ci/run call these targets.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROJECT ?= projects/demo.db
PORT    ?= 8501

.PHONY: install demo test browser bench

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
