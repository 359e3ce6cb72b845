"""A stream's life at the federation: order-independent imports, the return →
correction loop, receipts owed by every path, the federation's own files.

The same mixed USB folder (copies, corrections, a late r1, a bogus r2, two
exports of one revision, altered, cut and foreign files, a unit's new key
with its report, the federation's own plan package, a sub-folder) is
imported in shuffled orders and split across runs: every order gives the
same outcomes, and every split the same merged tables.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext, open_context
from app.core.errors import NotFoundError
from app.exchange import federation
from app.exchange import streams as life
from app.exchange.format import seal
from app.exchange.key_status import KeyStatus
from app.exchange.keystore import generate_keypair
from app.exchange.merge import import_packages
from app.exchange.outcomes import ImportSummary, Outcome
from app.statements.records import statement_values
from db import models
from db.enums import REGISTRATION_STREAM
from tests import digest
from tests.unit.package_forge import (
    BOOKKEEPING,
    Env,
    Province,
    enrolment,
    flip_payload_byte,
    hash_of,
    report,
)

pytestmark = pytest.mark.both_backends

#: Columns that record when (or in which order) a row was written, not what it says.
WHEN = ("received_at", "updated_at", "decided_at", "resolved_at", "receipt_at")
LEAVE_OUT = {
    "package": (*WHEN, "file_name"),
    "conflict": (*WHEN, "id", "created_at"),
    "signing_key": WHEN,
    "statement": WHEN,
}


def merged_tables(ctx: AppContext) -> str:
    """One hash over the merged tables and the open conflicts, leaving out times
    and row ids. (A conflict a later file settled stays in the table, closed, as
    history: a split may have one a single run never needed.)"""
    digests = digest.table_digests(ctx.engine, leave_out=LEAVE_OUT)
    with ctx.reading() as session:
        digests["open conflicts"] = repr(
            sorted(
                session.execute(
                    select(
                        models.Conflict.package_hash,
                        models.Conflict.head_hash,
                        models.Conflict.reason,
                    ).where(models.Conflict.status == "open")
                ).all()
            )
        )
    return digest.combine(
        digests, exclude=BOOKKEEPING | {"conflict", "rollup_cache", "rollup_state"}
    )


def changed_merged(ctx: AppContext, base: AppContext) -> list[str]:
    return digest.changed_tables(
        digest.table_digests(ctx.engine, leave_out=LEAVE_OUT),
        digest.table_digests(base.engine, leave_out=LEAVE_OUT),
    )


def labels(summary: ImportSummary) -> list[tuple[str, str, str, str]]:
    return sorted(
        (i.file_name, i.outcome.value, i.reason, json.dumps(i.params, sort_keys=True))
        for i in summary.items
    )


def bump(
    values: dict[str, domain.UnitValue], code: str, amount: int
) -> dict[str, domain.UnitValue]:
    changed = dict(values)
    changed[code] = domain.UnitValue(amount=amount)
    return changed


@pytest.fixture
def fresh(
    province: Province, tmp_path: Path, backend: str, on_backend: Callable[[Path], str]
) -> Iterator[Callable[[], AppContext]]:
    """Make a fresh copy of the province's federation database on the backend."""
    keys = Path(os.environ["THIDUA_HOME"]) / "keys"
    if not keys.exists():
        shutil.copytree(province.keys, keys)
    opened: list[AppContext] = []

    def make() -> AppContext:
        if backend == "sqlite":
            where = str(tmp_path / f"copy{len(opened)}.db")
            shutil.copyfile(province.golden, where)
        else:
            where = on_backend(province.golden)
        opened.append(open_context(where))
        return opened[-1]

    yield make
    for ctx in opened:
        ctx.close()


@dataclass
class Usb:
    folder: Path
    files: list[Path]
    bogus: Path
    corrected: Path
    sibling: Path
    late_r1: Path
    copy: Path
    new_key_report: Path
    plan_file: Path


