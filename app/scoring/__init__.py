"""Scoring, ranking and commendation proposals at year end; the cluster leader's view."""

from app.scoring.board import ProposalInfo, Scoreboard
from app.scoring.cluster_leader import (
    import_member_packages,
    inspect_enrolment,
    list_members,
    print_member_covenant,
    trust_member,
)
from app.scoring.decisions import (
    achievement_summary,
    clear_flag,
    clear_proposal,
    set_flag,
    set_proposal,
)
from app.scoring.documents import (
    export_scoring_workbook,
    print_proposals,
    print_ranking,
    proposal_groups,
)
from app.scoring.engine import UnitScore
from app.scoring.indicator_score import IndicatorScore, Status
from app.scoring.json_output import ranking_json, score_json
from app.scoring.numbers import number_text, percent_text, score_text
from app.scoring.ranking import Placing
from app.scoring.rules import (
    load_rules,
    read_rules_file,
    reset_rules,
    save_rules,
    write_rules_file,
)
from app.scoring.scale import ScoreScale, scale_words, score_scale
from app.scoring.sources import default_plan_id, scoreboard

__all__ = [
    "IndicatorScore",
    "Placing",
    "ProposalInfo",
    "ScoreScale",
    "Scoreboard",
    "Status",
    "UnitScore",
    "achievement_summary",
    "clear_flag",
    "clear_proposal",
    "default_plan_id",
    "export_scoring_workbook",
    "import_member_packages",
    "inspect_enrolment",
    "list_members",
    "load_rules",
    "number_text",
    "percent_text",
    "print_member_covenant",
    "print_proposals",
    "print_ranking",
    "proposal_groups",
    "ranking_json",
    "read_rules_file",
    "reset_rules",
    "save_rules",
    "scale_words",
    "score_json",
    "score_scale",
    "score_text",
    "scoreboard",
    "set_flag",
    "set_proposal",
    "trust_member",
    "write_rules_file",
]
