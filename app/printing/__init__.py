"""Printed forms: PDF documents laid out after Nghị định 30/2020, Phụ lục I.

Built with reportlab in Times New Roman where the system has it, else the bundled
Liberation Serif (Times New Roman's metrics, complete Vietnamese), embedded in every
file (:mod:`app.printing.fonts`). Printed forms are
always Vietnamese: their wording is literal here, not in the catalogue.
The public operations live in :mod:`app.printing.documents`.
"""

from app.printing.batch import (
    DOCUMENT_LABELS,
    FILE_WORDS,
    BatchDocument,
    BatchResult,
    OutputExists,
    SkippedUnit,
    print_batch,
    unit_file_name,
)
from app.printing.covenant import Covenant, covenant_story
from app.printing.documents import (
    check_reminder_files,
    print_cluster_covenant,
    print_plan,
    print_province_summary,
    print_registration_form,
    print_reminders,
    print_results_report,
    reminder_files,
)
from app.printing.fonts import printing_font
from app.printing.form_parts import plan_reference
from app.printing.furniture import (
    body,
    body_plain,
    header_block,
    keep_with_next,
    section_heading,
    signature_block,
    title_block,
)
from app.printing.key_card import print_key_card
from app.printing.layout import build_pdf
from app.printing.manual import MANUAL_NAME, write_manual
from app.printing.printed import PrintedForm, record_printed
from app.printing.sources import StatementDoc, Title, UnitInfo, load_statements
from app.printing.tables import Column, data_table
from app.printing.typesetting import markup, styles, text

__all__ = [
    "DOCUMENT_LABELS",
    "FILE_WORDS",
    "MANUAL_NAME",
    "BatchDocument",
    "BatchResult",
    "Column",
    "Covenant",
    "OutputExists",
    "PrintedForm",
    "SkippedUnit",
    "StatementDoc",
    "Title",
    "UnitInfo",
    "body",
    "body_plain",
    "build_pdf",
    "check_reminder_files",
    "covenant_story",
    "data_table",
    "header_block",
    "keep_with_next",
    "load_statements",
    "markup",
    "plan_reference",
    "print_batch",
    "print_cluster_covenant",
    "print_key_card",
    "print_plan",
    "print_province_summary",
    "print_registration_form",
    "print_reminders",
    "print_results_report",
    "printing_font",
    "record_printed",
    "reminder_files",
    "section_heading",
    "signature_block",
    "styles",
    "text",
    "title_block",
    "unit_file_name",
    "write_manual",
]