def mixed_usb(env: Env, root: Path) -> Usb:
    """What a deadline week puts on the federation's USB stick."""
    folder = root / "usb"
    sub = folder / "Huyện Sơn Dương"
    sub.mkdir(parents=True)
    u1, u2, u3, u4, u5 = (env.unit(f"CS-0000{n}") for n in range(1, 6))
    u6 = env.unit("CT-001")  # an upper-level union

    def put(path: Path, data: bytes) -> Path:
        path.write_bytes(data)
        return path

    def demo_file(code: str, stream: str = REGISTRATION_STREAM) -> bytes:
        return env.file(code, stream).read_bytes()

    r1 = {u.code: demo_file(u.code) for u in (u1, u2, u3, u4, u5, u6)}
    files = [put(folder / f"{code}_r1.thidua", data) for code, data in r1.items()]
    # A copy the file manager made, and one in a sub-folder.
    copy = put(folder / "CS-00001_r1 (1).thidua", r1["CS-00001"])
    files.append(copy)
    files.append(put(sub / "CS-00005_r1.thidua", r1["CS-00005"]))
    values = u1.values[REGISTRATION_STREAM]
    # u1: a chained r2 and r3.
    r2 = report(
        env, u1, values=bump(values, "2.1", 901), revision=2, supersedes=hash_of(r1["CS-00001"])
    )
    files.append(put(folder / "CS-00001_r2.thidua", r2))
    files.append(
        put(
            folder / "CS-00001_r3.thidua",
            report(env, u1, values=bump(values, "2.1", 902), revision=3, supersedes=hash_of(r2)),
        )
    )
    # u2: a bogus r2 naming nothing the federation holds, and the real r2.
    bogus = put(
        folder / "CS-00002_r2_khac.thidua",
        report(env, u2, values=bump(values, "2.1", 666), revision=2, supersedes="ab" * 32),
    )
    corrected = put(
        folder / "CS-00002_r2.thidua",
        report(
            env, u2, values=bump(values, "2.1", 222), revision=2, supersedes=hash_of(r1["CS-00002"])
        ),
    )
    files += [bogus, corrected]
    # u3: a second export of r1 from another PC, a day later.
    sibling = put(
        sub / "CS-00003_r1_may2.thidua",
        report(env, u3, values=bump(values, "2.1", 333), created_at="2017-07-06T08:00:00+07:00"),
    )
    files.append(sibling)
    # u4: r2, and an r1 exported again (other content) arriving late.
    files.append(
        put(
            folder / "CS-00004_r2.thidua",
            report(
                env,
                u4,
                values=bump(values, "2.1", 444),
                revision=2,
                supersedes=hash_of(r1["CS-00004"]),
            ),
        )
    )
    late_r1 = put(
        folder / "CS-00004_r1_lai.thidua",
        report(env, u4, values=bump(values, "2.1", 440), created_at="2017-07-04T08:00:00+07:00"),
    )
    files.append(late_r1)
    # Altered, cut and foreign files.
    files.append(
        put(folder / "CS-00005_sua_tay.thidua", flip_payload_byte(demo_file("CS-00005", "h1")))
    )
    files.append(put(folder / "CS-00005_cut.thidua", demo_file("CS-00005", "year")[:300]))
    files.append(put(folder / "la.thidua", report(env, u5, key=generate_keypair(), stream="h1")))
    # u6 reinstalled: its new key's enrolment, and a report signed by it.
    fresh_key = generate_keypair()
    head, content = enrolment(env, u6, fresh_key.public_raw)
    data, _hash = seal(head, content, [fresh_key.private_key])
    files.append(put(folder / "z_CT-001_enrolment.thidua", data))
    new_key_report = put(
        folder / "a_CT-001_h1.thidua", report(env, u6, key=fresh_key, stream="h1", revision=1)
    )
    files.append(new_key_report)
    # The federation's own plan package, left on the stick.
    [plan_file] = federation.export_plan_packages(
        env.ctx, plan_id=env.plan.id, out_dir=root / "plan", unit_codes=["CS-00001"]
    )
    own = put(folder / plan_file.path.name, plan_file.path.read_bytes())
    files.append(own)
    return Usb(folder, files, bogus, corrected, sibling, late_r1, copy, new_key_report, own)


