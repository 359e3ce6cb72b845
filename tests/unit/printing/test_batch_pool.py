"""A batch laid out by worker processes (``app.printing.batch_pool``): the one PDF holds
every unit's pages in order, as the same batch laid out in this process; one file per
unit gives the same files; a cancelled batch leaves no file and no temporary piece
behind; the progress climbs to the end.

The demo province of the folder's conftest (12 units) is only read; ``workers=2``
forces the pool (a batch this small is otherwise laid out in this process)."""

from __future__ import annotations

import multiprocessing
import tempfile
from pathlib import Path

import pytest

from app.core.text import natural_key
from app.printing import BatchDocument, OutputExists, print_batch
from app.printing.batch_pool import MIN_POOLED, workers_for
from tests.unit.printing.pdf_reading import (
    PLAN,
    assert_page_numbers,
    layout_pages,
    page_pixels,
    read_pdf,
)
from tests.unit.printing.setups import Province

HEADING = "BẢN ĐĂNG KÝ THI ĐUA NĂM 2017"


@pytest.fixture
def own_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the pool's pieces go to, watched by the test."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_pooled_single_file_has_every_unit_in_order(province: Province, own_temp: Path) -> None:
    calls: list[tuple[int, int]] = []
    pooled = province.out / "pooled.pdf"
    result = print_batch(
        province.ctx,
        document=BatchDocument.REGISTRATION,
        plan_id=PLAN,
        out=pooled,
        workers=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    total = len(province.demo.units)
    assert (result.printed, result.total, result.cancelled) == (total, total, False)
    assert result.paths == (pooled,)
    assert calls[-1] == (total, total) and [d for d, _t in calls] == sorted(d for d, _t in calls)
    alone = province.out / "alone.pdf"
    print_batch(
        province.ctx, document=BatchDocument.REGISTRATION, plan_id=PLAN, out=alone, workers=1
    )
    # The same pages, word for word, in the same order (pdftotext), and pixel for pixel.
    assert layout_pages(pooled) == layout_pages(alone)
    assert page_pixels(pooled) == page_pixels(alone)
    pages = read_pdf(pooled)
    starts = [i for i, p in enumerate(pages) if HEADING in p.flat]
    assert len(starts) == total
    # Unit by unit, by code: each form's first page names its unit.
    units = sorted(province.demo.units, key=lambda u: natural_key(u.code))
    for start, unit in zip(starts, units, strict=True):
        assert unit.name in pages[start].flat, unit.code
    for start, end in zip(starts, [*starts[1:], len(pages)], strict=True):
        assert_page_numbers(pages[start:end])
    assert list(own_temp.iterdir()) == []


def test_pooled_separate_files_are_those_made_alone(province: Province, own_temp: Path) -> None:
    pooled = print_batch(
        province.ctx,
        document=BatchDocument.REGISTRATION,
        plan_id=PLAN,
        out=province.out / "each-pooled",
        single_file=False,
        workers=2,
    )
    alone = print_batch(
        province.ctx,
        document=BatchDocument.REGISTRATION,
        plan_id=PLAN,
        out=province.out / "each-alone",
        single_file=False,
        workers=1,
    )
    assert [p.name for p in pooled.paths] == [p.name for p in alone.paths]
    assert len(pooled.paths) == pooled.printed == len(province.demo.units)
    for mine, theirs in zip(pooled.paths, alone.paths, strict=True):
        assert layout_pages(mine) == layout_pages(theirs)
    assert list(own_temp.iterdir()) == []


def test_cancelled_pooled_single_file_leaves_nothing(province: Province, own_temp: Path) -> None:
    folder = province.out / "cancelled-pooled"
    folder.mkdir()
    result = print_batch(
        province.ctx,
        document=BatchDocument.REGISTRATION,
        plan_id=PLAN,
        out=folder / "all.pdf",
        workers=2,
        cancelled=lambda: True,
    )
    assert result.cancelled and result.paths == () and result.printed == 0
    assert list(folder.iterdir()) == []
    assert list(own_temp.iterdir()) == []


def test_cancelled_pooled_separate_files_keep_only_whole_files(
    province: Province, own_temp: Path
) -> None:
    folder = province.out / "cancelled-each-pooled"
    result = print_batch(
        province.ctx,
        document=BatchDocument.REGISTRATION,
        plan_id=PLAN,
        out=folder,
        single_file=False,
        workers=2,
        cancelled=lambda: True,
    )
    assert result.cancelled and result.printed == len(result.paths) < result.total
    assert sorted(folder.iterdir()) == sorted(result.paths)
    for path in result.paths:
        assert HEADING in read_pdf(path)[0].flat
    assert list(own_temp.iterdir()) == []


@pytest.mark.parametrize(
    ("total", "asked", "expected"),
    [(MIN_POOLED - 1, None, 1), (5, 1, 1), (5, 8, 5), (MIN_POOLED, 2, 2)],
)
def test_how_many_workers(total: int, asked: int | None, expected: int) -> None:
    assert workers_for(total, asked) == expected


def test_workers_started_ahead_end_when_the_batch_is_refused(
    province: Province, own_temp: Path
) -> None:
    """The workers start before the output is checked; a refused batch ends them and
    leaves the existing file as it was."""
    existing = province.out / "exists.pdf"
    existing.write_bytes(b"%PDF-1.4 kept")
    with pytest.raises(OutputExists):
        print_batch(
            province.ctx,
            document=BatchDocument.REGISTRATION,
            plan_id=PLAN,
            out=existing,
            workers=2,
        )
    assert multiprocessing.active_children() == []
    assert existing.read_bytes() == b"%PDF-1.4 kept"
    assert list(own_temp.iterdir()) == []
