"""The key card: the fingerprint of this installation's key, on paper.

The chair signs and stamps it and sends it (or reads it over the phone) so
the federation can confirm the key that signs the unit's packages; the
federation prints one for its own key to send with the plan packages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.core.days import today_local
from app.core.installation import require_installation
from app.plans import get_plan, newest_plan_id
from app.printing.furniture import body, header_block, signature_block, title_block
from app.printing.layout import build_pdf
from app.printing.qr import QrCode
from app.printing.sources import load_units
from app.printing.tables import Column, data_table
from app.printing.typesetting import para, styles
from db import models
from db.enums import Role


@dataclass(frozen=True)
class KeyCard:
    """What a key card shows: whose key, under whom, and the key itself."""

    parent: str
    unit_name: str
    unit_code: str
    unit_id: str
    chair_name: str
    fingerprint: str
    keyid: str
    epoch: int
    federation: bool = False
    #: Where it is signed (the date line's place: the plan's, as on the unit's forms).
    place: str = ""

    @property
    def title(self) -> str:
        return f"Thẻ khóa - {self.unit_name}"


def print_key_card(ctx: AppContext, *, out: Path) -> Path:
    """Write the key card of this installation (its key is made if missing)."""
    from app.exchange import ensure_own_key, own_key_info

    with ctx.unit_of_work() as session:
        installation = require_installation(session)
        ensure_own_key(session)
        info = own_key_info(session)
        unit = session.get(models.Unit, installation.own_unit_id)
        federation = session.get(models.Setting, "federation_name")
        assert info is not None and unit is not None
        federation_unit = installation.role is Role.FEDERATION
        fed_name = federation.value if federation is not None else ""
        parent, place = _parent_and_place(session, unit.id, fed_name)
        card = KeyCard(
            parent="TỔNG LĐLĐ VIỆT NAM" if federation_unit else parent,
            unit_name=unit.name,
            unit_code=unit.code or "",
            unit_id=unit.id,
            chair_name=unit.chair_name,
            fingerprint=info.fingerprint,
            keyid=info.keyid,
            epoch=info.epoch,
            federation=federation_unit,
            place=place,
        )
    # Made, not yet printed: the preview records that (app.printing.printed).
    return build_pdf(out, key_card_story(card), title=card.title, author=unit.name)


def _parent_and_place(session: Session, unit_id: str, federation_name: str) -> tuple[str, str]:
    """The unit's parent body as its registration form prints it (the upper-level
    union, else the federation) and the plan's place; the federation and no place
    before any plan is installed."""
    plan_id = newest_plan_id(session)
    if plan_id is None:
        return federation_name, ""
    plan = get_plan(session, plan_id)
    info = load_units(session, plan, [unit_id]).get(unit_id)
    return (info.parent_name if info else federation_name), plan.place


def key_card_story(card: KeyCard) -> list[Flowable]:
    """The card laid out: header, title, the key's table, its QR code, the signature."""
    s = styles()
    return [
        header_block(
            parent=card.parent,
            issuer=card.unit_name,
            number="",
            place=card.place,
            date=today_local(),
        ),
        *title_block("Thẻ khóa xác thực", "Dấu vân tay khóa ký gói dữ liệu Thi Đua"),
        body(
            f"Đơn vị: {card.unit_name}"
            + (f" (mã {card.unit_code})" if card.unit_code else "")
            + ". Các gói dữ liệu gửi đi được ký bằng khóa có dấu vân tay dưới đây. "
            "Cán bộ nhận gói đối chiếu dấu vân tay này trước khi chấp nhận khóa."
        ),
        Spacer(1, 6 * mm),
        data_table(
            [Column("Nội dung", 1), Column("Giá trị", 3)],
            [
                ["Dấu vân tay", card.fingerprint],
                ["Mã khóa", card.keyid],
                ["Số thứ tự khóa", str(card.epoch)],
            ],
        ),
        Spacer(1, 6 * mm),
        QrCode(f"thidua:key:v1;unit={card.unit_code or card.unit_id};key={card.keyid}", 40 * mm),
        para(f"Dấu vân tay: {card.fingerprint}", s.note),
        signature_block(
            authority="TM. BAN THƯỜNG VỤ" if card.federation else "TM. BAN CHẤP HÀNH",
            title="CHỦ TỊCH",
            signer_name=card.chair_name,
        ),
    ]