def outcome_of(summary: ImportSummary, path: Path, folder: Path) -> tuple[Outcome, str]:
    name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
    [item] = [i for i in summary.items if i.file_name in (name, path.name)]
    return item.outcome, item.reason


def test_the_same_usb_folder_in_any_order_and_any_split_gives_the_same_result(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path, backend: str
) -> None:
    usb = mixed_usb(env, tmp_path)
    # The folder as the federation drops it: one run, name order.
    base = fresh()
    dry = import_packages(base, paths=[usb.folder], dry_run=True)
    first = import_packages(base, paths=[usb.folder], dry_run=False)
    assert labels(dry) == labels(first), "the dry run predicts apply"
    expected_labels, expected_tables = labels(first), merged_tables(base)

    got = {i.file_name: i.outcome for i in first.items}
    assert got["CS-00001_r1.thidua"] is Outcome.OLDER  # r3 is the head now
    assert got["CS-00001_r1 (1).thidua"] is Outcome.DUPLICATE, "the copy, not the original"
    assert got["CS-00002_r2_khac.thidua"] is Outcome.CONFLICT
    assert got["CS-00002_r2.thidua"] is Outcome.NEW
    assert got["Huyện Sơn Dương/CS-00003_r1_may2.thidua"] is Outcome.CONFLICT
    assert got["Huyện Sơn Dương/CS-00005_r1.thidua"] is Outcome.DUPLICATE  # the copy is deeper
    assert got["CS-00004_r1_lai.thidua"] is Outcome.OLDER
    assert got["a_CT-001_h1.thidua"] is Outcome.PENDING_KEY, "held, not refused"
    assert got["z_CT-001_enrolment.thidua"] is Outcome.PENDING_KEY
    assert got[usb.plan_file.name] is Outcome.SKIPPED
    for name in ("CS-00005_sua_tay.thidua", "CS-00005_cut.thidua", "la.thidua"):
        assert got[name] is Outcome.REJECTED
    with base.reading() as session:
        u2 = env.unit("CS-00002")
        assert statement_values(
            session, plan_id=env.plan.id, unit_id=u2.id, stream=REGISTRATION_STREAM
        )["2.1"] == domain.UnitValue(amount=222)

    rng = random.Random(int(os.environ.get("THIDUA_ORDER_SEED", "2017")))
    orders = 20 if backend == "sqlite" else 6
    for trial in range(orders):
        files = list(usb.files)
        rng.shuffle(files)
        ctx = fresh()
        # The files named one by one, in a shuffled order (names are then bare).
        summary = import_packages(ctx, paths=files, dry_run=False)
        assert merged_tables(ctx) == expected_tables, f"order {trial}"
        assert sorted(
            (Path(i.file_name).name, i.outcome.value, i.reason) for i in summary.items
        ) == sorted((Path(n).name, o, r) for n, o, r, _p in expected_labels), f"order {trial}"
    splits = 8 if backend == "sqlite" else 3
    for trial in range(splits):
        files = list(usb.files)
        rng.shuffle(files)
        cuts = sorted(rng.sample(range(1, len(files)), rng.randint(1, 4)))
        parts = [files[a:b] for a, b in zip([0, *cuts], [*cuts, len(files)], strict=True)]
        # A report signed by a key the federation has never seen is refused, not
        # kept (its signature proves nothing yet): held only when its enrolment
        # comes in the same run or earlier. Move it along with the enrolment.
        enrolment_file = usb.folder / "z_CT-001_enrolment.thidua"
        at = {path: n for n, part in enumerate(parts) for path in part}
        if at[usb.new_key_report] < at[enrolment_file]:
            parts[at[usb.new_key_report]].remove(usb.new_key_report)
            parts[at[enrolment_file]].append(usb.new_key_report)
        ctx = fresh()
        for part in parts:
            import_packages(ctx, paths=part, dry_run=False, batch_size=rng.randint(1, 5))
        assert merged_tables(ctx) == expected_tables, (
            f"split {trial} at {cuts}: {changed_merged(ctx, base)}"
        )


