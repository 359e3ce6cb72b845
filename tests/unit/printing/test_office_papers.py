"""Issue #19's paper items, each read back from the PDF (pdftotext, PDFium boxes).

The papers an office clerk checks against Nghị định 30/2020, Phụ lục I: who signs
and on whose behalf, Nơi nhận, no page of signatures alone, the place in the date
line, the same parent body on every paper of a unit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.printing import documents
from tests.unit.printing.pdf_reading import PLAN, read_pdf
from tests.unit.printing.setups import Province


def pages_text(path: Path) -> list[str]:
    """Each page's text as pdftotext lays it out, whitespace runs as one space."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def test_covenant_members_sign_for_their_committees_with_nơi_nhận_and_never_alone(
    province: Province,
) -> None:
    cluster = province.demo.units[0].cluster_code
    members = [u for u in province.demo.units if u.cluster_code == cluster]
    path = documents.print_cluster_covenant(
        province.ctx, plan_id=PLAN, cluster=cluster, out=province.out / "covenant-signers.pdf"
    )
    pages = pages_text(path)
    text = " ".join(pages)
    # Each member: its name, "TM. BAN CHẤP HÀNH" over "CHỦ TỊCH" (positions below).
    assert text.count("TM. BAN CHẤP HÀNH") == len(members)
    assert text.count("CHỦ TỊCH") == len(members)
    assert "Nơi nhận: - Ban Thường vụ LĐLĐ tỉnh Tuyên Quang; (b/c)" in text
    assert text.rstrip().endswith(f"- Lưu: {cluster}.")
    # The first signatures share their page with the closing paragraph, and every page
    # holding signatures says what they sign.
    signing = [n for n, page in enumerate(pages) if "TM. BAN CHẤP HÀNH" in page]
    assert "Ban Thường vụ LĐLĐ tỉnh Tuyên Quang./." in pages[signing[0]]
    for number in signing:
        assert "ĐẠI DIỆN CÁC ĐƠN VỊ THÀNH VIÊN KÝ GIAO ƯỚC" in pages[number]
        assert f"Giao ước thi đua năm 2017 - {cluster}" in pages[number]
    # In each column the authority sits above the title, centred on it.
    read = read_pdf(path)
    page = read[signing[0]]
    authority = page.box("TM. BAN CHẤP HÀNH")
    title = page.box("CHỦ TỊCH")
    assert authority[1] > title[3] - 1
    assert abs((authority[0] + authority[2]) / 2 - (title[0] + title[2]) / 2) < 2
