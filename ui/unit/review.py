"""Before a package is written: what it carries, what changed, what to look at again.

The chair sees the revision about to be sent, how many indicators have a
value and which applicable ones are still empty, what changed since the last
send (as sent → as now), and soft warnings from the core's review
(:func:`app.unit.workspace.review_before_sending`): a commitment below the
target, a figure of an implausible size. Nothing here blocks: "Send" is
always there, and one click confirms.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import domain, figures
from app.core.i18n import gettext as _
from app.unit import SendingReview

from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.styles import NOTE_STYLE


class ReviewDialog(QDialog):
    """Review before sending; OK ("Send") writes the package, Cancel changes nothing."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "unit-sending"

    def __init__(
        self,
        plan: domain.Plan,
        review: SendingReview,
        stream_label: Callable[[str], str],
        fingerprint: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirm-export")
        self.review = review
        self.setWindowTitle(_("Send to the federation"))
        layout = QVBoxLayout(self)
        summary = QLabel(
            _(
                "{what}, revision {revision}: {count} indicators have a value.\n"
                "Signed with the key {fingerprint}."
            ).format(
                what=stream_label(review.stream),
                revision=review.revision,
                count=review.values,
                fingerprint=fingerprint or _("(created now)"),
            )
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("review-empty")
        self.empty_label.setWordWrap(True)
        if review.empty:
            # Each with its name: a list of bare codes ("1, 6.2, 7.2") said little.
            titles = {i.code: i.title for i in plan.indicators}
            shown = review.empty[:8]  # the dialog must still fit a 768-pixel screen
            named = "\n".join(
                f"• {code} {textwrap.shorten(titles.get(code, ''), 80, placeholder=' …')}".rstrip()
                for code in shown
            )
            if len(review.empty) > len(shown):
                named += "\n…"
            self.empty_label.setText(
                _("{count} indicators are still empty: {codes}.").format(
                    count=len(review.empty), codes=", ".join(review.empty)
                )
                + "\n"
                + named
            )
            self.empty_label.setStyleSheet(NOTE_STYLE)
            layout.addWidget(self.empty_label)
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("review-warnings")
        self.warnings_label.setWordWrap(True)
        if review.warnings:
            lines = ["• " + _(w.message).format(code=w.code, **w.params) for w in review.warnings]
            self.warnings_label.setText(
                _("Please look again (you can still send):") + "\n" + "\n".join(lines)
            )
            self.warnings_label.setStyleSheet(NOTE_STYLE)
            layout.addWidget(self.warnings_label)
        self.changes = QTableWidget(len(review.changes), 3)
        self.changes.setObjectName("review-changes")
        if not review.first_send:
            heading = QLabel(
                _("What changed since revision {revision} was sent:").format(
                    revision=review.revision - 1
                )
                if review.changes
                else _("Nothing changed since revision {revision} was sent.").format(
                    revision=review.revision - 1
                )
            )
            heading.setWordWrap(True)
            layout.addWidget(heading)
        if review.changes:
            self.changes.setHorizontalHeaderLabels([_("Code"), _("As sent"), _("Now")])
            self.changes.verticalHeader().setVisible(False)
            self.changes.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.changes.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            self.changes.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
            for row, (code, before, now) in enumerate(review.changes):
                indicator = plan.indicator(code)
                for column, text in enumerate(
                    (
                        code,
                        figures.value_text(plan, indicator, before) or "—",
                        figures.value_text(plan, indicator, now) or "—",
                    )
                ):
                    self.changes.setItem(row, column, QTableWidgetItem(text))
            layout.addWidget(self.changes, 1)
        else:
            self.changes.hide()
        self.buttons = QDialogButtonBox()
        self.send_button = QPushButton(_("Send"))
        self.send_button.setObjectName("send")
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.send_button.setDefault(True)
        fit_to_screen(self, 640, 300 if not review.changes else 480)


__all__ = ["ReviewDialog"]
