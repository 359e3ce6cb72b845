"""Helpers for the "one truth" tests: a small province built from a spec, and
every surface a figure appears on, read back as a user would see it.

The surfaces are the real ones: the dashboard's Qt model, the printed summary
(read back with poppler's ``pdftotext``), the province workbook recomputed by
LibreOffice (saved as CSV of what it displays), the command line's JSON, the
click-through (units behind a figure) and scoring.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core import domain, figures
from app.core.context import AppContext, open_context
from app.core.format import format_number
from app.core.i18n import vietnamese
from app.plans.builtin import load_builtin_document
from app.plans.document import install_plan_document
from app.rollup.query import Scope
from app.setup.first_run import initialize
from app.statements.records import StatementInput, save_statement
from db import models
from db.enums import Role, Sector, UnitKind

PLAN = "tuyen-quang-2017"
TEST_PLAN = "one-truth-2017"
YEAR = 2017
STREAMS = ("registration", "h1", "year")


@dataclass
class UnitSpec:
    key: str
    kind: UnitKind
    sector: Sector | None
    parent: str  # a key, or "F" for the federation
    cluster: str | None


@dataclass
class ProvinceSpec:
    """Units (the federation "F" is implicit), clusters, and values by stream and unit."""

    units: list[UnitSpec]
    clusters: list[str]
    values: dict[str, dict[str, dict[str, domain.UnitValue]]] = field(default_factory=dict)
    #: Extra targets for the test plan: indicator code → target documents. A
    #: target's ``unit_id`` may name a unit key; it is replaced by the unit's id.
    extra_targets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra_indicators: list[dict[str, Any]] = field(default_factory=list)
    replace_targets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Province:
    ctx: AppContext
    path: Path
    plan_id: str
    ids: dict[str, str]  # key → unit id
    clusters: dict[str, str]  # name → cluster id

    def scopes(self) -> list[tuple[str, Scope, list[str]]]:
        """(label, scope, CLI arguments) of the province, each upper-level union, each cluster."""
        result: list[tuple[str, Scope, list[str]]] = [("province", Scope(), [])]
        for key, unit_id in self.ids.items():
            if key.startswith("U"):
                result.append((key, Scope(root_unit_id=unit_id), ["--unit", key]))
        for name, cluster_id in self.clusters.items():
            result.append((name, Scope(cluster_id=cluster_id), ["--cluster", name]))
        return result


def build_province(path: Path, spec: ProvinceSpec) -> Province:
    """A federation database at ``path`` with the spec's roster, plan and statements."""
    ctx = open_context(path)
    with ctx.unit_of_work() as session:
        initialize(session, role=Role.FEDERATION, name="LĐLĐ tỉnh Tuyên Quang")
    with ctx.unit_of_work() as session:
        from app.core.installation import get_installation

        installation = get_installation(session)
        assert installation is not None
        ids = {"F": installation.own_unit_id}
        clusters: dict[str, str] = {}
        for name in spec.clusters:
            cluster = models.Cluster(year=YEAR, code=name, name=name)
            session.add(cluster)
            session.flush()
            clusters[name] = cluster.id
        session.add(models.RosterEntry(year=YEAR, unit_id=ids["F"], parent_id=None))
        for unit in spec.units:
            row = models.Unit(code=unit.key, name=f"Đơn vị {unit.key}", kind=unit.kind)
            session.add(row)
            session.flush()
            ids[unit.key] = row.id
        for unit in spec.units:
            session.add(
                models.RosterEntry(
                    year=YEAR,
                    unit_id=ids[unit.key],
                    parent_id=ids[unit.parent],
                    cluster_id=clusters[unit.cluster] if unit.cluster else None,
                    sector=unit.sector,
                    member_count=100,
                    worker_count=120,
                )
            )
        session.flush()
        install_plan_document(session, _test_plan(spec, ids))
    with ctx.unit_of_work() as session:
        for stream, by_unit in spec.values.items():
            for key, values in by_unit.items():
                if values:
                    save_statement(
                        session,
                        StatementInput(
                            plan_id=TEST_PLAN, unit_id=ids[key], stream=stream, values=values
                        ),
                    )
    return Province(ctx, path, TEST_PLAN, ids, clusters)


