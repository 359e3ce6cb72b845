"""A unit's history at the federation: r1 then r2 of its h1 report, and what changed.

A demo province receives CĐCS CS-00001's h1 report twice (r2 changes two values) at
known times; the history must list both with the federation's receipt times, and
the comparison exactly the two changed values, written as the screens write them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.core import domain
from app.core.context import AppContext, open_context
from app.core.errors import InputError, NotFoundError, UserError
from app.core.i18n import translator
from app.demo.province import Demo, write_report
from app.exchange import compare_versions, unit_history
from app.exchange.labels import local_time
from app.exchange.signing import fingerprint_groups
from db import models
from db.enums import IndicatorKind
from tests.helpers import GoldenProvince, golden_province, import_received

pytestmark = pytest.mark.both_backends

PLAN = "tuyen-quang-2017"
UNIT = "CS-00001"
RECEIVED = ("2017-07-10T02:00:00+00:00", "2017-07-12T03:30:00+00:00")
MADE_AT = "2017-07-05T08:00:00+07:00"


@dataclass(frozen=True)
class Federation:
    ctx: AppContext
    demo: Demo
    hashes: tuple[str, str]
    changed: tuple[str, str]  # the two indicator codes r2 changes


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> GoldenProvince:
    return golden_province(tmp_path_factory, "history", units=4, seed=17, streams=())


def _counts(demo: Demo) -> list[domain.Indicator]:
    unit = demo.unit(UNIT)
    return [
        i
        for i in demo.plan.indicators
        if i.kind is IndicatorKind.COUNT and i.applies_to(unit.kind, unit.sector)
    ][:3]


@pytest.fixture
def fed(
    golden: GoldenProvince, fresh_copy: Callable[[Path, Path], str], tmp_path: Path
) -> Iterator[Federation]:
    """The province with CS-00001's h1 r1 and r2 received at :data:`RECEIVED`."""
    ctx = open_context(fresh_copy(golden.database, golden.keys))
    demo = golden.demo
    a, b, c = (i.code for i in _counts(demo))
    first = {a: 1250, b: 20, c: 5}
    second = {a: 1300, b: 25, c: 5}
    hashes: list[str] = []
    supersedes = None
    versions = zip((first, second), RECEIVED, strict=True)
    for revision, (amounts, received_at) in enumerate(versions, 1):
        path = write_report(
            demo.unit(UNIT),
            demo.plan,
            demo.federation_id,
            "h1",
            {code: domain.UnitValue(amount=n) for code, n in amounts.items()},
            tmp_path,
            revision=revision,
            supersedes=supersedes,
            created_at=MADE_AT,
        )
        package_hash = import_received(ctx, path, received_at)
        hashes.append(package_hash)
        supersedes = package_hash
    try:
        yield Federation(ctx, demo, (hashes[0], hashes[1]), (a, b))
    finally:
        ctx.close()


def test_history_lists_r1_replaced_and_r2_merged(fed: Federation) -> None:
    history = unit_history(fed.ctx, unit_code=UNIT, plan_id=PLAN)
    assert history.unit_code == UNIT
    assert [s.stream for s in history.streams] == list(fed.demo.plan.streams)
    (h1,) = [s for s in history.streams if s.stream == "h1"]
    assert all(not s.entries for s in history.streams if s.stream != "h1")
    assert [e.revision for e in h1.entries] == [1, 2]
    assert [e.package_hash for e in h1.entries] == list(fed.hashes)
    assert [e.status for e in h1.entries] == ["superseded", "applied"]
    assert [e.status_label for e in h1.entries] == ["Replaced by a later revision", "Merged"]
    assert [e.received_at for e in h1.entries] == list(RECEIVED)
    assert [e.received_local for e in h1.entries] == [local_time(t) for t in RECEIVED]
    fingerprint = fingerprint_groups(fed.demo.unit(UNIT).keypair.public_raw)
    for entry in h1.entries:
        assert entry.made_at == MADE_AT
        assert entry.fingerprint == fingerprint
        assert entry.source == "signed_package"
        assert entry.source_label == "Signed package"
        assert entry.file_name.endswith(".thidua")
    assert h1.entries[1].supersedes == fed.hashes[0]
    # The same stream alone, and by default every plan the unit reported on.
    only = unit_history(fed.ctx, unit_code=UNIT, stream="h1")
    assert [s.stream for s in only.streams] == ["h1"]
    assert only.streams[0].entries == h1.entries


def test_comparison_lists_exactly_the_two_changed_values(fed: Federation) -> None:
    first, second = fed.hashes
    compared = compare_versions(
        fed.ctx, first_hash=first[:8], second_hash=second.upper(), unit_code=UNIT
    )
    a, b = fed.changed
    assert [(v.code, v.old_text, v.new_text) for v in compared.values] == [
        (a, "1.250", "1.300"),
        (b, "20", "25"),
    ]
    assert compared.details == ()
    assert (compared.first.revision, compared.second.revision) == (1, 2)
    assert compared.stream == "h1"
    # And back: old and new swap.
    back = compare_versions(fed.ctx, first_hash=second, second_hash=first)
    assert [(v.old_text, v.new_text) for v in back.values] == [("1.300", "1.250"), ("25", "20")]


def _vietnamese(error: pytest.ExceptionInfo[UserError]) -> str:
    text = translator("vi")(error.value.message)
    assert text != error.value.message, error.value.message
    return text


def test_bad_input_is_refused_clearly(fed: Federation) -> None:
    first, second = fed.hashes
    with pytest.raises(NotFoundError) as unknown_unit:
        unit_history(fed.ctx, unit_code="CS-99999")
    assert "CS-99999" in unknown_unit.value.translated()
    _vietnamese(unknown_unit)
    with pytest.raises(InputError) as unknown_stream:
        unit_history(fed.ctx, unit_code=UNIT, plan_id=PLAN, stream="q3")
    _vietnamese(unknown_stream)
    with pytest.raises(NotFoundError) as unknown_hash:
        compare_versions(fed.ctx, first_hash="0123456789abcdef", second_hash=second)
    assert "0123456789abcdef" in unknown_hash.value.translated()
    _vietnamese(unknown_hash)
    for bad in ("1234567", "not-a-hash", first + "0"):
        with pytest.raises(InputError) as short:
            compare_versions(fed.ctx, first_hash=bad, second_hash=second)
        _vietnamese(short)
    # Another unit's report is not found among this unit's.
    with pytest.raises(NotFoundError):
        compare_versions(fed.ctx, first_hash=first, second_hash=second, unit_code="CS-00002")
    # Two packages beginning alike: the prefix is ambiguous, the whole hash is not.
    twin = first[:8] + "f" * 56 if first[8] != "f" else first[:8] + "e" * 56
    with fed.ctx.unit_of_work() as session:
        original = session.get(models.Package, second)
        assert original is not None
        session.add(
            models.Package(
                **{
                    column.key: getattr(original, column.key)
                    for column in models.Package.__table__.columns
                    if column.key != "hash"
                },
                hash=twin,
            )
        )
    with pytest.raises(InputError) as ambiguous:
        compare_versions(fed.ctx, first_hash=first[:8], second_hash=second)
    assert first[:8] in ambiguous.value.translated()
    _vietnamese(ambiguous)
    assert compare_versions(fed.ctx, first_hash=first, second_hash=second).values
