"""What the main window shows while the database opens: a neutral page in the frame of
the workspace that follows, naming what the first look (:mod:`app.core.first_look`)
found, and no data that is not there yet.

For a federation it has the workspace's toolbar strip (empty) and its plan chooser in
the same place (disabled), for a unit's chair the toolbar strip and a header line with
the unit and its plan where the unit's header comes; under them, in the middle,
"Opening the database…". Without a first look (a shared database, a first start, a file that will
not open) it only says what is going on, with nothing that looks like a plan.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from app.core.first_look import FirstLook


def _toolbar_strip() -> QToolBar:
    """An empty toolbar as tall as the workspaces' (text-only buttons), so what is
    under it does not move when the workspace comes."""
    strip = QToolBar()
    strip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    probe = QToolBar()
    probe.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    probe.addAction(QAction("M", probe))
    strip.setMinimumHeight(probe.sizeHint().height())
    probe.deleteLater()
    return strip


class OpeningPage(QWidget):
    """See the module docstring; ``first_look`` is the look shown, if any."""

    #: Its section of the user guide (ui.widgets.help).
    help_anchor = "intro"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._first_look: FirstLook | None = None
        self._message = ""  # a translated text said instead of "Opening…", if any
        self._federation = False
        self.toolbar = _toolbar_strip()
        self.plan_label = QLabel()
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("opening-plan")
        self.plan_combo.setMinimumWidth(420)  # as the federation workspace's
        self.plan_combo.setEnabled(False)
        self.header = QLabel()  # the unit and its plan, where the unit's header comes
        self.header.setWordWrap(True)
        self.text = QLabel()
        self.text.setObjectName("opening-text")
        # Always rich text: what they show is escaped, and an escaped message with no tag
        # would otherwise be guessed plain and show "&quot;" and "&amp;" as typed.
        for label in (self.header, self.text):
            label.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        chooser = QHBoxLayout()
        chooser.addWidget(self.plan_label)
        chooser.addWidget(self.plan_combo, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(chooser)
        layout.addWidget(self.header)
        layout.addWidget(self.text, 1)
        self.show_opening(None)

    @property
    def first_look(self) -> FirstLook | None:
        """The first look shown, if any (until the workspace comes)."""
        return self._first_look

    def show_opening(self, look: FirstLook | None) -> None:
        """Opening the database: in the frame of ``look``'s role if there is one."""
        from db.enums import Role

        self._first_look = look
        self._message = ""
        federation = look is not None and look.role is Role.FEDERATION
        self._federation = federation
        self.toolbar.setVisible(look is not None)
        self.plan_label.setVisible(federation)
        self.plan_combo.setVisible(federation)
        self.header.setVisible(look is not None and not federation)
        self.plan_combo.clear()
        if look is not None and federation:
            from app.core.first_look import plan_label

            for plan in look.plans:
                self.plan_combo.addItem(plan_label(plan), plan.id)
            self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(look.plan.id)))
        self.translateUI()

    def show_message(self, text: str) -> None:
        """No plan to name: only ``text`` (already translated), e.g. why it did not open."""
        self.show_opening(None)
        self._message = text
        self.translateUI()

    def translateUI(self) -> None:
        self.plan_label.setText(_("Plan:"))
        look = self._first_look
        opening = "<i>" + escape(_("Opening the database…")) + "</i>"
        if self._message:
            self.text.setText(escape(self._message))
        elif look is None:
            self.text.setText(opening)
        elif not self._federation:  # a unit's chair: its unit and its plan
            self.header.setText(f"<b>{escape(look.own_unit_name)}</b> — {escape(look.plan.title)}")
            self.text.setText(opening)
        else:  # the federation: the chooser names the plan
            plan = look.plan
            issuer = " — ".join(escape(part) for part in (plan.issuer, plan.number) if part)
            self.text.setText(f"<b>{issuer}</b><br>{escape(plan.title)}<br><br>{opening}")


__all__ = ["OpeningPage"]
