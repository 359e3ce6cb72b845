"""The whole scoreboard of a demo province, pinned: every unit's points, grade, ranks,
suggested award and explanation, every cluster's and upper-level union's ranking, the
proposals, under the shipped rules and under a variant (another period, not normalised,
flags set).

The hashes were recorded from the scoring code before it was made faster (issue #20):
a change to how scoring computes must leave every figure it shows as it was.
Unit ids are random in the demo, so units are named by their codes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.context import AppContext, open_context
from app.demo.province import make_demo
from app.exchange import import_packages
from app.scoring import (
    Scoreboard,
    load_rules,
    ranking_json,
    save_rules,
    score_json,
    scoreboard,
    set_flag,
    set_proposal,
)

UNITS = 300
PLAN = "tuyen-quang-2017"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The province with every package imported, as a SQLite file nothing else changes."""
    demo = make_demo(out_dir=tmp_path_factory.mktemp("golden") / "province", units=UNITS, seed=11)
    ctx = open_context(demo.database)
    summary = import_packages(ctx, paths=[demo.packages_dir], dry_run=False)
    assert summary.counts["new"] == 3 * UNITS
    ctx.close()
    copy = demo.database.with_name("pristine.db")
    shutil.copyfile(demo.database, copy)
    return copy


@pytest.fixture(scope="module")
def province(pristine: Path) -> Iterator[AppContext]:
    ctx = open_context(pristine.with_name("federation.db"))
    yield ctx
    ctx.close()


def board_document(board: Scoreboard) -> dict[str, Any]:
    """Everything the scoreboard says, with units named by their codes."""
    codes = {s.unit.id: s.unit.code for s in board.scores}
    scores = []
    for score in board.scores:
        data = score_json(board, score, details=True)
        data["unit"]["id"] = score.unit.code
        scores.append(data)
    return {
        "scores": scores,
        "clusters": {
            board.cluster_names[k] or "": ranking_json(board, v)
            for k, v in sorted(board.by_cluster.items(), key=lambda i: board.cluster_names[i[0]])
        },
        "parents": {
            codes.get(k or "", board.parent_names[k] or ""): ranking_json(board, v)
            for k, v in sorted(board.by_parent.items(), key=lambda i: board.parent_names[i[0]])
        },
        "proposals": {
            codes[k]: [p.award, p.grade, p.score, p.cluster_rank, p.summary]
            for k, p in sorted(board.proposals.items(), key=lambda i: codes[i[0]])
        },
        "flags": {codes[k]: v for k, v in sorted(board.flags.items(), key=lambda i: codes[i[0]])},
    }


def digest(board: Scoreboard) -> str:
    text = json.dumps(board_document(board), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_shipped_rules_score_the_province_as_before(province: AppContext) -> None:
    board = scoreboard(province, plan_id=PLAN)
    assert len(board.scores) == UNITS
    ranked = [p for placings in board.by_cluster.values() for p in placings if p.rank]
    assert any(p.tied_with for p in ranked)  # ties are in the pinned figures
    leaders = [s for s in board.scores if board.suggestion(s.unit.id) is not None]
    assert leaders  # so are suggested awards
    for code in (leaders[0].unit.code, board.scores[1].unit.code):
        set_proposal(province, plan_id=PLAN, unit=code, grade=board.scores[1].grade or "kha")
    assert digest(scoreboard(province, plan_id=PLAN)) == SHIPPED


def test_a_variant_of_the_rules_scores_the_province_as_before(province: AppContext) -> None:
    document = load_rules(province, plan_id=PLAN).rules.to_document()
    document["period"] = "h1"
    document["normalise"] = False
    document["tie_breakers"] = list(reversed(document["tie_breakers"]))
    save_rules(province, plan_id=PLAN, document=document)
    board = scoreboard(province, plan_id=PLAN)
    for score in board.scores[::37]:
        set_flag(province, plan_id=PLAN, unit=score.unit.code, flag="fatal_accident")
    assert digest(scoreboard(province, plan_id=PLAN)) == VARIANT


@pytest.mark.both_backends
def test_the_province_scores_alike_on_either_database(
    pristine: Path, backend: str, on_backend: Callable[[Path], str], tmp_path: Path
) -> None:
    """The values read as the database driver gives them (0/1 or booleans): the same board."""
    if backend == "sqlite":
        shutil.copyfile(pristine, tmp_path / "copy.db")
        pristine = tmp_path / "copy.db"
    ctx = open_context(on_backend(pristine))
    try:
        assert digest(scoreboard(ctx, plan_id=PLAN)) == PRISTINE
    finally:
        ctx.close()


PRISTINE = "c0f9c70a5065e22c62e9f736bcecbd96cb06560ef25b89abbf940bae47001482"
SHIPPED = "cd47acb3bb3ae2ed7a051bc35989b5aebf44dea416335180f5c9ec208cc69360"
VARIANT = "9c33e9eb7f724ce37c95c5af437fc4c1f92825eb285e3fe4442efd264b792a10"
