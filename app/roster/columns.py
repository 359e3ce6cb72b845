"""The roster workbook's layout: its sheet, its columns and the words its cells take.

The template (:mod:`app.roster.template`), the import
(:mod:`app.roster.workbook_import`) and the export
(:mod:`app.roster.workbook_export`) share them; the province workbook writes
kinds and sectors with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core import domain
from app.core.errors import N_
from app.core.text import nfc
from db.enums import Sector, UnitKind

#: The most units a roster workbook may list (a province has a few thousand).
MAX_ROWS = 200_000

#: The units' sheet, first in the template and in the exported roster.
ROSTER_SHEET = "Danh sách đơn vị"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese header printed in the template (forms are Vietnamese)
    required: bool
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã đơn vị", True, 14),
    Column("name", "Tên đơn vị", True, 48),
    Column("kind", "Loại (CĐCS / Cấp trên)", True, 22),
    Column("sector", "Khu vực (HCSN / DNNN / NGOÀI NN / FDI)", False, 30),
    Column("parent", "Mã đơn vị cấp trên", False, 18),
    Column("cluster", "Cụm thi đua", False, 24),
    Column("leader", "Cụm trưởng (x)", False, 14),
    Column("members", "Số đoàn viên", False, 14),
    Column("workers", "Số lao động", False, 14),
    Column("chair", "Chủ tịch", False, 24),
    Column("phone", "Điện thoại", False, 16),
    Column("email", "Email", False, 26),
)

#: How the roster's workbooks write each kind and sector, and the province workbook
#: too (the template's drop-down lists; what a note says a word was read as).
KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.FEDERATION: "LĐLĐ tỉnh",
    UnitKind.UPPER: "Cấp trên",
    UnitKind.GRASSROOTS: "CĐCS",
}
SECTOR_LABELS: dict[Sector, str] = {
    Sector.ADMINISTRATIVE: "HCSN",
    Sector.STATE_ENTERPRISE: "DNNN",
    Sector.NON_STATE_ENTERPRISE: "NGOÀI NN",
    Sector.FDI: "FDI",
}
#: The kinds a row of the roster may have (the federation is the top of the tree, not a row).
KIND_SHOWN = {kind: KIND_LABELS[kind] for kind in (UnitKind.GRASSROOTS, UnitKind.UPPER)}

#: What the import reads as each kind and sector (compared in lower case).
KIND_WORDS: dict[str, UnitKind] = {
    "cđcs": UnitKind.GRASSROOTS,
    "cơ sở": UnitKind.GRASSROOTS,
    "công đoàn cơ sở": UnitKind.GRASSROOTS,
    "grassroots": UnitKind.GRASSROOTS,
    "cấp trên": UnitKind.UPPER,
    "công đoàn cấp trên": UnitKind.UPPER,
    "cấp trên cơ sở": UnitKind.UPPER,
    "công đoàn cấp trên cơ sở": UnitKind.UPPER,
    "upper": UnitKind.UPPER,
}

SECTOR_WORDS: dict[str, Sector] = {
    "hcsn": Sector.ADMINISTRATIVE,
    "hành chính sự nghiệp": Sector.ADMINISTRATIVE,
    "administrative": Sector.ADMINISTRATIVE,
    "dnnn": Sector.STATE_ENTERPRISE,
    "doanh nghiệp nhà nước": Sector.STATE_ENTERPRISE,
    "state_enterprise": Sector.STATE_ENTERPRISE,
    "ngoài nn": Sector.NON_STATE_ENTERPRISE,
    "ngoài nhà nước": Sector.NON_STATE_ENTERPRISE,
    "doanh nghiệp ngoài nhà nước": Sector.NON_STATE_ENTERPRISE,
    "non_state_enterprise": Sector.NON_STATE_ENTERPRISE,
    "fdi": Sector.FDI,
}

#: Each column in words, for messages and the audit (the template's headings are
#: printed Vietnamese; these follow the interface language).
FIELD_WORDS: dict[str, str] = {
    "code": N_("Unit code"),
    "name": N_("Unit name"),
    "kind": N_("Kind"),
    "sector": N_("Sector"),
    "parent": N_("Upper level"),
    "cluster": N_("Cluster"),
    "leader": N_("Cluster leader"),
    "members": N_("Members"),
    "workers": N_("Workers"),
    "chair": N_("Chair"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
}


def cluster_key(name: str) -> str:
    """One cluster however its name is cased or spaced ("cụm 1 " is "Cụm 1")."""
    return " ".join(nfc(name).split()).casefold()


_KIND_ORDER = {UnitKind.FEDERATION: 0, UnitKind.UPPER: 1, UnitKind.GRASSROOTS: 2}


def listing_order(unit: domain.RosterUnit) -> tuple[int, str, str]:
    """Where a unit comes in a workbook's list: upper levels first, then by code and name."""
    return (_KIND_ORDER[unit.kind], unit.code or "", unit.name)
