"""The audit log read back: filtered, newest first, exported."""

from app.audit.view import ActionGroup, AuditRow, list_audit

__all__ = ["ActionGroup", "AuditRow", "list_audit"]
