# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= examples/caucasus.db

.PHONY: demo test setup clean

$(BIN)/storyline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/storyline

# Ingest the bundled example corpus and print what was found.
demo: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/storyline ingest examples/caucasus --db $(DB)
	$(BIN)/storyline articles --db $(DB)
	$(BIN)/storyline entities --db $(DB) --limit 15
	$(BIN)/storyline quotes --db $(DB) --limit 10
	$(BIN)/storyline stories --db $(DB)
	$(BIN)/storyline timeline --db $(DB) --limit 15
	$(BIN)/storyline dates --db $(DB) --limit 10

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
