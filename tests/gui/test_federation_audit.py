"""The audit log reads as sentences, in Vietnamese and in English.

A province imports a USB folder, accepts a changed key (a key change) and
refuses another, resolves a conflict, writes plan packages and changes a
cluster leader; each entry's detail is then a translated sentence naming
the unit by its code — never raw keys or JSON — in the core and in the
audit page's table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.audit.view import AuditRow, describe, list_audit
from app.core import i18n
from app.core.context import AppContext, open_context
from app.demo.province import Demo, make_demo
from app.exchange import federation
from app.exchange.key_status import KeyStatus
from app.exchange.merge import import_packages
from app.roster.unit_edit import set_cluster_leader
from tests.gui.federation_screens import DropFolder, build_drop_folder

from ui.federation.audit_page import AuditColumn, AuditModel

PLAN = "tuyen-quang-2017"


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[Demo, AppContext, DropFolder, dict[str, AuditRow]]]:
    demo = make_demo(out_dir=tmp_path / "demo", units=12, seed=5)
    usb = build_drop_folder(demo, tmp_path / "usb")
    ctx = open_context(demo.database)
    import_packages(ctx, paths=[usb.folder], dry_run=False)
    federation.decide_key(
        ctx,
        keyid=usb.changed_keypair.key_id,
        decision=KeyStatus.ACCEPTED,
        evidence="phiếu số 7",
        fingerprint=usb.changed_keypair.fingerprint,
    )
    [conflict] = federation.list_conflicts(ctx)
    federation.resolve_conflict(ctx, conflict_id=conflict.id, keep="incoming")
    federation.export_plan_packages(ctx, plan_id=PLAN, out_dir=tmp_path / "plans")
    member = next(u for u in demo.units if u.cluster_code and u.code.startswith("CS-"))
    with ctx.unit_of_work() as session:
        set_cluster_leader(session, year=2017, cluster=member.cluster_code, unit_code=member.code)
    with ctx.reading() as session:
        rows = {r.action: r for r in reversed(list_audit(session))}  # newest of each action
    yield demo, ctx, usb, rows
    ctx.close()
    i18n.set_language("vi")


def test_each_action_reads_as_a_sentence_in_both_languages(
    logged: tuple[Demo, AppContext, DropFolder, dict[str, AuditRow]],
) -> None:
    demo, _ctx, usb, rows = logged
    changed = usb.changed_key
    counts = usb.counts
    i18n.set_language("en")
    english = {action: describe(row) for action, row in rows.items()}
    assert english["import"] == (
        f"{sum(counts.values())} files checked: {counts['new']} new, {counts['updated']} updated, "
        f"{counts['duplicate']} duplicates, {counts['older']} older, {counts['conflict']} "
        f"conflicts, {counts['pending_key']} waiting for a key, {counts['rejected']} rejected."
    )
    assert english["key.accepted"] == (
        f"Key of {changed.code} {changed.name} accepted in place of its previous key "
        "(key change). Checked against: phiếu số 7."
    )
    assert english["conflict.resolve"] == (
        "Staff took the version that came in; it replaced the merged one."
    )
    assert english["plan.export"].startswith(f"{len(demo.units)} plan packages written to ")
    leader = rows["roster.leader"]
    assert english["roster.leader"].startswith(
        f"{leader.detail['leader']} made leader of {leader.subject} for 2017. (It was "
    )
    assert english["init"] == "Database set up for “LĐLĐ tỉnh Tuyên Quang” as a federation."

    i18n.set_language("vi")
    vietnamese = {action: describe(row) for action, row in rows.items()}
    assert vietnamese["key.accepted"] == (
        f"Đã chấp nhận khóa của {changed.code} {changed.name} thay cho khóa cũ (đổi khóa). "
        "Đối chiếu với: phiếu số 7."
    )
    assert vietnamese["conflict.resolve"] == (
        "Cán bộ chọn bản mới gửi đến; bản này thay cho bản đã tổng hợp."
    )
    assert vietnamese["import"].startswith(f"Đã kiểm tra {sum(counts.values())} tệp: ")
    assert vietnamese["plan.export"].startswith(f"Đã ghi {len(demo.units)} gói kế hoạch vào ")
    for action, text in {**english, **vietnamese}.items():
        assert "{" not in text and '":' not in text, (action, text)
        assert not any(f"{key}:" in text for key in rows[action].detail), (action, text)


def test_the_audit_table_shows_the_sentences(
    qtbot: QtBot, logged: tuple[Demo, AppContext, DropFolder, dict[str, AuditRow]]
) -> None:
    _demo, _ctx, usb, rows = logged
    i18n.set_language("vi")
    model = AuditModel()
    model.set_rows(list(rows.values()))
    row = list(rows).index("key.accepted")
    cell = model.index(row, AuditColumn.DETAIL)
    assert str(cell.data()).startswith(f"Đã chấp nhận khóa của {usb.changed_key.code}")
    assert model.index(row, AuditColumn.ACTION).data() == "Chấp nhận khóa của đơn vị"
    i18n.set_language("en")
    model.retranslate()
    assert str(cell.data()).startswith(f"Key of {usb.changed_key.code}")