def _test_plan(spec: ProvinceSpec, ids: Mapping[str, str]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(load_builtin_document(PLAN)))
    document["id"] = TEST_PLAN
    document["indicators"].extend(spec.extra_indicators)
    for indicator in document["indicators"]:
        code = indicator["code"]
        if code in spec.replace_targets:
            indicator["targets"] = json.loads(json.dumps(spec.replace_targets[code]))
        for target in spec.extra_targets.get(code, []):
            target = dict(target)
            if "unit_id" in target:
                target["unit_id"] = ids[target["unit_id"]]
            indicator.setdefault("targets", []).append(target)
    return document


# --- surfaces ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    """The PDF's text in content order (poppler), whitespace collapsed."""
    result = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    )
    return normalise(result.stdout)


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recompute_as_displayed(workbooks: Sequence[Path], folder: Path) -> dict[Path, list[list[str]]]:
    """Each workbook's first sheet as LibreOffice recomputes and displays it (en-US CSV)."""
    soffice = office()
    assert soffice is not None
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            # comma, double quote, UTF-8, from row 1, English number format, cells as shown
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true",
            "--outdir",
            str(folder),
            *map(str, workbooks),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    import csv

    result = {}
    for workbook in workbooks:
        with (folder / f"{workbook.stem}.csv").open(encoding="utf-8", newline="") as handle:
            result[workbook] = list(csv.reader(handle))
    return result


def vietnamese_number(text: str) -> str:
    """LibreOffice's en-US display ("2,000", "81.3%") the Vietnamese way ("2.000", "81,3%")."""
    return text.translate(str.maketrans(",.", ".,"))


def cli_json(path: Path, argv: list[str]) -> Any:
    from app.cli import main

    out = io.StringIO()
    assert main(["--db", str(path), "--lang", "vi", *argv, "--json"], out) == 0
    return json.loads(out.getvalue())


def expected_cell(indicator: domain.Indicator, figure: figures.Figure | None) -> str:
    """What the workbook's stream cell displays for ``figure`` (no " đ": a number format)."""
    if figure is None or figure.reporting_units == 0 or figure.exact is None:
        return ""
    if figure.measure is figures.Measure.TOTAL:
        return format_number(figure.numerator)
    return figures.figure_text(indicator, figure, vietnamese)


def expected_row_text(plan: domain.Plan, item: Any) -> str:
    """A target's row of the printed summary, cell after cell, as pdftotext reads it."""
    from app.printing.values import format_figure, verdict

    cells = [figures.target_text(plan, item.indicator, item.target) if item.target else "—"]
    cells += [format_figure(item.indicator, item.figures.get(s)) for s in STREAMS]
    judged = (
        item.figures.get(figures.judged_stream(plan, item.target))
        if item.target is not None
        else None
    )
    cells.append(verdict(judged) if item.target is not None else "—")
    return normalise(" ".join(c.replace(figures.BASIS, " ") for c in cells))


# --- reading every surface and comparing ------------------------------------------------------

#: The one colour of each verdict on screen, stated here independently of the UI code.
COLOURS = {
    figures.Verdict.MET: "#dff0d8",
    figures.Verdict.NOT_MET: "#f8d7da",
    figures.Verdict.CONTRIBUTION: "#d9edf7",
}
SUMMARY_FIRST_ROW = 4  # 0-based row of the first target in the summary sheet's CSV


@dataclass
class ScopeReading:
    label: str
    scope: Scope
    truth: list[Any]  # TargetRollup
    dashboard: list[dict[str, tuple[str, str | None, str]]]  # stream → (text, colour, %)
    pdf: str
    workbook: Path
    cli: list[dict[str, Any]]


