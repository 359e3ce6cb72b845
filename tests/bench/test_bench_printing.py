"""Benchmark of the printed forms (``make bench``).

Collected only when pytest is given this folder (the normal suite ignores
``tests/bench``). Prints figures; asserts only counts, never times.

The province: ``make_demo`` with ``BENCH_PRINT_UNITS`` units (default 2,000:
the size of a province), each with a signed registration package, merged
into the federation database with ``import_packages``. Then:

(a) cold start, in a fresh child interpreter: importing the printing code
    (reportlab), the first registration form (font registration included)
    and the second;
(b) the baseline, in this process: a bare reportlab PDF of one paragraph in
    the same font (``SimpleDocTemplate``), the median of 50;
(c) one registration form at the federation, warm (fonts loaded), the
    median of 20, and its ratio to the baseline;
(d) every unit's form as ONE PDF (``print_batch``: on every core, a process pool,
    beside the FLOOR of the same run: (b) × forms ÷ cores), the same on one core
    (``workers=1``), and (e) as one file per unit (every core); time, forms/s, per
    form and ratio to (b).

With fewer units than 2,000 the batch figures are also projected linearly
to 2,000 and labelled as a projection. Goals: (c) ≤ 0.2 s, (d) ≤ 20 s on 2 cores.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest
tests/bench/test_bench_printing.py -s -p no:cacheprovider --override-ini addopts=``.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from app.core.context import open_context
from app.demo.province import make_demo
from app.exchange.merge import import_packages
from db.enums import REGISTRATION_STREAM

ROOT = Path(__file__).resolve().parents[2]
PROVINCE = 2_000
JSON_OUT = Path(
    os.environ.get("BENCH_PRINTING_JSON", str(ROOT / "build" / "bench" / "printing.json"))
)
UNITS = int(os.environ.get("BENCH_PRINT_UNITS", str(PROVINCE)))

COLD_SCRIPT = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from app.core.context import open_context
from app.printing import documents
imported = time.perf_counter()
ctx = open_context(sys.argv[1])
opened = time.perf_counter()
documents.print_registration_form(ctx, unit=sys.argv[2], out=Path(sys.argv[3]) / "first.pdf")
first = time.perf_counter()
documents.print_registration_form(ctx, unit=sys.argv[2], out=Path(sys.argv[3]) / "second.pdf")
second = time.perf_counter()
ctx.close()
print(json.dumps({
    "import": imported - start,
    "first": first - opened,
    "second": second - first,
}))
"""


