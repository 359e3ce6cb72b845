"""The import page's filter counts the rows as they arrive: while a check lists its
packages (a refused file is listed at once, a report once its stream is settled at the
end), "Mọi kết quả (n)" says the rows already listed and each outcome its own (it said
"(0)" beside listed rows until the end), the choice and the list left as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.demo.province import make_demo
from app.exchange import Outcome
from tests.gui.test_federation import drop
from tests.gui.widgets import open_federation_window

from ui.federation.common import outcome_label
from ui.federation.import_models import FILTERS

pytestmark = pytest.mark.gui

JUNK = 25


def test_the_filter_counts_rows_as_they_arrive(qtbot: QtBot, tmp_path: Path) -> None:
    demo = make_demo(out_dir=tmp_path / "demo", units=12, seed=3)
    folder = tmp_path / "usb"
    shutil.copytree(demo.packages_dir, folder)
    for n in range(JUNK):
        (folder / f"hong-{n:02}.thidua").write_bytes(b"not a package " * n)
    _window, workspace = open_federation_window(qtbot, demo.database, size=(1366, 728))
    page = workspace.importer
    combo = page.filter_combo
    seen: list[tuple[int, int, list[str], int]] = []

    def record(_done: int, _total: int) -> None:
        texts = [combo.itemText(i) for i in range(combo.count())]
        rejected = sum(1 for r in page.model.rows() if r.outcome is Outcome.REJECTED)
        seen.append((page.model.rowCount(), rejected, texts, combo.currentIndex()))

    page.progressed.connect(record)
    with qtbot.waitSignal(page.checked, timeout=120000) as checked:
        drop(workspace, folder)
    assert seen and seen[-1][0] >= JUNK  # refused files listed before the end
    refused = outcome_label(Outcome.REJECTED.value)
    for rows, rejected, texts, current in seen:
        assert current == 0  # "all" stays chosen
        assert [combo.itemData(i) for i in range(combo.count())] == [k for k, _ in FILTERS]
        assert texts[0] == f"Mọi kết quả ({rows})"
        assert f"{refused} ({rejected})" in texts
    # At the end every row, and the counts of the summary.
    counts = checked.args[0].counts
    assert counts["rejected"] == JUNK
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0] == f"Mọi kết quả ({len(demo.files) + JUNK})"
    assert f"{outcome_label(Outcome.NEW.value)} ({counts['new']})" in texts