def read_surfaces(
    province: Province, folder: Path, *, scopes: Sequence[tuple[str, Scope, list[str]]] = ()
) -> list[ScopeReading]:
    """Every scope's figures as the core computes them and as each surface shows them.

    The dashboard model needs a QApplication (the caller's ``qapp``); the
    language is Vietnamese, as users see it.
    """
    from PySide6.QtCore import Qt

    from app.core.i18n import set_language
    from app.printing.documents import print_province_summary
    from app.rollup.dashboard import dashboard
    from app.rollup.query import rollup
    from app.rollup.workbook import export_province_workbook

    from ui.federation.dashboard_models import FIRST_STREAM_COLUMN, DashboardModel

    set_language("vi")
    folder.mkdir(parents=True, exist_ok=True)
    readings: list[ScopeReading] = []
    for label, scope, argv in scopes or province.scopes():
        safe = re.sub(r"\W+", "-", label)
        with province.ctx.reading() as session:
            truth = rollup(session, plan_id=province.plan_id, scope=scope)
            board = dashboard(session, plan_id=province.plan_id, scope=scope)
            workbook = folder / f"tong-hop-{safe}.xlsx"
            export_province_workbook(session, plan_id=province.plan_id, path=workbook, scope=scope)
        model = DashboardModel()
        model.set_dashboard(board)
        shown: list[dict[str, tuple[str, str | None, str]]] = []
        for row in range(model.rowCount()):
            by_stream = {}
            for offset, stream in enumerate(board.streams):
                column = FIRST_STREAM_COLUMN + 2 * offset
                index = model.index(row, column)
                brush = model.data(index, Qt.ItemDataRole.BackgroundRole)
                colour = brush.color().name() if brush is not None else None
                percent = model.data(model.index(row, column + 1))
                by_stream[stream] = (model.data(index), colour, percent)
            shown.append(by_stream)
        pdf = print_province_summary(
            province.ctx, plan_id=province.plan_id, out=folder / f"{safe}.pdf", scope=scope
        )
        readings.append(
            ScopeReading(
                label,
                scope,
                truth,
                shown,
                pdf_text(pdf),
                workbook,
                cli_json(province.path, ["rollup", province.plan_id, *argv]),
            )
        )
    return readings


def assert_surfaces_agree(province: Province, readings: list[ScopeReading], folder: Path) -> None:
    """Every target × scope × stream: the same figure and verdict on every surface."""
    from app.plans.reading import get_plan
    from app.rollup.dashboard import units_behind

    with province.ctx.reading() as session:
        plan = get_plan(session, province.plan_id)
    displayed = recompute_as_displayed([r.workbook for r in readings], folder / "office")
    for reading in readings:
        where = f"scope {reading.label}"
        assert len(reading.dashboard) == len(reading.truth) == len(reading.cli), where
        rows = displayed[reading.workbook][SUMMARY_FIRST_ROW:]
        assert len(rows) == len(reading.truth), where
        for item, shown, sheet_row, cli in zip(
            reading.truth, reading.dashboard, rows, reading.cli, strict=True
        ):
            indicator = item.indicator
            what = f"{where}, {indicator.code} {item.target.wording if item.target else ''}"
            # The summary PDF carries the row exactly as the figures read.
            row_text = expected_row_text(plan, item)
            assert row_text in reading.pdf, (
                f"{what}: {row_text!r} not printed; "
                f"near: {reading.pdf[reading.pdf.find(row_text[:12]) :][:400]!r}"
            )
            assert cli["indicator"] == indicator.code, what
            assert sheet_row[0] == indicator.code, what
            assert sheet_row[4] == vietnamese_number(str(item.applicable_units)) or (
                sheet_row[4] == format_number(item.applicable_units)
            ), what
            for offset, stream in enumerate(STREAMS):
                figure = item.figures[stream]
                text = figures.figure_text(indicator, figure, vietnamese)
                attainment = (
                    figures.percent_text(figure.attainment) if figure.attainment is not None else ""
                )
                # Dashboard: text, colour, % of target.
                assert shown[stream] == (text, COLOURS.get(figure.verdict), attainment), (
                    what,
                    stream,
                )
                # Command line.
                line = cli["streams"][stream]
                assert (line["text"], line["verdict"]) == (text, figure.verdict.value), (
                    what,
                    stream,
                )
                assert line["attainment_text"] == figures.figure_attainment_text(
                    figure, vietnamese
                ), (what, stream)
                # The workbook, recomputed by LibreOffice: the stream's cell.
                assert vietnamese_number(sheet_row[5 + offset]) == expected_cell(
                    indicator, figure
                ), (what, stream, sheet_row)
                # The units behind a count of units add up to it (click-through).
                if figure.measure in (figures.Measure.SHARE, figures.Measure.EACH_UNIT):
                    with province.ctx.reading() as session:
                        behind = units_behind(
                            session,
                            plan_id=province.plan_id,
                            indicator_code=indicator.code,
                            target=item.target,
                            stream=stream,
                            scope=reading.scope,
                        )
                    assert len(behind) == item.applicable_units, (what, stream)
                    if figure.reporting_units:
                        assert sum(1 for b in behind if b.meets) == figure.numerator, (
                            what,
                            stream,
                        )
            # The workbook's verdict and % of target, in the target's own stream.
            if item.target is not None and figure.measure is not figures.Measure.LISTED:
                judged = item.figures[figures.judged_stream(plan, item.target)]
                assert sheet_row[9] == figures.figure_verdict_text(judged, vietnamese), (
                    what,
                    sheet_row,
                )
                expected = (
                    figures.percent_text(judged.attainment) if judged.attainment is not None else ""
                )
                assert vietnamese_number(sheet_row[8]) == expected, (what, sheet_row)


