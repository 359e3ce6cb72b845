"""Regenerate the README's benchmark figures from the benchmarks' output.

Reads the JSON that ``test_bench_import`` writes (``build/bench/import.json``,
or the path given) and replaces what lies between the markers
``<!-- bench:import -->`` and ``<!-- /bench:import -->`` in ``README.md``
(``make bench-readme``); with ``--national``, the JSON of
``test_bench_national`` (``build/bench/national.json``) and the markers
``<!-- bench:national -->`` … ``<!-- /bench:national -->`` (``make
bench-national-readme``); with ``--startup``, the JSON of ``test_bench_startup``
(``build/bench/startup.json``) and the markers ``<!-- bench:startup -->`` …
``<!-- /bench:startup -->``; with ``--scoring`` and ``--printing``, those of
``test_bench_scoring`` and ``test_bench_printing`` (``build/bench/scoring.json``,
``printing.json``; markers ``bench:scoring`` and ``bench:printing``; ``make bench-readme``
writes all four): no figure in those sections is ever copied by hand.

    python tests/bench/readme.py [IMPORT_JSON]
    python tests/bench/readme.py --national [NATIONAL_JSON]
    python tests/bench/readme.py --startup [STARTUP_JSON]
    python tests/bench/readme.py --scoring [SCORING_JSON]
    python tests/bench/readme.py --printing [PRINTING_JSON]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- bench:import -->", "<!-- /bench:import -->"
NATIONAL = ("<!-- bench:national -->", "<!-- /bench:national -->")
NATIONAL_IMPORT = ("<!-- bench:national-import -->", "<!-- /bench:national-import -->")
STARTUP = ("<!-- bench:startup -->", "<!-- /bench:startup -->")
SCORING = ("<!-- bench:scoring -->", "<!-- /bench:scoring -->")
PRINTING = ("<!-- bench:printing -->", "<!-- /bench:printing -->")
#: The start-up figures' rows: the program's name in the JSON, and in the table.
STARTUP_ROWS = {
    "thidua": "`thidua`, a federation (source tree, compiled catalogue)",
    "thidua (unit)": "`thidua`, a grassroots unit (the same)",
    "thidua (frozen)": "`thidua` frozen (the bundle), a federation",
}


def import_table(figures: dict[str, Any]) -> str:
    """The Markdown table and flatness line for the import figures."""
    lines = [
        "| packages | import (in process) | true floor | ratio wall / CPU "
        "| `thidua-cli import` (whole process) | floor process | ratio wall / CPU | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in figures["sizes"]:
        cpu_ratio = size["cpu"] / size["floor_cpu"]
        lines.append(
            f"| {size['packages']:,} | {size['seconds']:.2f} s | {size['floor']:.2f} s "
            f"| **{size['seconds'] / size['floor']:.2f}×** / {cpu_ratio:.2f}× "
            f"| {size['process']:.2f} s | {size['floor_process']:.2f} s "
            f"| **{size['process'] / size['floor_process']:.2f}×** / "
            f"{size['process_cpu'] / size['floor_process_cpu']:.2f}× | {size['rss_mib']:.0f} MiB |"
        )
    small, large = figures["sizes"][0], figures["sizes"][-1]
    per_small = small["cpu"] / small["packages"] * 1000
    per_large = large["cpu"] / large["packages"] * 1000
    lines.append("")
    lines.append(
        f"Per package (CPU) the import costs {per_small:.3f} ms at {small['packages']:,} "
        f"packages and {per_large:.3f} ms at {large['packages']:,} "
        f"({per_large / per_small:.2f}×)."
    )
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def national_import_table(figures: dict[str, Any]) -> str:
    """Part (a) of the national bench: the sample's import beside its true floor."""
    floor, runs, one, stick = (
        figures["floor"],
        figures["runs_total"],
        figures["one_run"],
        figures["stick"],
    )
    per = figures["per_package_cpu_ms"]
    early = figures["early_dashboard"]
    packages = figures["packages"]
    return "\n".join(
        [
            f"| import of a {packages:,}-package sample into the national roster (SQLite) "
            "| wall | CPU | × floor (wall / CPU) |",
            "|---|---:|---:|---:|",
            "| floor: Ed25519 verify + strict parse of every file + one `sqlite3` "
            f"`executemany` | {floor['seconds']:.1f} s | {floor['cpu']:.1f} s | 1 |",
            f"| one import run of the {packages:,} | {one['seconds']:.1f} s "
            f"| {one['cpu']:.1f} s | **{one['seconds'] / floor['seconds']:.2f}** / "
            f"{one['cpu'] / floor['cpu']:.2f} |",
            f"| {figures['runs']} runs (one USB folder each) | {runs['seconds']:.1f} s "
            f"| {runs['cpu']:.1f} s | {runs['seconds'] / floor['seconds']:.2f} / "
            f"{runs['cpu'] / floor['cpu']:.2f} |",
            f"| a USB stick of {stick['packages']} packages, one run "
            f"| {stick['seconds']:.2f} s | {stick['cpu']:.2f} s | |",
            "",
            f"CPU per package, run by run: {per[0]:.2f} ms in the first, {per[-1]:.2f} ms in the "
            f"last ({per[-1] / per[0]:.2f}×). The national year ({figures['national_packages']:,}"
            f" packages) projected linearly: {figures['projected_one_run_s'] / 60:.1f} min as "
            f"one run (floor {figures['projected_floor_s'] / 60:.1f} min). The cells refreshed "
            f"after these imports: {figures['first_refresh']:.2f} s; then the whole country's "
            f"dashboard with {early['missing']:,} reports missing: {_ms(early['seconds'])} "
            f"(a bare GROUP BY over the values: {_ms(early['floor'])}). Load average "
            f"{figures['load']:.1f} on 2 cores as it ended.",
        ]
    )


