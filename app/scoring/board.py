"""The scoreboard: every unit's score under one plan's rules, with its rankings.

Built from what is scored (:class:`app.scoring.engine.ScoreInput`), it holds
the score of each unit, its place in its cluster and in its upper-level union,
the award the rules would suggest, and the federation's flags and proposals.
Where the figures come from is :mod:`app.scoring.sources`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.core import domain
from app.core.errors import N_, NotFoundError
from app.core.records import cached
from app.plans import AwardRule, grade_labels, grade_ranks
from app.scoring.engine import ScoreInput, UnitScore, score_units
from app.scoring.numbers import rounded_fraction
from app.scoring.ranking import Placing, Rankings
from app.scoring.rules import RulesInfo


@dataclass(frozen=True)
class ProposalInfo:
    """A commendation or grading the federation proposes for a unit."""

    unit_id: str
    award: str  # an award code of the rules, "" for grading only
    award_label: str
    grade: str | None
    summary: str
    score: str  # the score as shown when proposed
    cluster_rank: int | None
    rules_hash: str
    updated_at: str
    updated_by: str


@dataclass(frozen=True)
class Scoreboard:
    """Every unit's score under one plan's rules, with its rankings.

    ``by_cluster`` and ``by_parent`` map a cluster id / upper-level union id
    (None: no cluster / directly under the federation) to its ranking (each made
    when first read: :class:`app.scoring.ranking.Rankings`).
    """

    plan: domain.Plan
    rules: RulesInfo
    scores: tuple[UnitScore, ...]
    cluster_names: dict[str | None, str]
    parent_names: dict[str | None, str]
    by_cluster: Mapping[str | None, list[Placing]]
    by_parent: Mapping[str | None, list[Placing]]
    proposals: dict[str, ProposalInfo] = field(default_factory=dict)
    flags: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → flag → note
    source: str = "federation"  # federation | cluster_leader

    @cached
    def _by_id(self) -> dict[str, UnitScore]:
        return {score.unit.id: score for score in self.scores}

    def score_of(self, unit_id: str) -> UnitScore:
        score = self._by_id.get(unit_id)
        if score is None:
            raise NotFoundError(N_("Unknown unit."), detail=unit_id)
        return score

    def by_code(self, code: str) -> UnitScore:
        wanted = code.strip().casefold()
        for score in self.scores:
            if score.unit.code.casefold() == wanted or score.unit.id == code:
                return score
        raise NotFoundError(N_("No unit with code {code}."), params={"code": code})

    @cached
    def _places(self) -> dict[tuple[str, str | None], dict[str, Placing]]:
        """Each ranking read so far, by unit id (filled as rankings are read)."""
        return {}

    def _placing(
        self, family: str, rankings: Mapping[str | None, list[Placing]], group: str | None
    ) -> dict[str, Placing]:
        # Looked up by id, not searched: every unit of the country asks for its place,
        # and a scan of its cluster's ranking each time (thousands of units in the
        # largest) kept the scoring screen busy for tens of seconds.
        places = self._places.get((family, group))
        if places is None:
            places = {}
            for placing in rankings.get(group, []):
                places.setdefault(placing.unit_id, placing)
            self._places[(family, group)] = places
        return places

    def cluster_placing(self, unit_id: str) -> Placing | None:
        cluster = self.score_of(unit_id).unit.cluster_id
        return self._placing("cluster", self.by_cluster, cluster).get(unit_id)

    def parent_placing(self, unit_id: str) -> Placing | None:
        parent = self.score_of(unit_id).unit.parent_id
        return self._placing("parent", self.by_parent, parent).get(unit_id)

    def suggestion(self, unit_id: str) -> AwardRule | None:
        """The most prestigious award the rules would suggest (a hint, not a decision)."""
        score = self.score_of(unit_id)
        if not score.eligible or score.exact is None:
            return None
        placing = self.cluster_placing(unit_id)
        ranks = grade_ranks(self.plan, self.rules.rules)
        for award in self.rules.rules.awards:
            if award.min_score is not None and rounded_fraction(score.exact) < award.min_score:
                continue
            if award.min_grade is not None and (
                score.grade is None or ranks[score.grade] > ranks[award.min_grade]
            ):
                continue
            if award.max_cluster_rank is not None and (
                placing is None
                or placing.rank is None
                or placing.rank > award.max_cluster_rank
                or score.unit.cluster_id is None
            ):
                continue
            return award
        return None

    def find_cluster(self, text: str) -> str | None:
        """A cluster's id from its name or id; :class:`NotFoundError` if none."""
        wanted = text.strip().casefold()
        for cluster_id, name in self.cluster_names.items():
            if cluster_id is not None and wanted in (name.casefold(), cluster_id.casefold()):
                return cluster_id
        raise NotFoundError(
            N_("There is no cluster {cluster} in {year}."),
            params={"cluster": text, "year": self.plan.year},
        )

    def find_parent(self, text: str) -> str | None:
        """An upper-level union's id from its code, name or id."""
        wanted = text.strip().casefold()
        for score in self.scores:
            if score.unit.id in self.by_parent and wanted in (
                score.unit.code.casefold(),
                score.unit.id.casefold(),
            ):
                return score.unit.id
        for parent_id, name in self.parent_names.items():
            if parent_id is not None and wanted in (name.casefold(), parent_id.casefold()):
                return parent_id
        raise NotFoundError(N_("No unit with code {code}."), params={"code": text})

    def grade_label(self, code: str | None) -> str:
        if code is None:
            return "—"
        return grade_labels(self.plan, self.rules.rules).get(code, code)


def build_scoreboard(
    plan: domain.Plan,
    rules: RulesInfo,
    inputs: Sequence[ScoreInput],
    *,
    proposals: Mapping[str, ProposalInfo] | None = None,
    flags: Mapping[str, dict[str, str]] | None = None,
    source: str = "federation",
) -> Scoreboard:
    """Score every unit and rank them within each cluster and each upper-level union."""
    scores = score_units(plan, rules.rules, inputs)
    scores.sort(key=lambda s: s.unit.order)
    clusters: dict[str | None, list[UnitScore]] = defaultdict(list)
    parents: dict[str | None, list[UnitScore]] = defaultdict(list)
    cluster_names: dict[str | None, str] = {}
    parent_names: dict[str | None, str] = {}
    for score in scores:
        clusters[score.unit.cluster_id].append(score)
        parents[score.unit.parent_id].append(score)
        cluster_names[score.unit.cluster_id] = score.unit.cluster_name
        parent_names[score.unit.parent_id] = score.unit.parent_name
    return Scoreboard(
        plan=plan,
        rules=rules,
        scores=tuple(scores),
        cluster_names=cluster_names,
        parent_names=parent_names,
        by_cluster=Rankings(dict(clusters), rules.rules),
        by_parent=Rankings(dict(parents), rules.rules),
        proposals=dict(proposals or {}),
        flags={k: dict(v) for k, v in (flags or {}).items()},
        source=source,
    )
