"""The plan as the federation issued it: header, ``KẾ HOẠCH``, its sections and
numbered targets, the signature."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.core import domain
from app.printing.furniture import (
    body,
    header_block,
    keep_with_next,
    section_heading,
    signature_block,
    title_block,
)
from app.printing.typesetting import styles


def plan_story(plan: domain.Plan) -> list[Flowable]:
    """The federation's plan as issued: header, KẾ HOẠCH, sections I–IV, signature."""
    s = styles()
    story: list[Flowable] = [
        header_block(
            parent=plan.parent_issuer,
            issuer=plan.issuer,
            number=plan.number,
            place=plan.place,
            date=plan.issued_on,
            year=plan.year,
        ),
        *title_block("KẾ HOẠCH", plan.title),
    ]
    preamble = plan.body.get("preamble")
    if isinstance(preamble, str) and preamble:
        story.append(body(preamble))
    sections = plan.body.get("sections")
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        story += keep_with_next(section_heading(str(section.get("heading", ""))), room=25 * mm)
        paragraphs = section.get("paragraphs")
        for paragraph in paragraphs if isinstance(paragraphs, list) else []:
            story.append(body(str(paragraph)))
        if section.get("targets"):
            story += _target_items(plan)
    recipients_data = plan.body.get("recipients")
    recipients: list[tuple[str, str]] = []
    for item in recipients_data if isinstance(recipients_data, list) else []:
        if isinstance(item, list) and item:
            recipients.append((str(item[0]), str(item[1]) if len(item) > 1 else ""))
        elif isinstance(item, str):
            recipients.append((item, ""))
    story.append(
        signature_block(
            authority="TM. BAN THƯỜNG VỤ",
            title=plan.signer_title or "CHỦ TỊCH",
            signer_name=plan.signer_name,
            recipients=recipients,
        )
    )
    del s
    return story


def _target_items(plan: domain.Plan) -> list[Flowable]:
    """Section II's numbered items: "1- …" … "9. …" with "a- …" to "đ- …" below."""
    story: list[Flowable] = []
    for group in plan.groups:
        if group.parent_code:
            letter = group.code[len(group.parent_code) :] or group.code
            story.append(body(f"{letter}- {group.text}"))
        else:
            story.append(body(f"{group.code}- {group.text}"))
    return story
