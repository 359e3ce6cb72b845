"""The audit log read back: filtered, newest first, exported, in words."""

from app.audit.labels import ACTION_LABELS, action_label, field_label
from app.audit.services import read_audit
from app.audit.view import ActionGroup, AuditRow

__all__ = ["ACTION_LABELS", "ActionGroup", "AuditRow", "action_label", "field_label", "read_audit"]
