# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUNDLE_TOOLS := $(VENV)/.bundle-tools
PYINSTALLER := pyinstaller>=6.10,<7

.PHONY: run test lint typecheck pytest catalog clean-venv bench screenshots bundle bundle-test

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Open the application on the embedded default database (user data directory).
run: $(STAMP)
	$(BIN)/thidua

## Lint, type-check and run the whole suite offscreen.
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check app db ui tests
	$(BIN)/ruff format --check app db ui tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## Refresh the message catalogue from the sources (English msgids).
catalog: $(STAMP)
	$(BIN)/python -m app.i18n_tools update

## PNGs of each main screen (offscreen) into docs/screenshots/.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.screenshots docs/screenshots

$(BUNDLE_TOOLS): $(STAMP)
	$(BIN)/python -m pip install --quiet '$(PYINSTALLER)'
	touch $(BUNDLE_TOOLS)

## The onedir bundle (thidua + thidua-cli) in dist/thidua; needs binutils (objdump).
## Windows: see README, "Windows build".
bundle: $(BUNDLE_TOOLS)
	$(BIN)/python -m PyInstaller --noconfirm --log-level WARN build_installer.spec

## Build the bundle (cached in the temp folder while its inputs are unchanged) and run
## the frozen thidua-cli and thidua (offscreen) as a user would.
bundle-test: $(BUNDLE_TOOLS)
	THIDUA_BUNDLE_TEST=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -s -p no:cacheprovider \
		tests/e2e/test_frozen_bundle.py

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -s -p no:cacheprovider --override-ini addopts=

clean-venv:
	rm -rf $(VENV)
