"""Who this database belongs to (its role, its own unit, its language) and its settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core import domain
from app.core.context import AppContext
from app.core.errors import N_, InputError, UserError
from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from db import models
from db.enums import Role


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(models.Setting, key)
    return None if row is None else row.value


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(models.Setting, key)
    if row is None:
        session.add(models.Setting(key=key, value=value))
    else:
        row.value = value


def get_installation(session: Session) -> domain.Installation | None:
    """The installation, or None before the first-run choice was made."""
    role = get_setting(session, "role")
    unit_id = get_setting(session, "own_unit_id")
    if role is None or unit_id is None:
        return None
    unit = session.get(models.Unit, unit_id)
    return domain.Installation(
        role=Role(role),
        own_unit_id=unit_id,
        own_unit_name=unit.name if unit else "",
        language=get_setting(session, "language") or DEFAULT_LANGUAGE,
    )


def require_installation(session: Session) -> domain.Installation:
    """The installation; :class:`UserError` before the first run made it."""
    installation = get_installation(session)
    if installation is None:
        raise UserError(N_("Set up the database first (thidua-cli init)."))
    return installation


def require_federation_installation(session: Session) -> domain.Installation:
    """The installation, refused unless this database is the federation's."""
    installation = get_installation(session)
    if installation is None or installation.role is not Role.FEDERATION:
        raise UserError(N_("This needs a federation database."))
    return installation


def require_unit_installation(session: Session) -> domain.Installation:
    """The installation, refused unless this database is a unit's."""
    installation = get_installation(session)
    if installation is None or installation.role is not Role.UNIT:
        raise UserError(N_("This needs a unit database."))
    return installation


def set_language(session: Session, language: str) -> None:
    if language not in LANGUAGES:
        raise InputError(N_("Unknown language {language}."), params={"language": language})
    set_setting(session, "language", language)


def current_installation(ctx: AppContext) -> domain.Installation | None:
    """The installation of the database ``ctx`` opens (None before the first run)."""
    with ctx.reading() as session:
        return get_installation(session)
