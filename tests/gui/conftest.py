"""Fixtures every GUI test may ask for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtWidgets import QApplication

from ui.widgets.fonts import apply_font_scale
from ui.widgets.help import install_help


@pytest.fixture(params=(1.0, 1.25), ids=["100%", "125%"])
def scale(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[float]:
    """The interface's text at 100% and at 125%, put back to 100% afterwards."""
    apply_font_scale(request.param)
    yield request.param
    apply_font_scale(1.0)


@pytest.fixture(autouse=True)
def help_everywhere(qapp: QApplication) -> None:
    """F1 and the Help buttons, as the application installs them (ui.widgets.help)."""
    install_help(qapp)