def assert_units_agree(province: Province, folder: Path, unit_keys: Sequence[str]) -> None:
    """Each unit's results: scoring's attainment, the printed results report and the
    one reading (:func:`app.core.figures.read_unit_result`) agree, in every period."""
    folder.mkdir(parents=True, exist_ok=True)  # forms are printed only into a folder that exists
    from app.plans.reading import get_plan
    from app.plans.rules import Method
    from app.printing.documents import print_results_report
    from app.printing.values import format_unit_value, verdict_word
    from app.scoring.indicator_score import Status
    from app.scoring.sources import scoreboard
    from app.statements.records import statement_values

    board = scoreboard(province.ctx, plan_id=province.plan_id)
    with province.ctx.reading() as session:
        plan = get_plan(session, province.plan_id)
    for key in unit_keys:
        unit_id = province.ids[key]
        score = board.score_of(unit_id)
        with province.ctx.reading() as session:
            registered = statement_values(
                session, plan_id=plan.id, unit_id=unit_id, stream="registration"
            )
            streams = {
                s: statement_values(session, plan_id=plan.id, unit_id=unit_id, stream=s)
                for s in ("h1", "year")
            }
        for item in score.indicators:
            if item.method is not Method.ATTAINMENT or item.status is not Status.SCORED:
                continue
            indicator = plan.indicator(item.code)
            reading = figures.read_unit_result(
                plan,
                indicator,
                registered.get(item.code),
                streams["year"].get(item.code),
                stream="year",
                unit_id=unit_id,
                kind=score.unit.kind,
                sector=score.unit.sector,
            )
            if item.special:
                continue  # scoring's own policy for a registered 0 (the cap)
            assert item.attainment == reading.progress, (key, item.code)
        for period in ("h1", "year"):
            if not streams[period]:
                continue
            pdf = print_results_report(
                province.ctx,
                plan_id=plan.id,
                period=period,
                unit=key,
                out=folder / f"ket-qua-{key}-{period}.pdf",
            )
            text = pdf_text(pdf)
            for indicator in plan.indicators:
                got = streams[period].get(indicator.code)
                if got is None or not indicator.applies_to(score.unit.kind, score.unit.sector):
                    continue
                reading = figures.read_unit_result(
                    plan,
                    indicator,
                    registered.get(indicator.code),
                    got,
                    stream=period,
                    unit_id=unit_id,
                    kind=score.unit.kind,
                    sector=score.unit.sector,
                )
                cells = [
                    format_unit_value(plan, indicator, registered.get(indicator.code)) or "—",
                    format_unit_value(plan, indicator, got) or "—",
                    figures.commitment_progress_text(indicator, reading) or "—",
                ]
                if period == plan.final_period:
                    cells.append(verdict_word(reading.verdict) or "—")
                assert normalise(" ".join(cells)) in text, (key, period, indicator.code, cells)
