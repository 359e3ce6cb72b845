"""The audit log read back: filtered, newest first, exported."""

from app.audit.services import read_audit
from app.audit.view import ActionGroup, AuditRow

__all__ = ["ActionGroup", "AuditRow", "read_audit"]
