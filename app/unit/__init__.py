"""The unit's workspace: its statements on screen, its packages, its Excel template."""

from app.unit.enrolment import export_enrolment, export_with_enrolment, rotate_key
from app.unit.entry_draft import SIGNED, EntryWorkspace, load_entry_workspace
from app.unit.entry_workbook import (
    EntryPreview,
    apply_entry_workbook,
    enter_from_workbook,
    preview_entry_workbook,
)
from app.unit.filling import (
    ValueChange,
    WorkbookPreview,
    apply_workbook,
    fill_from_json,
    fill_from_workbook,
    preview_workbook,
    write_template,
)
from app.unit.plan_package import federation_file_kind, import_plan_package, inspect_plan_package
from app.unit.receipts import import_receipt, stream_statuses
from app.unit.sending import export_report, make_bundle
from app.unit.status_words import SEND_STATUSES, send_status_text
from app.unit.workspace import (
    SendingReview,
    StatementDetails,
    Workspace,
    load_workspace,
    missing_before_export,
    record_backup,
    review_before_sending,
    set_details,
    set_value,
    set_values,
    working_plan_id,
)

__all__ = [
    "SEND_STATUSES",
    "SIGNED",
    "EntryPreview",
    "EntryWorkspace",
    "SendingReview",
    "StatementDetails",
    "ValueChange",
    "WorkbookPreview",
    "Workspace",
    "apply_entry_workbook",
    "apply_workbook",
    "enter_from_workbook",
    "export_enrolment",
    "export_report",
    "export_with_enrolment",
    "federation_file_kind",
    "fill_from_json",
    "fill_from_workbook",
    "import_plan_package",
    "import_receipt",
    "inspect_plan_package",
    "load_entry_workspace",
    "load_workspace",
    "make_bundle",
    "missing_before_export",
    "preview_entry_workbook",
    "preview_workbook",
    "record_backup",
    "review_before_sending",
    "rotate_key",
    "send_status_text",
    "set_details",
    "set_value",
    "set_values",
    "stream_statuses",
    "working_plan_id",
    "write_template",
]
