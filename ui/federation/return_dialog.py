"""Return a disputed report to its unit for correction: comments for the unit
(general, and one per differing value, prefilled) and where to write the signed
return package.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.exchange import ConflictDetail

from ui.federation.common import value_text
from ui.widgets.dialogs import file_dialog, translate_buttons
from ui.widgets.screen_fit import fit_to_screen


class ReturnDialog(QDialog):
    """Comments for the unit (general and per indicator) and where to write the return."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "fed-conflicts"

    def __init__(self, detail: ConflictDetail, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("return-package")
        row = detail.row
        self.setWindowTitle(_("Return to {code} for correction").format(code=row.unit_code))
        intro = QLabel(
            _(
                "A signed return package is written for {unit}. Send it to the unit; its "
                "chair sees your comments beside the values and sends a new revision."
            ).format(unit=f"{row.unit_code} — {row.unit_name}")
        )
        intro.setWordWrap(True)
        self.general = QPlainTextEdit()
        self.general.setObjectName("general-comment")
        self.general.setPlainText(
            _(
                "We received two different versions of revision {revision}. Please check the "
                "values below and send a new revision."
            ).format(revision=row.incoming_revision)
        )
        self.general.setMaximumHeight(90)
        differing = [v for v in detail.values if v.differs]
        self.comments = QTableWidget(len(differing), 2)
        self.comments.setObjectName("field-comments")
        self.comments.setHorizontalHeaderLabels([_("Indicator"), _("Comment")])
        self.comments.verticalHeader().setVisible(False)
        self.comments.horizontalHeader().setStretchLastSection(True)
        self.comments.setColumnWidth(0, 80)
        plan = detail.plan
        for index, item in enumerate(differing):
            code_item = QTableWidgetItem(item.indicator.code)
            code_item.setFlags(code_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.comments.setItem(index, 0, code_item)
            text = _("Received both {current} and {incoming}; which is right?").format(
                current=value_text(plan, item.indicator, item.current) or "—",
                incoming=value_text(plan, item.indicator, item.incoming) or "—",
            )
            self.comments.setItem(index, 1, QTableWidgetItem(text))
        self.path = QLineEdit(
            str(
                folder
                / f"{row.unit_code or 'unit'}_{row.stream}_r{row.incoming_revision}_return.thidua"
            )
        )
        self.path.setObjectName("return-path")
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel(_("Write to:")))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        translate_buttons(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Write the return"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(_("Comment for the unit:")))
        layout.addWidget(self.general)
        layout.addWidget(QLabel(_("Comments on the values:")))
        layout.addWidget(self.comments, 1)
        layout.addLayout(path_row)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 480)

    def field_comments(self) -> dict[str, str]:
        result = {}
        for row in range(self.comments.rowCount()):
            code = self.comments.item(row, 0)
            text = self.comments.item(row, 1)
            if code is not None and text is not None and text.text().strip():
                result[code.text()] = text.text().strip()
        return result

    @Slot()
    def _browse(self) -> None:
        file_dialog(
            self,
            name="return-file",
            title=_("Where to write the return"),
            mode=QFileDialog.FileMode.AnyFile,
            save=True,
            name_filter=_("Thi Đua packages (*.thidua)"),
            suggested=Path(self.path.text()).name,
            on_chosen=lambda paths: self.path.setText(str(paths[0])),
        )
