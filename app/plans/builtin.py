"""The plans that ship with the application (``resources/plans``), installed at first run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import N_, NotFoundError
from app.core.paths import resource_dir
from app.plans.document import content_hash, install_plan_document
from app.plans.numbering import keep_issue_fields
from db import models

BUILTIN_PLAN_IDS = ("tuyen-quang-2017",)


def builtin_plan_path(plan_id: str) -> Path:
    return resource_dir() / "plans" / f"{plan_id}.json"


def load_builtin_document(plan_id: str) -> dict[str, Any]:
    path = builtin_plan_path(plan_id)
    if plan_id not in BUILTIN_PLAN_IDS or not path.exists():
        raise NotFoundError(
            N_("There is no plan with the id {plan_id}."), params={"plan_id": plan_id}
        )
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def install_builtin_plans(session: Session) -> list[str]:
    """Install (or refresh) every built-in plan; returns their ids.

    The number and date of issue staff set (:mod:`app.plans.numbering`) are kept.
    """
    installed = []
    for plan_id in BUILTIN_PLAN_IDS:
        document = keep_issue_fields(session, load_builtin_document(plan_id))
        existing = session.get(models.Plan, plan_id)
        if existing is not None and existing.content_hash == content_hash(document):
            installed.append(plan_id)
            continue
        in_use = session.scalar(
            select(models.Statement.id).where(models.Statement.plan_id == plan_id).limit(1)
        )
        if existing is not None and in_use is not None:
            installed.append(plan_id)  # keep the plan the units registered against
            continue
        installed.append(install_plan_document(session, document, builtin=True))
    return installed
