# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUNDLE_TOOLS := $(VENV)/.bundle-tools
PO := $(wildcard resources/locale/*/LC_MESSAGES/thidua.po)
MO := $(PO:.po=.mo)
PYINSTALLER := pyinstaller>=6.10,<7

.PHONY: run test test-fast lint typecheck pytest catalog clean-venv bench bench-readme bench-national \
	bench-national-readme screenshots bundle bundle-test guide

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The compiled catalogues (not in git): start-up reads them instead of compiling the .po
## (about 35 ms); app.core.i18n ignores a .mo older than its .po.
%.mo: %.po $(STAMP)
	$(BIN)/python -c 'import sys; from babel.messages import mofile, pofile; \
		mofile.write_mo(open(sys.argv[2], "wb"), pofile.read_po(open(sys.argv[1], "rb"), \
		locale=sys.argv[3]))' $< $@.tmp $(word 3,$(subst /, ,$<))
	mv $@.tmp $@

## Open the application on the embedded default database (user data directory).
run: $(STAMP) $(MO)
	$(BIN)/thidua

## Lint, type-check and run the whole suite offscreen.
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check app db ui tests
	$(BIN)/ruff format --check app db ui tests
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## The inner loop: lint, types and the suite without the slow tests (crash, subprocess and
## whole-province runs, marked `slow`); `make test` before a commit still runs everything.
test-fast: $(STAMP) lint typecheck
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" -q

## Refresh the message catalogue from the sources (English msgids).
catalog: $(STAMP)
	$(BIN)/python -m app.core.i18n_tools update

## PNGs of each main screen (offscreen) into docs/screenshots/.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.screenshots docs/screenshots

## The user guide (docs/guide) as a printable A4 PDF with a table of contents.
guide: $(STAMP)
	mkdir -p build/guide
	$(BIN)/thidua-cli guide --out build/guide/huong-dan-su-dung.pdf

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

## Every benchmark but the national one (figures printed as ratios to same-run floors).
bench: $(STAMP) $(MO)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -s -p no:cacheprovider \
		--override-ini addopts= --ignore=tests/bench/test_bench_national.py

## `make bench`, then the README's import, start-up, scoring and printing figures rewritten
## from its output.
bench-readme: bench
	$(BIN)/python tests/bench/readme.py build/bench/import.json
	$(BIN)/python tests/bench/readme.py --startup build/bench/startup.json
	$(BIN)/python tests/bench/readme.py --scoring build/bench/scoring.json
	$(BIN)/python tests/bench/readme.py --printing build/bench/printing.json

## The country: 125,000 CĐCS, a 20,000-package import, the roll-up of ~5.5 million values
## (~10 min; PostgreSQL too when THIDUA_BENCH_POSTGRES_URL is set, see the test's docstring).
bench-national: $(STAMP) $(MO)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench/test_bench_national.py -s \
		-p no:cacheprovider --override-ini addopts=

## `make bench-national`, then the README's national table rewritten from its output.
bench-national-readme: bench-national
	$(BIN)/python tests/bench/readme.py --national build/bench/national.json

clean-venv:
	rm -rf $(VENV)