def national_table(figures: dict[str, Any]) -> str:
    """One row per figure, a column pair (time, × its floor) per backend measured."""
    backends = [b for b in ("SQLite", "PostgreSQL") if b in figures]
    first = figures[backends[0]]
    header = (
        "| | " + " | ".join(f"{b} | × floor" for b in backends) + " | floor (bare query) | goal |"
    )
    lines = [header, "|---|" + "---:|---:|" * len(backends) + "---|---:|"]
    for index, row in enumerate(first["figures"]):
        cells = []
        for backend in backends:
            each = figures[backend]["figures"][index]
            cells.append(f"{_ms(each['seconds'])} | {each['seconds'] / each['floor']:.2f}")
        floors = ", ".join(_ms(figures[b]["figures"][index]["floor"]) for b in backends)
        goal = f"≤ {row['goal']:g} s" if row["goal"] is not None else ""
        lines.append(
            f"| {row['name'].strip()} | {' | '.join(cells)} | {row['floor_name']}: {floors} "
            f"| {goal} |"
        )
    lines.append("")
    lines.append(
        f"{first['units']:,} units, {first['statements']:,} statements, {first['values']:,} "
        f"values, {first['clusters']} clusters, {first['scopes']:,} scopes "
        f"({', '.join(backends)})."
    )
    return "\n".join(lines)


def startup_table(figures: dict[str, Any]) -> str:
    """The start-up table: each first paint, plan shown, workspace shown and figures shown
    against the bare window, and plan shown against its floor (the bare window, then the
    plans read with ``sqlite3``); the ORM's row for information."""
    bare = figures["bare"]["bare QMainWindow"]
    floor, orm_floor = figures["floor"], figures["orm_floor"]
    lines = [
        "| | first paint | × bare | plan shown | × bare | × its floor "
        "| workspace shown | × bare | figures shown | × bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| bare PySide6 `QMainWindow` (the baseline) | {_ms(bare)} | 1 | | | | | | | |",
    ]
    frozen_bare = figures["bare"].get("bare QMainWindow (frozen)")
    if frozen_bare is not None:
        lines.append(
            f"| bare `QMainWindow` frozen by PyInstaller | {_ms(frozen_bare)} "
            f"| {frozen_bare / bare:.2f} | | | | | | | |"
        )
    lines.append(
        f"| floor: the bare window, then the plans read with `sqlite3` and painted "
        f"| | | {_ms(floor)} | {floor / bare:.2f} | 1 | | | | |"
    )
    lines.append(
        f"| for information: the bare window, then SQLAlchemy's ORM, one mapped class, "
        f"one read | | | {_ms(orm_floor)} | {orm_floor / bare:.2f} | {orm_floor / floor:.2f} "
        "| | | | |"
    )
    for name, each in figures["programs"].items():
        paint, shown = each["first_paint"], each["plan_shown"]
        workspace, filled = each["workspace_shown"], each["figures_shown"]
        paint_ratio = f"**{paint / bare:.2f}**"
        if frozen_bare is not None and "frozen" in name:
            paint_ratio += f" (**{paint / frozen_bare:.2f}** × the frozen bare)"
        lines.append(
            f"| {STARTUP_ROWS.get(name, name)} | {_ms(paint)} | {paint_ratio} | {_ms(shown)} "
            f"| **{shown / bare:.2f}** | {shown / floor:.2f} | {_ms(workspace)} "
            f"| {workspace / bare:.2f} | {_ms(filled)} | {filled / bare:.2f} |"
        )
    lines.append("")
    load = figures.get("load")
    machine = (
        f" (load average {load:.1f} on {figures.get('cores')} cores as they ended)"
        if load is not None
        else ""
    )
    lines.append(
        f"Medians of {figures['runs']} runs each, alternating, in one run of the bench{machine}."
    )
    return "\n".join(lines)


