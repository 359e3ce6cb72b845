"""The mixed USB folder of the stream-life tests (copies, corrections, a late r1, a bogus
r2, two exports of one revision, altered, cut and foreign files, a unit's new key with its
report, the federation's own plan package, a sub-folder), and comparing the merged tables
of two federation databases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.core import domain
from app.core.context import AppContext
from app.exchange import federation
from app.exchange.format import seal
from app.exchange.keystore import generate_keypair
from app.exchange.outcomes import ImportSummary, Outcome
from db import models
from db.enums import REGISTRATION_STREAM
from tests import digest
from tests.unit.package_forge import (
    BOOKKEEPING,
    Env,
    enrolment,
    flip_payload_byte,
    hash_of,
    report,
)

#: Columns that record when (or in which order) a row was written, not what it says.
WHEN = ("received_at", "updated_at", "decided_at", "resolved_at", "receipt_at")
LEAVE_OUT = {
    "package": (*WHEN, "file_name"),
    "conflict": (*WHEN, "id", "created_at"),
    "signing_key": WHEN,
    "statement": WHEN,
    "value_flag": ("id", "raised_at", "verified_at"),
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
