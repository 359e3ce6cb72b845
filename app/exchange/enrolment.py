"""What the enrolment screen shows about each unit key, beyond :class:`KeyInfo`.

For every unit key: what the unit declared in its enrolment (chair, phone,
e-mail), the contact the federation's own roster holds (the number staff
call back to confirm the fingerprint: a number the package itself carries
would reach whoever made the package), whether the unit is in the roster,
how many packages wait for the key, and — the warning staff must not miss —
which accepted key of the same unit accepting it would retire (a changed
key: a replaced PC, or someone pretending to be the unit).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.context import AppContext
from app.core.errors import UserError
from app.exchange.bodies import parse_enrolment
from app.exchange.bulk import chunks
from app.exchange.format import MAX_ENROLMENT_BYTES, parse_payload
from app.exchange.key_status import KeyStatus
from app.exchange.keys import KeyInfo, list_keys
from app.exchange.signing import open_envelope
from db import models


@dataclass(frozen=True)
class KeyRow:
    key: KeyInfo
    declared_name: str
    declared_code: str
    chair: str
    phone: str
    email: str
    in_roster: bool
    roster_name: str
    #: The contact in the federation's own roster: the one to call back.
    roster_chair: str
    roster_phone: str
    roster_email: str
    held_packages: int
    #: Accepted keys of the same unit that accepting this one would retire.
    would_retire: tuple[KeyInfo, ...]
    #: The key this one declares it replaces (a rotation), if any.
    replaces: KeyInfo | None

    @property
    def changed_key(self) -> bool:
        """A pending key for a unit that already has an accepted one."""
        return self.key.status == KeyStatus.PENDING.value and bool(self.would_retire)

    @property
    def name_differs(self) -> bool:
        return bool(self.roster_name) and self.declared_name not in ("", self.roster_name)


def _declared(raw: bytes | None) -> tuple[str, str, str, str, str]:
    """(name, code, chair, phone, email) from an archived enrolment, or blanks."""
    if raw is None:
        return "", "", "", "", ""
    try:
        envelope = open_envelope(raw, max_size=MAX_ENROLMENT_BYTES)
        enrolment = parse_enrolment(parse_payload(envelope.payload, raw).body)
    except UserError:  # archived after verification; blanks are enough if it ever fails
        return "", "", "", "", ""
    return enrolment.name, enrolment.code, enrolment.chair, enrolment.phone, enrolment.email


def key_overview(ctx: AppContext, *, status: str | None = None) -> list[KeyRow]:
    """Unit keys (all, or those with ``status``), pending first, then newest first.

    With a ``status`` only the keys of the same units are read besides (an accepted
    one that accepting would retire, one a key replaces): a country's federation holds
    126,000 keys, and the keys waiting for a decision are read after every import.
    """
    with ctx.reading() as session:
        if status is None:
            every = list_keys(session)
        else:
            every = list_keys(session, units={k.unit_id for k in list_keys(session, status=status)})
        by_id = {k.keyid: k for k in every}
        accepted_by_unit: dict[str, list[KeyInfo]] = {}
        for key in every:
            if key.status == KeyStatus.ACCEPTED.value:
                accepted_by_unit.setdefault(key.unit_id, []).append(key)
        wanted = [k for k in every if status is None or k.status == status]
        # Each list bound in chunks: a country's 126,000 keys are more than the 32,766
        # parameters one SQLite statement takes where the driver is built by default.
        package_hashes: dict[str, str | None] = {}
        for chunk in chunks(k.keyid for k in wanted):
            package_hashes.update(
                session.execute(
                    select(models.SigningKey.keyid, models.SigningKey.package_hash).where(
                        models.SigningKey.keyid.in_(chunk),
                        models.SigningKey.package_hash.is_not(None),
                    )
                ).all()
            )
        raws: dict[str, bytes] = {}
        for chunk in chunks({h for h in package_hashes.values() if h}):
            raws.update(
                session.execute(
                    select(models.Package.hash, models.Package.raw).where(
                        models.Package.hash.in_(chunk)
                    )
                ).all()
            )
        held = dict(
            session.execute(
                select(models.Package.keyid, func.count())
                .where(models.Package.status == "pending_key")
                .group_by(models.Package.keyid)
            ).all()
        )
        roster: dict[str, tuple[str, str, str, str]] = {}
        for chunk in chunks({k.unit_id for k in wanted}):
            for unit_id, name, chair, phone, email in session.execute(
                select(
                    models.Unit.id,
                    models.Unit.name,
                    models.Unit.chair_name,
                    models.Unit.phone,
                    models.Unit.email,
                ).where(models.Unit.id.in_(chunk))
            ):
                roster[unit_id] = (name, chair or "", phone or "", email or "")
    rows = []
    for key in wanted:
        name, code, chair, phone, email = _declared(raws.get(package_hashes.get(key.keyid) or ""))
        would_retire: tuple[KeyInfo, ...] = ()
        if key.status in (KeyStatus.PENDING.value, KeyStatus.REFUSED.value):
            would_retire = tuple(
                k for k in accepted_by_unit.get(key.unit_id, []) if k.keyid != key.keyid
            )
        rows.append(
            KeyRow(
                key=key,
                declared_name=name or key.unit_name,
                declared_code=code or key.unit_code,
                chair=chair,
                phone=phone,
                email=email,
                in_roster=key.unit_id in roster,
                roster_name=roster.get(key.unit_id, ("",) * 4)[0],
                roster_chair=roster.get(key.unit_id, ("",) * 4)[1],
                roster_phone=roster.get(key.unit_id, ("",) * 4)[2],
                roster_email=roster.get(key.unit_id, ("",) * 4)[3],
                held_packages=int(held.get(key.keyid, 0)),
                would_retire=would_retire,
                replaces=by_id.get(key.replaces) if key.replaces else None,
            )
        )
    order = {KeyStatus.PENDING.value: 0, KeyStatus.REFUSED.value: 1}
    rows.sort(key=lambda r: r.key.received_at, reverse=True)
    rows.sort(key=lambda r: (order.get(r.key.status, 2), not r.changed_key))
    return rows


__all__ = ["KeyRow", "key_overview"]