def test_a_report_read_before_its_enrolment_is_held_then_merged(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    summary = import_packages(
        ctx, paths=[usb.new_key_report, usb.folder / "z_CT-001_enrolment.thidua"], dry_run=False
    )
    assert [i.outcome for i in summary.items] == [Outcome.PENDING_KEY, Outcome.PENDING_KEY]
    keyid = next(i for i in summary.items if i.kind == "enrolment").package_hash
    with ctx.reading() as session:
        new_keyid = session.scalar(
            select(models.SigningKey.keyid).where(models.SigningKey.package_hash == keyid)
        )
        assert new_keyid is not None
    _info, released = federation.decide_key(
        ctx, keyid=new_keyid, decision=KeyStatus.ACCEPTED, evidence="phone"
    )
    assert released is not None and [i.outcome for i in released.items] == [Outcome.NEW]
    assert federation.owed_receipts(ctx) == 1, "merged by acceptance: a receipt is owed"


def test_the_federations_own_files_are_skipped_not_refused(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    import_packages(ctx, paths=[env.file("CS-00001")], dry_run=False)
    receipts = federation.write_receipts(ctx, out_dir=tmp_path / "receipts")
    summary = import_packages(ctx, paths=[usb.plan_file, *receipts], dry_run=False)
    assert {(i.outcome, i.reason) for i in summary.items} == {
        (
            Outcome.SKIPPED,
            "A file this federation wrote itself (a plan, receipt or return): "
            "there is nothing to import.",
        )
    }


def test_a_bogus_r2_first_never_becomes_the_head(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: a bogus r2 with a broken chain was "new" when it came first."""
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    u2 = env.unit("CS-00002")
    summary = import_packages(ctx, paths=[usb.bogus, env.file("CS-00002")], dry_run=False)
    assert sorted(i.outcome for i in summary.items) == [Outcome.CONFLICT, Outcome.NEW]
    assert outcome_of(summary, usb.bogus, usb.folder)[0] is Outcome.CONFLICT
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u2.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount != 666


def test_copies_are_the_duplicates_whatever_the_order(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: "(1)" copies showed as new and the originals as duplicates."""
    usb = mixed_usb(env, tmp_path)
    original = usb.folder / "CS-00001_r1.thidua"
    for order in ([usb.copy, original], [original, usb.copy]):
        summary = import_packages(fresh(), paths=order, dry_run=False)
        assert {i.file_name: i.outcome for i in summary.items} == {
            "CS-00001_r1.thidua": Outcome.NEW,
            "CS-00001_r1 (1).thidua": Outcome.DUPLICATE,
        }
        [copy] = [i for i in summary.items if i.outcome is Outcome.DUPLICATE]
        assert copy.reason_text() == "A copy of CS-00001_r1.thidua in this same import."


# --- the return → correction loop ---------------------------------------------------------


def test_a_correction_after_a_return_supersedes_and_closes_the_conflict(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: r2 after a return was "does not follow", the old conflict stayed
    open, and keeping its version would roll the correction back to r1."""
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    u3 = env.unit("CS-00003")
    import_packages(ctx, paths=[env.file("CS-00003"), usb.sibling], dry_run=False)
    [conflict] = federation.list_conflicts(ctx)
    assert conflict.package_hash == hash_of(usb.sibling.read_bytes())
    # Staff return the other PC's version to the unit; it corrects and sends r2.
    federation.return_package(
        ctx,
        package_hash=conflict.package_hash,
        out=tmp_path / "return.thidua",
        general_comment="Hai máy gửi hai bản khác nhau: gửi lại một bản đúng.",
        comments={},
    )
    correction = report(
        env,
        u3,
        values=bump(u3.values[REGISTRATION_STREAM], "2.1", 350),
        revision=2,
        supersedes=conflict.package_hash,
    )
    path = tmp_path / "CS-00003_r2.thidua"
    path.write_bytes(correction)
    summary = import_packages(ctx, paths=[path], dry_run=False)
    assert [(i.outcome, i.reason) for i in summary.items] == [(Outcome.UPDATED, "")]
    assert federation.list_conflicts(ctx) == [], "the correction answered the conflict"
    with ctx.reading() as session:
        row = session.get(models.Conflict, conflict.id)
        assert row is not None and (row.status, row.resolution) == ("resolved", life.CORRECTED)
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 350
    with pytest.raises(NotFoundError):
        federation.resolve_conflict(ctx, conflict_id=conflict.id, keep="incoming")
    # Importing the old files again changes nothing.
    import_packages(ctx, paths=[env.file("CS-00003"), usb.sibling], dry_run=False)
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 350


def test_keeping_an_older_version_cannot_roll_the_stream_back(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    u3 = env.unit("CS-00003")
    import_packages(ctx, paths=[env.file("CS-00003"), usb.sibling], dry_run=False)
    [conflict] = federation.list_conflicts(ctx)
    federation.resolve_conflict(ctx, conflict_id=conflict.id, keep="incoming")
    assert federation.list_conflicts(ctx) == []
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 333, "staff kept the other PC's version"
    # The staff's choice holds when the first version comes again.
    import_packages(ctx, paths=[env.file("CS-00003")], dry_run=False)
    assert federation.list_conflicts(ctx) == []
    with ctx.reading() as session:
        values = statement_values(
            session, plan_id=env.plan.id, unit_id=u3.id, stream=REGISTRATION_STREAM
        )
    assert values["2.1"].amount == 333


# --- receipts -------------------------------------------------------------------------------


def test_receipts_are_owed_for_every_merge_and_written_once(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: after a restart the receipts wrote 0 files; packages merged by
    key acceptance or conflict resolution were left out; a returned package got
    a receipt too."""
    usb = mixed_usb(env, tmp_path)
    ctx = fresh()
    import_packages(ctx, paths=[usb.folder], dry_run=False)
    owed = federation.owed_receipts(ctx)
    assert owed == 6  # u1 r3, u2 r2, u3 r1, u4 r2, u5 r1, CT-001 r1 (its h1 waits for the key)
    # A return: that unit is owed no receipt.
    u4_head = hash_of((usb.folder / "CS-00004_r2.thidua").read_bytes())
    federation.return_package(
        ctx,
        package_hash=u4_head,
        out=tmp_path / "ret.thidua",
        general_comment="Sửa 2.1",
        comments={},
    )
    assert federation.owed_receipts(ctx) == 5
    # A restart: a new context on the same database owes the same receipts.
    url = (
        ctx.engine.url.render_as_string(hide_password=False)
        if env.backend != "sqlite"
        else ctx.engine.url.database
    )
    assert url
    again = open_context(url)
    try:
        written = federation.write_receipts(again, out_dir=tmp_path / "r1")
        assert len(written) == 5
        assert federation.write_receipts(again, out_dir=tmp_path / "r2") == []
        # Merged later by conflict resolution: owed then.
        [conflict] = [c for c in federation.list_conflicts(again) if c.reason == life.SAME_REVISION]
        federation.resolve_conflict(again, conflict_id=conflict.id, keep="incoming")
        assert federation.owed_receipts(again) == 1
    finally:
        again.close()


def test_settle_is_a_function_of_the_set() -> None:
    """The replay does not depend on the order entries are given in."""
    rng = random.Random(5)
    base = [
        life.Entry("a1", 1, 1, None, created="1"),
        life.Entry("b1", 1, 1, None, created="2"),
        life.Entry("a2", 1, 2, "a1"),
        life.Entry("x2", 1, 2, "zz"),
        life.Entry("a3", 1, 3, "a2"),
        life.Entry("r5", 1, 5, "qq", retired=True),
    ]
    expected = life.settle(base)
    assert expected.head is not None and expected.head.hash == "a3"
    assert expected.status["b1"] == life.SUPERSEDED and expected.status["x2"] == life.SUPERSEDED
    assert expected.conflicts == {"r5": (life.RETIRED_KEY, "a3")}
    for _ in range(20):
        shuffled = list(base)
        rng.shuffle(shuffled)
        assert life.settle(shuffled) == expected


def test_a_returned_unit_is_not_counted_as_sent(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: a unit whose report was returned for correction counted as sent."""
    from app.rollup.dashboard import dashboard

    ctx = fresh()
    import_packages(ctx, paths=[env.demo.packages_dir], dry_run=False)
    with ctx.reading() as session:
        before = dashboard(session, plan_id=env.plan.id).coverage[0]
    unit = env.unit("CS-00004")
    federation.return_package(
        ctx,
        package_hash=hash_of(env.file("CS-00004").read_bytes()),
        out=tmp_path / "back.thidua",
        general_comment="Sửa chỉ tiêu 2.1",
        comments={},
    )
    with ctx.reading() as session:
        board = dashboard(session, plan_id=env.plan.id)
    after = board.coverage[0]
    assert (after.received, after.returned) == (before.received - 1, 1)
    [missing] = [
        m for m in board.missing if m.unit.code == unit.code and m.stream == "registration"
    ]
    assert missing.held == "returned"


def test_a_package_with_an_upper_case_extension_is_found(
    env: Env, fresh: Callable[[], AppContext], tmp_path: Path
) -> None:
    """Regression: ``X.THIDUA`` (an old USB tool's copy) was skipped without a word."""
    folder = tmp_path / "usb"
    folder.mkdir()
    shutil.copy2(env.file("CS-00001"), folder / "COPY_CS-00001.THIDUA")
    shutil.copy2(env.file("CS-00002"), folder / "CS-00002.Thidua")
    summary = import_packages(fresh(), paths=[folder], dry_run=True)
    assert sorted((i.file_name, i.outcome) for i in summary.items) == [
        ("COPY_CS-00001.THIDUA", Outcome.NEW),
        ("CS-00002.Thidua", Outcome.NEW),
    ]


def test_a_package_refused_for_its_jump_weighs_on_nothing() -> None:
    """Review finding: a refused r10003 naming one of two r1s chose the head, which
    flipped when the stream was settled again without it."""
    a1 = life.Entry("a1", 1, 1, None, created="1")
    s1 = life.Entry("s1", 1, 1, None, created="2")
    jump = life.Entry("t", 1, 10_003, "s1", new=True)
    with_jump = life.settle([a1, s1, jump])
    assert with_jump.too_far == {"t"}
    assert with_jump.head == life.settle([a1, s1]).head == a1


def test_discarding_a_retired_keys_package_does_not_move_the_head() -> None:
    """Review finding: a retired key's package naming one r1 made it the head; once
    staff discarded it the other r1 became the head."""
    h0 = life.Entry("h0", 1, 1, None)
    h4 = life.Entry("h4", 1, 1, None, created="1")
    h3 = life.Entry("h3", 1, 2, "h0", retired=True)
    assert life.settle([h0, h4, h3]).head == life.settle([h0, h4]).head


def test_a_version_staff_have_not_seen_is_not_buried_by_their_choice() -> None:
    """Review finding: a third r1 arriving after staff kept one was silently superseded."""
    kept = life.Entry("k", 1, 1, None, forced=True)
    other = life.Entry("o", 1, 1, None)  # the version staff decided against
    later = life.Entry("n", 1, 1, None, new=True)
    settled = life.settle([kept, other, later])
    assert settled.head == kept
    assert settled.status["o"] == life.SUPERSEDED
    assert settled.status["n"] == life.QUARANTINED and "n" in settled.conflicts
    # ... and it stays held when the stream is settled again.
    held = life.Entry("n", 1, 1, None, held=True)
    assert life.settle([kept, other, held]).status["n"] == life.QUARANTINED


def test_a_unit_directly_under_the_federation_names_it_as_its_upper_level(
    env: Env, fresh: Callable[[], AppContext]
) -> None:
    """Walk-through: "Cấp trên" was blank in the missing list for such units."""
    from app.rollup.dashboard import dashboard

    ctx = fresh()
    with ctx.reading() as session:
        board = dashboard(session, plan_id=env.plan.id)
    upper = env.unit("CT-001")  # directly under the federation
    [row, *_rest] = [m for m in board.missing if m.unit.code == upper.code]
    assert row.unit.parent_name == "LĐLĐ tỉnh Tuyên Quang"