def _machine(figures: dict[str, Any]) -> str:
    load = figures.get("load")
    if load is None:
        return ""
    return f" (load average {load:.1f} on {figures.get('cores')} cores as it ended)"


def scoring_table(figures: dict[str, Any]) -> str:
    """The scoring table: the scoreboard (read, score, every ranking) beside its floor."""
    floor, board = figures["floor"], figures["scoreboard"]
    return "\n".join(
        [
            "| scoring one province | wall | CPU | × floor (wall / CPU) | goal |",
            "|---|---:|---:|---:|---:|",
            f"| floor: bare `sqlite3` read of the values and roster, one sort per cluster "
            f"| {_ms(floor['wall'])} | {_ms(floor['cpu'])} | 1 | |",
            f"| `app.scoring.scoreboard`, {figures['units']:,} units, every ranking read "
            f"| {_ms(board['wall'])} | {_ms(board['cpu'])} "
            f"| **{board['wall'] / floor['wall']:.2f}** / **{board['cpu'] / floor['cpu']:.2f}** "
            f"| ≤ 300 ms |",
            "",
            f"Best of {figures['repeat']} runs each, in one run of the bench{_machine(figures)}.",
        ]
    )


def printing_table(figures: dict[str, Any]) -> str:
    """The printing table: one form and the batch beside the bare reportlab floor."""
    units, cores, base = figures["units"], figures["cores"], figures["baseline"]
    batch, alone = figures["batch"], figures["one_core"]
    lines = [
        "| printing | wall | CPU | per form | × floor | goal |",
        "|---|---:|---:|---:|---:|---:|",
        f"| floor: a bare reportlab PDF of one paragraph, same font | {base * 1000:.1f} ms "
        f"| | | 1 | |",
        f"| one registration form, warm (median of 20) | {_ms(figures['one_form'])} | "
        f"| | {figures['one_form'] / base:.1f} | ≤ 200 ms |",
        f"| {units:,} forms in one PDF on {cores} cores (floor: the bare PDF × forms ÷ cores, "
        f"{figures['floor']:.1f} s) | **{batch['wall']:.1f} s** | {batch['cpu']:.1f} s "
        f"| {batch['cpu'] / units * 1000:.1f} ms CPU | {batch['wall'] / figures['floor']:.1f} "
        f"| ≤ 20 s |",
        f"| the same on one core | {alone['wall']:.1f} s | {alone['cpu']:.1f} s "
        f"| {alone['cpu'] / units * 1000:.1f} ms CPU | | |",
        f"| {units:,} separate PDFs on {cores} cores | {figures['separate']['wall']:.1f} s "
        f"| | | | |",
        "",
        f"One run of the bench{_machine(figures)}; the one PDF is {batch['bytes'] / 1e6:.1f} MB.",
    ]
    return "\n".join(lines)


def rewrite(readme: str, block: str, markers: tuple[str, str] = (START, END)) -> str:
    """``readme`` with the text between the markers replaced by ``block``."""
    start, end = markers
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no {start} … {end} section")
    return pattern.sub(lambda _m: f"{start}\n{block}\n{end}", readme, count=1)


def main(argv: list[str]) -> None:
    kind = "import"
    if argv[:1] in (["--national"], ["--startup"], ["--scoring"], ["--printing"]):
        kind, argv = argv[0].removeprefix("--"), argv[1:]
    source = Path(argv[0]) if argv else ROOT / "build" / "bench" / f"{kind}.json"
    figures = json.loads(source.read_text(encoding="utf-8"))
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if kind == "national":
        text = rewrite(text, national_table(figures), NATIONAL)
        if "import" in figures:
            text = rewrite(text, national_import_table(figures["import"]), NATIONAL_IMPORT)
    elif kind == "startup":
        text = rewrite(text, startup_table(figures), STARTUP)
    elif kind == "scoring":
        text = rewrite(text, scoring_table(figures), SCORING)
    elif kind == "printing":
        text = rewrite(text, printing_table(figures), PRINTING)
    else:
        text = rewrite(text, import_table(figures))
    readme.write_text(text, encoding="utf-8")
    print(f"README.md: {kind} figures from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