def _baseline(folder: Path, runs: int = 50) -> float:
    """Median time of a bare reportlab PDF holding one paragraph (same font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from app.printing.fonts import REGULAR, register_fonts

    register_fonts()
    style = ParagraphStyle("baseline", fontName=REGULAR, fontSize=14, leading=17)
    times = []
    for index in range(runs):
        start = time.perf_counter()
        SimpleDocTemplate(str(folder / f"baseline-{index}.pdf"), pagesize=A4).build(
            [Paragraph("Công đoàn cơ sở đăng ký thi đua năm 2017.", style)]
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the print workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _row(label: str, value: str) -> None:
    print(f"  {label:<58} {value}")


def test_bench_printing(tmp_path: Path) -> None:
    from app.printing import BatchDocument, documents, print_batch

    print()
    print(f"Printing benchmark: {UNITS} units (python {sys.version.split()[0]})")
    from reportlab.lib import rl_accel

    accel = (
        f"C extension _rl_accel ({len(rl_accel._c_funcs)} functions)"
        if rl_accel._c_funcs
        else "none: reportlab's pure-Python fallbacks (pip install rl_accel adds them)"
    )
    _row("reportlab accelerators", accel)

    start = time.perf_counter()
    demo = make_demo(out_dir=tmp_path / "demo", units=UNITS, streams=(REGISTRATION_STREAM,))
    ctx = open_context(demo.database)
    summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    assert summary.counts["new"] == UNITS
    _row("setup: demo province + import (not timed below)", f"{time.perf_counter() - start:.1f} s")
    code = demo.units[-1].code

    # (a) cold start in a child interpreter
    cold_dir = tmp_path / "cold"
    cold_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", COLD_SCRIPT, str(demo.database), code, str(cold_dir)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    cold = json.loads(result.stdout.strip().splitlines()[-1])
    _row("(a) cold: import of the printing code (reportlab)", f"{cold['import'] * 1000:.0f} ms")
    _row("(a) cold: first form (fonts, styles, one query round)", f"{cold['first'] * 1000:.0f} ms")
    _row("(a) cold: second form", f"{cold['second'] * 1000:.0f} ms")

    # (b) baseline
    base_dir = tmp_path / "baseline"
    base_dir.mkdir()
    baseline = _baseline(base_dir)
    _row("(b) baseline: bare reportlab one-paragraph PDF", f"{baseline * 1000:.1f} ms")

    # (c) one form, warm
    one_dir = tmp_path / "one"
    one_dir.mkdir()
    documents.print_registration_form(ctx, unit=code, out=one_dir / "warmup.pdf")
    times = []
    for index in range(20):
        begin = time.perf_counter()
        documents.print_registration_form(ctx, unit=code, out=one_dir / f"form-{index}.pdf")
        times.append(time.perf_counter() - begin)
    one = statistics.median(times)
    pages = (one_dir / "form-0.pdf").read_bytes().count(b"/Type /Page\n")
    _row(
        "(c) one registration form, warm (median of 20)",
        f"{one * 1000:.0f} ms = {one / baseline:.1f}× baseline (goal ≤ 200 ms)",
    )

    # (d) batch, one file
    from app.printing.batch_pool import usable_cores

    cores = usable_cores()
    calls: list[int] = []
    begin, cpu = time.perf_counter(), _cpu()
    single = print_batch(
        ctx,
        document=BatchDocument.REGISTRATION,
        out=tmp_path / "all.pdf",
        progress=lambda done, _total: calls.append(done),
    )
    batch, batch_cpu = time.perf_counter() - begin, _cpu() - cpu
    assert single.printed == UNITS and calls[-1] == UNITS
    size = single.paths[0].stat().st_size
    per_form = batch / UNITS
    _row(
        f"(d) batch, one PDF of {UNITS} forms",
        f"{batch:.1f} s, {UNITS / batch:.0f} forms/s, {per_form * 1000:.0f} ms/form "
        f"= {per_form / baseline:.1f}× baseline, {size / 1e6:.1f} MB; "
        f"CPU {batch_cpu:.1f} s (workers included)",
    )
    floor = baseline * UNITS / cores
    _row(
        f"(d) FLOOR: (b) × {UNITS} forms ÷ {cores} cores",
        f"{floor:.1f} s; (d) = {batch / floor:.1f}× the floor",
    )
    begin, cpu = time.perf_counter(), _cpu()
    alone = print_batch(
        ctx, document=BatchDocument.REGISTRATION, out=tmp_path / "alone.pdf", workers=1
    )
    one_core, one_core_cpu = time.perf_counter() - begin, _cpu() - cpu
    assert alone.printed == UNITS
    _row(
        "(d) the same on one core (workers=1)",
        f"{one_core:.1f} s, CPU {one_core_cpu:.1f} s; every core is {one_core / batch:.1f}× faster",
    )

    # (e) batch, one file per unit
    begin = time.perf_counter()
    separate = print_batch(
        ctx, document=BatchDocument.REGISTRATION, out=tmp_path / "each", single_file=False
    )
    each = time.perf_counter() - begin
    assert separate.printed == UNITS and len(separate.paths) == UNITS
    _row(
        f"(e) batch, {UNITS} separate PDFs",
        f"{each:.1f} s, {UNITS / each:.0f} forms/s, {each / UNITS * 1000:.0f} ms/form "
        f"= {each / UNITS / baseline:.1f}× baseline",
    )
    if UNITS != PROVINCE:
        scale = PROVINCE / UNITS
        _row(
            f"PROJECTION to {PROVINCE} forms (linear, not measured)",
            f"one PDF ≈ {batch * scale:.0f} s, separate ≈ {each * scale:.0f} s",
        )
    _row("pages per form (c)", str(pages))
    _row("goal (d) ≤ 20 s for 2,000 forms", "met" if batch * PROVINCE / UNITS <= 20 else "NOT met")
    ctx.close()
    figures = {
        "units": UNITS,
        "cores": cores,
        "baseline": baseline,
        "one_form": one,
        "batch": {"wall": batch, "cpu": batch_cpu, "bytes": size},
        "floor": floor,
        "one_core": {"wall": one_core, "cpu": one_core_cpu},
        "separate": {"wall": each},
        "load": os.getloadavg()[0],
    }
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(figures, indent=1), encoding="utf-8")
