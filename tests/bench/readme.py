"""Regenerate the README's import figures from ``make bench`` output (``make bench-readme``).

Reads the JSON that ``test_bench_import`` writes (``build/bench/import.json``,
or the path given) and replaces what lies between the markers
``<!-- bench:import -->`` and ``<!-- /bench:import -->`` in ``README.md``:
no figure in that section is ever copied by hand.

    python tests/bench/readme.py [IMPORT_JSON]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- bench:import -->", "<!-- /bench:import -->"


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


def rewrite(readme: str, block: str) -> str:
    """``readme`` with the text between the markers replaced by ``block``."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no {START} … {END} section")
    return pattern.sub(lambda _m: f"{START}\n{block}\n{END}", readme, count=1)


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else ROOT / "build" / "bench" / "import.json"
    figures = json.loads(source.read_text(encoding="utf-8"))
    readme = ROOT / "README.md"
    readme.write_text(
        rewrite(readme.read_text(encoding="utf-8"), import_table(figures)), encoding="utf-8"
    )
    print(f"README.md: import figures from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
