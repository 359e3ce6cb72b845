"""Batches of one document for many units (``app.printing.batch``): every kind of document,
units chosen by code, by cluster and by upper-level union, one PDF or one file each,
cancelled, units skipped for want of data, and outputs refused before anything is written.

The demo province of the folder's conftest is only read; the skipped units get a province
of their own where some packages were never imported and one key was revoked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli.printing import BATCH_DOCUMENTS
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError
from app.demo.province import Demo, make_demo
from app.exchange.key_status import KeyStatus
from app.exchange.keys import list_keys, record_key_decision
from app.exchange.merge import import_packages
from app.plans import get_plan
from app.printing import (
    BatchDocument,
    OutputExists,
    print_batch,
)
from app.printing.batch import NO_ACCEPTED_KEY, NOT_REGISTERED, NOT_REPORTED, file_stems
from app.printing.sources import load_units
from app.printing.typesetting import vn_upper
from app.rollup import Scope, resolve_scope
from db.enums import REGISTRATION_STREAM, UnitKind
from tests.unit.printing.pdf_reading import PLAN, Page, all_text, assert_page_numbers, read_pdf
from tests.unit.printing.setups import Province

#: What starts each document's first page, and each one's file name.
HEADINGS = {
    BatchDocument.REGISTRATION: ("BẢN ĐĂNG KÝ THI ĐUA NĂM 2017", "dang-ky-2017"),
    BatchDocument.RESULTS_H1: (
        "Kết quả thực hiện đăng ký thi đua 6 tháng đầu năm",
        "ket-qua-6-thang-2017",
    ),
    BatchDocument.RESULTS_YEAR: ("Kết quả thực hiện đăng ký thi đua năm", "ket-qua-nam-2017"),
    BatchDocument.KEY_CARD: ("THẺ KHÓA XÁC THỰC", "the-khoa-2017"),
}


def _codes(province: Province) -> list[str]:
    return sorted(u.code for u in province.demo.units)


def _starts(pages: list[Page], heading: str) -> list[int]:
    return [i for i, p in enumerate(pages) if heading in p.flat]


@pytest.mark.parametrize("document", list(BatchDocument))
def test_every_document_for_the_whole_province_in_one_file(
    province: Province, document: BatchDocument
) -> None:
    calls: list[tuple[int, int]] = []
    out = province.out / f"all-{document}.pdf"
    result = print_batch(
        province.ctx,
        document=document,
        plan_id=PLAN,
        out=out,
        progress=lambda done, total: calls.append((done, total)),
    )
    total = len(province.demo.units)
    assert (result.printed, result.total, result.cancelled) == (total, total, False)
    assert result.paths == (out,) and result.skipped == ()
    assert calls[-1] == (total, total) and [d for d, _t in calls] == sorted(d for d, _t in calls)
    pages = read_pdf(out)
    heading = HEADINGS[document][0]
    starts = _starts(pages, heading)
    assert len(starts) == total, heading
    for start, end in zip(starts, [*starts[1:], len(pages)], strict=True):
        assert_page_numbers(pages[start:end])
    text = all_text(pages)
    for unit in province.demo.units:
        assert unit.name + " " in text, unit.code
    if document is BatchDocument.REGISTRATION:
        assert re.findall(r"Mã đơn vị: (\S+)", text) == _codes(province)


def test_key_cards_carry_each_units_accepted_fingerprint(province: Province) -> None:
    with province.ctx.reading() as session:
        keys = {k.unit_code: k for k in list_keys(session, status="accepted")}
    code = province.demo.units[3].code
    result = print_batch(
        province.ctx,
        document="key_card",
        unit_codes=[code],
        single_file=False,
        out=province.out / "cards",
    )
    (path,) = result.paths
    assert path.name == f"{code}_the-khoa-2017.pdf"
    text = all_text(read_pdf(path))
    assert keys[code].fingerprint in text and keys[code].keyid in text
    with province.ctx.reading() as session:
        units = load_units(session, get_plan(session, PLAN)).values()
    parent = next(u.parent_name for u in units if u.code == code)
    assert text.startswith(vn_upper(parent)), "the parent body on its forms heads the card"


def _scope(province: Province, *, unit: str | None = None, cluster: str | None = None) -> Scope:
    with province.ctx.reading() as session:
        return resolve_scope(session, year=2017, unit=unit, cluster=cluster)


def test_a_cluster_one_file_per_unit(province: Province) -> None:
    cluster = province.demo.units[-1].cluster_code
    members = sorted(u.code for u in province.demo.units if u.cluster_code == cluster)
    folder = province.out / "cluster"
    result = print_batch(
        province.ctx,
        document=BatchDocument.RESULTS_YEAR,
        scope=_scope(province, cluster=cluster),
        single_file=False,
        out=folder,
    )
    assert [p.name for p in result.paths] == [f"{c}_ket-qua-nam-2017.pdf" for c in members]
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in result.paths]
    for path, code in zip(result.paths, members, strict=True):
        text = all_text(read_pdf(path))
        assert HEADINGS[BatchDocument.RESULTS_YEAR][0] in text
        unit = next(u for u in province.demo.units if u.code == code)
        assert unit.name in text


def test_an_upper_level_unions_units(province: Province) -> None:
    upper = next(u for u in province.demo.units if u.kind is UnitKind.UPPER)
    below = sorted([upper.code] + [u.code for u in province.demo.units if u.parent_id == upper.id])
    assert len(below) > 1
    out = province.out / "upper.pdf"
    result = print_batch(
        province.ctx,
        document=BatchDocument.RESULTS_H1,
        scope=_scope(province, unit=upper.code),
        out=out,
    )
    assert result.printed == len(below)
    text = all_text(read_pdf(out))
    for unit in province.demo.units:
        assert (unit.name + " " in text) == (unit.code in below), unit.code


def test_cancelled_single_file_writes_nothing(province: Province) -> None:
    polls = iter(range(100))
    out = province.out / "cancelled" / "all.pdf"
    out.parent.mkdir()
    result = print_batch(
        province.ctx,
        document=BatchDocument.KEY_CARD,
        out=out,
        cancelled=lambda: next(polls) >= 3,
    )
    assert result.cancelled and result.paths == () and result.printed == 0
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_cancelled_separate_files_keep_those_finished(province: Province) -> None:
    polls = iter(range(100))
    folder = province.out / "cancelled-each"
    result = print_batch(
        province.ctx,
        document=BatchDocument.REGISTRATION,
        out=folder,
        single_file=False,
        cancelled=lambda: next(polls) >= 2,
    )
    assert result.cancelled and result.printed == 2 and result.total == len(province.demo.units)
    assert sorted(folder.iterdir()) == sorted(result.paths)
    codes = _codes(province)[:2]
    assert [p.name for p in result.paths] == [f"{c}_dang-ky-2017.pdf" for c in codes]
    for path in result.paths:
        assert HEADINGS[BatchDocument.REGISTRATION][0] in all_text(read_pdf(path))


# --- bad choices and outputs -----------------------------------------------------------------


def test_outputs_are_checked_before_anything_is_written(province: Province) -> None:
    code = province.demo.units[0].code
    a_file = province.out / "a-file.pdf"
    a_file.write_bytes(b"mine")
    with pytest.raises(InputError, match="is a file"):
        print_batch(
            province.ctx, document="registration", unit_codes=[code], single_file=False, out=a_file
        )
    with pytest.raises(InputError, match="does not exist"):
        print_batch(
            province.ctx, document="registration", unit_codes=[code], out=a_file / "x" / "y.pdf"
        )
    with pytest.raises(OutputExists) as clash:
        print_batch(province.ctx, document="registration", unit_codes=[code], out=a_file)
    assert clash.value.paths == (a_file,) and a_file.read_bytes() == b"mine"
    folder = province.out / "a-folder"
    with pytest.raises(InputError, match="is a folder"):
        folder.mkdir()
        print_batch(province.ctx, document="registration", unit_codes=[code], out=folder)
    assert list(folder.iterdir()) == []
    # A folder holding one of the files: nothing more is written unless replacing.
    other = province.demo.units[1].code
    (folder / f"{code}_dang-ky-2017.pdf").write_bytes(b"old")
    with pytest.raises(OutputExists, match="already holds 1 of these files"):
        print_batch(
            province.ctx,
            document="registration",
            unit_codes=[code, other],
            single_file=False,
            out=folder,
        )
    assert [p.name for p in folder.iterdir()] == [f"{code}_dang-ky-2017.pdf"]
    result = print_batch(
        province.ctx,
        document="registration",
        unit_codes=[code, other],
        single_file=False,
        out=folder,
        replace=True,
    )
    assert result.printed == 2
    assert (folder / f"{code}_dang-ky-2017.pdf").read_bytes().startswith(b"%PDF")


def test_bad_choices_are_refused(province: Province) -> None:
    out = province.out / "never.pdf"
    with pytest.raises(NotFoundError, match="XX-404"):
        print_batch(province.ctx, document="registration", unit_codes=["XX-404"], out=out)
    with pytest.raises(InputError, match="Unknown document"):
        print_batch(province.ctx, document="minutes", out=out)
    with pytest.raises(InputError, match="either by code"):
        print_batch(
            province.ctx, document="registration", unit_codes=["CS-00001"], scope=Scope(), out=out
        )
    with pytest.raises(InputError, match="at least one unit"):
        print_batch(province.ctx, document="registration", unit_codes=[" "], out=out)
    assert not out.exists()


def test_file_names_are_made_safe_and_distinct() -> None:
    assert file_stems(
        [("CS/01", "a" * 36), ("..\\CS 02", "b" * 36), ("NUL", "c" * 36), ("", "d" * 36)]
    ) == ["CS-01", "CS-02", "_NUL", "d" * 36]
    assert file_stems([("CS:1", "1234567890"), ("CS?1", "abcdefghij")]) == [
        "CS-1-12345678",
        "CS-1-abcdefgh",
    ]


def test_the_command_line_names_every_document() -> None:
    assert tuple(d.value for d in BatchDocument) == BATCH_DOCUMENTS


# --- units skipped -----------------------------------------------------------------------------


@dataclass
class Patchy:
    """A province where one unit never registered, two never reported for the first
    half-year, and one unit's key was revoked."""

    demo: Demo
    ctx: AppContext
    unregistered: str
    unreported: list[str]
    revoked: str


