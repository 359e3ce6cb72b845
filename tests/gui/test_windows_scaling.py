"""Windows display scaling at 125% on a 1366×768 screen: every window, page and dialog fits.

A user who sets Windows' "Scale" to 125% (common on small laptops) has a 1366×768 screen
of 1093×614 logical pixels: the main window needed 1258×830 physical pixels, taller than
the screen. Qt reads the factor (``QT_SCALE_FACTOR``, as Windows' own scaling) when the
application starts, so the fit tests run again here in a child process at 1.25, at 100%
text (their 125% text case is the ``scale`` fixture's); :func:`tests.gui.screen_size.check`
counts the screen in the logical pixels the factor leaves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]

#: The fit tests, each with the ones of its file that size a window.
FIT_TESTS = {
    "every window and dialog": ["tests/gui/test_screen_size.py"],
    "deadlines and late units": ["tests/gui/test_deadlines_screen_size.py"],
    "dashboard": ["tests/gui/test_dashboard_fit.py"],
    "not-sent list": ["tests/gui/test_walkthrough_leftovers.py", "-k", "room"],
    "old fonts": ["tests/gui/test_legacy_cells.py"],
    "reminders": ["tests/gui/test_federation_reminders.py", "-k", "fit"],
    "batch print": ["tests/gui/test_federation_batch_print.py", "-k", "fits"],
}


@pytest.mark.parametrize("selection", FIT_TESTS.values(), ids=FIT_TESTS.keys())
def test_everything_fits_at_windows_scaling_125(tmp_path: Path, selection: list[str]) -> None:
    path, *keywords = selection
    chosen = " and ".join(["not 125", *keywords[1:]])  # 100% text: the factor scales it
    environment = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="1.25", THIDUA_HOME=str(tmp_path)
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", path, "-k", chosen],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout, result.stdout[-2000:]
