"""Help → About Thi Đua: the version, the data folder (with a button to open it) and the
database in use."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.crashlog import app_version
from app.core.i18n import gettext as _
from app.core.location import shown_location
from app.core.paths import user_data_dir

from ui.widgets.dialogs import open_in_viewer, translate_buttons


class AboutDialog(QDialog):
    """What this program is, which version, where its data is."""

    help_anchor = "about"

    def __init__(self, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(_("About Thi Đua"))
        self.folder = user_data_dir()
        intro = QLabel(
            "<b>Thi Đua</b><br>"
            + _(
                "Thi Đua works offline: registrations, results and signed packages "
                "for the trade-union emulation movement."
            )
        )
        intro.setWordWrap(True)
        self.version = QLabel(app_version())
        self.version.setObjectName("about-version")
        self.folder_label = QLabel(str(self.folder))
        self.folder_label.setObjectName("about-folder")
        self.database = QLabel(shown_location(database))
        self.database.setObjectName("about-database")
        for label in (self.version, self.folder_label, self.database):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
        self.open_button = QPushButton(_("&Open the data folder"))
        self.open_button.setObjectName("about-open-folder")
        self.open_button.clicked.connect(self.open_folder)
        form = QFormLayout()
        form.addRow(_("Version:"), self.version)
        form.addRow(_("Data folder:"), self.folder_label)
        form.addRow("", self.open_button)
        form.addRow(_("Database in use:"), self.database)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate_buttons(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    @Slot()
    def open_folder(self) -> bool:
        """Show the data folder in the file manager."""
        return open_in_viewer(self, self.folder)
