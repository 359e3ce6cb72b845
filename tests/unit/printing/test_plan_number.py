"""The plan's number and date of issue set before it is issued, cited by every form.

The built-in plan ships as "…/KH-LĐLĐ" with no date: staff set "45/KH-LĐLĐ" of
07/02/2017 (service and command line), audited, kept when the built-in plans are
refreshed, printed on the plan and on every form that cites it (read back with
pdftotext); a bad number or date changes nothing, nor does any change once plan
packages were written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.core.context import AppContext
from app.core.errors import InputError, UserError
from app.core.i18n import vietnamese
from app.exchange import federation
from app.plans import get_plan, install_builtin_plans, set_plan_number
from app.printing import (
    print_cluster_covenant,
    print_plan,
    print_province_summary,
    print_registration_form,
    print_results_report,
)
from db import models
from tests.helpers import federation_with_roster_only
from tests.unit.printing.pdf_reading import PLAN, layout_text

CITED = "Kế hoạch số 45/KH-LĐLĐ ngày 07/02/2017"


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[AppContext]:
    """A federation with its roster whose plan packages are not written yet."""
    ctx = federation_with_roster_only(tmp_path / "fed.db", tmp_path)
    yield ctx
    ctx.close()


def in_vietnamese(error: UserError) -> str:
    return vietnamese(error.message).format(**error.params)


def audit_count(ctx: AppContext) -> int:
    with ctx.reading() as session:
        return int(session.scalar(select(func.count()).select_from(models.AuditEntry)) or 0)


def test_the_built_in_plans_number_is_set_audited_and_kept(fed: AppContext) -> None:
    with fed.reading() as session:
        assert get_plan(session, PLAN).number == "…/KH-LĐLĐ"
    plan = set_plan_number(fed, plan_id=PLAN, number=" 45/KH-LĐLĐ ", issued_on=dt.date(2017, 2, 7))
    assert (plan.number, plan.issued_on, plan.builtin) == ("45/KH-LĐLĐ", dt.date(2017, 2, 7), True)
    with fed.unit_of_work() as session:
        install_builtin_plans(session)
    with fed.reading() as session:
        assert get_plan(session, PLAN).number == "45/KH-LĐLĐ"
        entry = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.action == "plan.number")
        ).one()
        assert entry.subject == PLAN
        assert "45/KH-LĐLĐ" in entry.detail_json and "…/KH-LĐLĐ" in entry.detail_json


def test_every_form_cites_the_number_set(fed: AppContext, tmp_path: Path) -> None:
    set_plan_number(fed, plan_id=PLAN, number="45/KH-LĐLĐ", issued_on=dt.date(2017, 2, 7))
    with fed.reading() as session:
        code = session.scalars(select(models.Unit.code).where(models.Unit.code == "CS-0001")).one()
        cluster = session.scalars(select(models.Cluster.name)).first()
    assert code is not None and cluster is not None
    plan_pdf = print_plan(fed, plan_id=PLAN, out=tmp_path / "plan.pdf")
    assert "Số: 45/KH-LĐLĐ" in layout_text(plan_pdf)
    assert "ngày 07 tháng 02 năm 2017" in layout_text(plan_pdf)
    forms = [
        print_registration_form(fed, plan_id=PLAN, unit=code, out=tmp_path / "r.pdf"),
        print_results_report(fed, plan_id=PLAN, unit=code, period="year", out=tmp_path / "k.pdf"),
        print_cluster_covenant(fed, plan_id=PLAN, cluster=cluster, out=tmp_path / "c.pdf"),
        print_province_summary(fed, plan_id=PLAN, out=tmp_path / "s.pdf"),
    ]
    for form in forms:
        words = layout_text(form)
        assert CITED in words, form.name
        assert "…/KH-LĐLĐ" not in words, form.name


@pytest.mark.parametrize(
    ("number", "day", "message"),
    [
        ("KH-LĐLĐ", dt.date(2017, 2, 7), "không phải số văn bản"),
        ("45 / KH", dt.date(2017, 2, 7), "không phải số văn bản"),
        ("…/KH-LĐLĐ", dt.date(2017, 2, 7), "không phải số văn bản"),
        ("45/KH-LĐLĐ", dt.date(2018, 1, 2), "2017"),
        ("45/KH-LĐLĐ", dt.date(2015, 12, 30), "2017"),
    ],
)
def test_a_bad_number_or_date_changes_nothing(
    fed: AppContext, number: str, day: dt.date, message: str
) -> None:
    before = audit_count(fed)
    with pytest.raises(InputError) as raised:
        set_plan_number(fed, plan_id=PLAN, number=number, issued_on=day)
    assert message in in_vietnamese(raised.value)
    with fed.reading() as session:
        assert get_plan(session, PLAN).number == "…/KH-LĐLĐ"
    assert audit_count(fed) == before


def test_once_plan_packages_are_written_the_number_stays(fed: AppContext, tmp_path: Path) -> None:
    set_plan_number(fed, plan_id=PLAN, number="45/KH-LĐLĐ", issued_on=dt.date(2017, 2, 7))
    federation.export_plan_packages(fed, plan_id=PLAN, out_dir=tmp_path / "plans")
    with pytest.raises(InputError) as raised:
        set_plan_number(fed, plan_id=PLAN, number="46/KH-LĐLĐ", issued_on=dt.date(2017, 2, 8))
    assert "không thể thay đổi" in in_vietnamese(raised.value)
    with fed.reading() as session:
        assert get_plan(session, PLAN).number == "45/KH-LĐLĐ"


def test_the_command_line_sets_the_number(
    fed: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "fed.db")
    command = ["--db", db, "plan", "set-number", PLAN, "--number", "45/KH-LĐLĐ"]
    assert main([*command, "--date", "07/02/2017", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "plan": PLAN,
        "number": "45/KH-LĐLĐ",
        "issued_on": "2017-02-07",
    }
    assert main([*command, "--date", "31/02/2017"]) == 1
    assert "31/02/2017" in capsys.readouterr().err