@pytest.fixture(scope="module")
def patchy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Patchy]:
    base = tmp_path_factory.mktemp("patchy")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("THIDUA_HOME", str(base / "home"))
        demo = make_demo(
            out_dir=base / "demo", units=6, seed=3, streams=(REGISTRATION_STREAM, "h1")
        )
        ctx = open_context(demo.database)
        codes = sorted(u.code for u in demo.units)
        unregistered, unreported, revoked = codes[0], codes[1:4:2], codes[-1]
        files = [
            path
            for unit, registration, h1 in zip(
                demo.units, demo.files[::2], demo.files[1::2], strict=True
            )
            for path in (
                *([] if unit.code == unregistered else [registration]),
                *([] if unit.code in unreported else [h1]),
            )
        ]
        import_packages(ctx, paths=files, dry_run=False)
        with ctx.unit_of_work() as session:
            (key,) = [k for k in list_keys(session, status="accepted") if k.unit_code == revoked]
            record_key_decision(session, keyid=key.keyid, decision=KeyStatus.REVOKED)
    yield Patchy(demo, ctx, unregistered, unreported, revoked)
    ctx.close()


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (BatchDocument.REGISTRATION, NOT_REGISTERED),
        (BatchDocument.RESULTS_H1, NOT_REPORTED),
        (BatchDocument.KEY_CARD, NO_ACCEPTED_KEY),
    ],
)
def test_units_without_the_data_are_skipped_with_why(
    patchy: Patchy, tmp_path: Path, document: BatchDocument, reason: str
) -> None:
    missing = {
        BatchDocument.REGISTRATION: [patchy.unregistered],
        BatchDocument.RESULTS_H1: patchy.unreported,
        BatchDocument.KEY_CARD: [patchy.revoked],
    }[document]
    result = print_batch(patchy.ctx, document=document, out=tmp_path / "out.pdf")
    assert [(s.code, s.reason) for s in result.skipped] == [(c, reason) for c in missing]
    units = len(patchy.demo.units)
    assert result.printed == result.total == units - len(missing)
    text = all_text(read_pdf(tmp_path / "out.pdf"))
    for unit in patchy.demo.units:
        assert (unit.name + " " in text) == (unit.code not in missing), unit.code
    assert len(re.findall(re.escape(HEADINGS[document][0]), text)) == result.printed


def test_nothing_to_print_is_a_message_and_no_file(patchy: Patchy, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="None of the 1 units"):
        print_batch(
            patchy.ctx,
            document=BatchDocument.RESULTS_YEAR,
            unit_codes=[patchy.unreported[0]],
            out=tmp_path / "out" / "none.pdf",
        )
    assert not (tmp_path / "out").exists()
