"""What an independent security review found after the first hardening (issue 14).

Each case once failed: a payload that made the character check take gigabytes,
text that grew past its column when composed (PostgreSQL's bare ``DataError``),
roster columns whose length nobody checked, a one-row workbook of millions of
cells, a plan whose group is its own ancestor, a backup manifest naming a file
outside the key folder, file names that print lines of their own. Run on SQLite
and PostgreSQL where a database is involved.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from app.core.context import AppContext
from app.core.errors import InputError, UserError
from app.core.files import display_name
from app.core.text import first_unclean
from app.core.values import text_problem
from app.exchange.bodies import _text
from app.exchange.format import PayloadError
from app.plans.document import install_plan_document
from app.plans.json_forms import plan_document
from app.roster.rows import RosterError
from app.roster.template import write_roster_template
from app.roster.tree import list_roster
from app.roster.workbook_import import import_roster
from app.setup.backup import BACKUP_FORMAT, MANIFEST, check_backup, find_backup

pytestmark = pytest.mark.both_backends


def test_the_character_check_stays_small_on_a_long_name_over_a_long_list() -> None:
    """A 200,000-character member name holding 50,000 items: every path was built in
    full (9.8 GB for a 400 KB package, before the header was read)."""
    document = {"body": {"n" * 200_000: [*range(50_000), "a\x00"]}}
    tracemalloc.start()
    try:
        where, character = first_unclean(document) or ("", "")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert character == "U+0000" and where.endswith("[50000]")
    assert peak < 60_000_000, f"{peak / 1e6:.0f} MB"


@pytest.mark.parametrize("character", ["\ufb2c", "\u0958", "\U0001d15e"])
def test_text_is_measured_as_it_will_be_stored(character: str) -> None:
    """U+FB2C composes to three code points: 200 of them passed a 200-character limit
    and became 600 in a 200-character column."""
    from app.core.text import nfc

    assert len(nfc(character * 10)) > 10
    with pytest.raises(PayloadError):
        _text(character * 200, "statement.signer_name", 200)
    problem = text_problem(character * 200, 200)
    assert problem is not None and "200" in problem.translated()


def test_roster_columns_are_checked_against_what_the_database_holds(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A realistic cluster name (43 characters) made PostgreSQL refuse the whole roster
    with a bare DataError; names, phones and e-mails were never measured."""
    from openpyxl import load_workbook

    path = tmp_path / "roster.xlsx"
    write_roster_template(path)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    cluster = headers.index("Cụm thi đua") + 1
    phone = headers.index("Điện thoại") + 1
    sheet.cell(row=2, column=cluster, value="Cụm thi đua các doanh nghiệp ngoài nhà nước")
    workbook.save(path)
    with ctx.unit_of_work() as session:
        import_roster(session, path=path, year=2017)
    with ctx.reading() as session:
        clusters = {u.cluster_code for u in list_roster(session, year=2017)}
    assert "Cụm thi đua các doanh nghiệp ngoài nhà nước" in clusters

    sheet.cell(row=3, column=cluster, value="C" * 121)
    sheet.cell(row=3, column=phone, value="0" * 65)
    workbook.save(path)
    with pytest.raises(RosterError) as info, ctx.unit_of_work() as session:
        import_roster(session, path=path, year=2018)
    assert {(e.row, e.column) for e in info.value.errors} == {(3, "cluster"), (3, "phone")}


def test_a_row_of_millions_of_cells_is_refused_before_it_is_built(tmp_path: Path) -> None:
    """One row of 14 million empty cells (58 KB packed) made openpyxl use 4.6 GB."""
    import zipfile

    from app.roster.workbook_import import read_roster_rows

    path = tmp_path / "wide.xlsx"
    Workbook().save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    row = '<row r="1">' + "<c/>" * 500_000 + "</row>"
    filled = re.sub(
        r"<sheetData\s*(/>|></sheetData>)", f"<sheetData>{row}</sheetData>", sheet, count=1
    )
    assert filled != sheet
    parts["xl/worksheets/sheet1.xml"] = filled.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError) as info:
        read_roster_rows(path)
    assert info.value.message == "The workbook holds far more cells than a sheet of this kind."


def _plan(ctx: AppContext, **changes: Any) -> dict[str, Any]:
    from app.plans.reading import get_plan

    with ctx.reading() as session:
        document: dict[str, Any] = json.loads(
            json.dumps(plan_document(get_plan(session, "tuyen-quang-2017")))
        )
    document.update(changes)
    return document


def test_a_group_that_is_its_own_ancestor_is_refused(ctx: AppContext) -> None:
    """The unit's table, scoring and printing looped for ever on such a plan."""
    document = _plan(ctx, id="vong-lap-2017")
    document["groups"][0]["parent"] = document["groups"][0]["code"]
    with pytest.raises(InputError) as info, ctx.unit_of_work() as session:
        install_plan_document(session, document)
    assert info.value.params == {"field": "groups.parent"}
    two = _plan(ctx, id="vong-lap-hai-2017")
    first, second = two["groups"][0], two["groups"][1]
    first["parent"], second["parent"] = second["code"], first["code"]
    with pytest.raises(InputError), ctx.unit_of_work() as session:
        install_plan_document(session, two)


def test_any_text_longer_than_its_column_is_refused_alike(ctx: AppContext) -> None:
    """A 5,000-character plan id was stored by SQLite and refused by PostgreSQL."""
    document = _plan(ctx, id="p" * 100)
    with pytest.raises(InputError) as info, ctx.unit_of_work() as session:
        install_plan_document(session, document)
    assert info.value.params == {"field": "plan.id", "limit": 64}
    with ctx.reading() as session:
        from sqlalchemy import func, select

        from db import models

        assert (
            session.scalar(
                select(func.count()).select_from(models.Plan).where(models.Plan.id == "p" * 100)
            )
            == 0
        )


def test_a_backup_manifest_cannot_name_a_file_outside_the_key_folder(tmp_path: Path) -> None:
    folder = tmp_path / "usb" / "thidua-backup"
    folder.mkdir(parents=True)
    for installation_id in ("../../settings", None, "", "a/b", "x" * 65):
        manifest = {"format": BACKUP_FORMAT, "unit": "CĐ", "created_at": "2017-02-20"}
        if installation_id is not None:
            manifest["installation_id"] = installation_id
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(UserError):
            find_backup(tmp_path / "usb")
        with pytest.raises(UserError):
            check_backup(folder, "mật khẩu bất kỳ")


def test_a_file_name_never_prints_a_line_of_its_own() -> None:
    shown = display_name(Path("goi\nCS-0001 mới\r\t.thidua"))
    assert "\n" not in shown and "\r" not in shown and "\t" not in shown
