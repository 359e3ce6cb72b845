"""First run: make a database a federation's or a unit's, with its plans and its key."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit, domain
from app.core.context import AppContext
from app.core.errors import N_, InputError
from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.core.installation import get_installation, set_setting
from app.core.text import nfc
from app.exchange import create_kept_key, ensure_own_key
from app.plans import install_builtin_plans
from db import models
from db.enums import Role, Sector, UnitKind

MSG_CHOOSE_KEY_PASSPHRASE = N_(
    "Choose the passphrase that protects the federation's signing key (at least 8 characters)."
)


def initialize(
    session: Session,
    *,
    role: Role,
    name: str,
    code: str | None = None,
    kind: UnitKind | None = None,
    sector: Sector | None = None,
    language: str = DEFAULT_LANGUAGE,
    key_passphrase: str | None = None,
) -> domain.Installation:
    """Make this database a federation's or a unit's, and install built-in plans.

    A federation given ``key_passphrase`` (at least 8 characters) gets its signing key
    at once, inside the database and protected by it; without one, the key is made
    there at the first unlock. A federation's key is never an unprotected file.
    Calling it again with the same role and name changes nothing; a different
    role is refused (a database serves one side only).
    """
    name = nfc(name.strip())
    if not name:
        raise InputError(N_("Enter the name of the union."))
    if language not in LANGUAGES:
        raise InputError(N_("Unknown language {language}."), params={"language": language})
    existing = get_installation(session)
    if existing is not None:
        if existing.role is not role:
            raise InputError(
                N_("This database is already set up for the other side ({role})."),
                params={"role": existing.role.value},
            )
        install_builtin_plans(session)
        return existing
    if role is Role.FEDERATION:
        kind = UnitKind.FEDERATION
    elif kind is None or kind is UnitKind.FEDERATION:
        kind = UnitKind.GRASSROOTS
    code = nfc(code.strip()) if code else None
    if code is not None:
        clash = session.scalar(select(models.Unit).where(models.Unit.code == code))
        if clash is not None:
            raise InputError(N_("The unit code {code} is already used."), params={"code": code})
    unit = models.Unit(name=name, code=code, kind=kind)
    session.add(unit)
    session.flush()
    set_setting(session, "role", role.value)
    set_setting(session, "own_unit_id", unit.id)
    set_setting(session, "language", language)
    if sector is not None:
        set_setting(session, "own_sector", sector.value)
    plan_ids = install_builtin_plans(session)
    audit.record(
        session,
        action="init",
        subject=name,
        detail={"role": role.value, "unit_id": unit.id, "plans": plan_ids},
    )
    if role is Role.FEDERATION and key_passphrase is not None:
        create_kept_key(session, passphrase=key_passphrase)
    return domain.Installation(role, unit.id, name, language)


def set_up_installation(
    ctx: AppContext,
    *,
    role: Role,
    name: str,
    code: str | None = None,
    kind: UnitKind | None = None,
    sector: Sector | None = None,
    language: str = "vi",
    key_passphrase: str | None = None,
) -> domain.Installation:
    """First run: the installation, its built-in plans and its signing key (a
    federation's inside the database, protected by ``key_passphrase``, required)."""
    if role is Role.FEDERATION and key_passphrase is None:
        raise InputError(MSG_CHOOSE_KEY_PASSPHRASE)
    with ctx.unit_of_work() as session:
        installation = initialize(
            session,
            role=role,
            name=name,
            code=code,
            kind=kind,
            sector=sector,
            language=language,
            key_passphrase=key_passphrase,
        )
        ensure_own_key(session, passphrase=key_passphrase)
        return installation
