"""The quick start: the first steps of a chair (or of federation staff) as a checklist that
ticks itself as they are done (:func:`app.setup.quick_start`), each line opening its
section of the user guide. Shown on the first run and from Help → Quick start.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.context import AppContext
from app.core.i18n import gettext as _
from app.setup import QuickStart, quick_start
from db.enums import Role

from ui.widgets.dialogs import translate_buttons
from ui.widgets.help import show_help
from ui.widgets.screen_fit import fit_to_screen
from ui.widgets.tasks import CancelToken, Runner


class QuickStartDialog(QDialog):
    """The checklist (non-modal); ``hidden_changed`` carries "do not show it again".

    With a ``runner`` the database is read on its worker (a shared server may be slow)
    and ``state`` (already read, e.g. at start-up) is shown at once; without one
    (a picture of the screen) it is read where it is asked for.
    """

    help_anchor = "quick-start"

    hidden_changed = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        hidden: bool,
        runner: Runner | None = None,
        state: QuickStart | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quick-start")
        self._ctx = ctx
        self._runner = runner.bound(self) if runner is not None else None
        self._reading = False
        self._read_again = False
        self.state: QuickStart | None = state
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setObjectName("quick-start-steps")
        self.steps.itemActivated.connect(self._step_chosen)
        self.steps.itemDoubleClicked.connect(self._step_chosen)
        self.progress = QLabel()
        self.progress.setObjectName("quick-start-progress")
        self.read_button = QPushButton()
        self.read_button.setObjectName("quick-start-read")
        self.read_button.clicked.connect(self.read_current)
        self.hide_box = QCheckBox()
        self.hide_box.setObjectName("quick-start-hide")
        self.hide_box.setChecked(hidden)
        self.hide_box.toggled.connect(self.hidden_changed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.read_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.steps, 1)
        layout.addLayout(row)
        layout.addWidget(self.hide_box)
        layout.addWidget(self.buttons)
        self.translateUI()
        fit_to_screen(self, 620, 480)

    def translateUI(self) -> None:
        self.setWindowTitle(_("Quick start"))
        self.read_button.setText(_("&Read how to do this step"))
        self.hide_box.setText(_("&Do not show this list when the program starts"))
        translate_buttons(self.buttons)
        if self.state is not None:
            self._show(self.state)
        else:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Tick what the database now shows done (read on the runner's worker)."""
        if self._runner is None:
            self._show(quick_start(self._ctx))
            return
        if self._reading:  # one read at a time; the latest request is read after it
            self._read_again = True
            return
        self._reading = True
        ctx = self._ctx

        def job(_progress: object, _token: CancelToken) -> QuickStart:
            return quick_start(ctx)

        self._runner.run(job, self._read, self._not_read, reads=True)

    def _read(self, state: QuickStart) -> None:
        self._reading = False
        self._show(state)
        if self._read_again:
            self._read_again = False
            self.refresh()

    def _not_read(self, error: BaseException) -> None:
        # A courtesy list: the window reports database trouble where the work is done.
        self._reading = self._read_again = False
        from app.core.crashlog import logger

        logger().warning("quick start not read: %s", error)

    def _show(self, state: QuickStart) -> None:
        self.state = state
        self.intro.setText(
            _(
                "The first steps at the federation. Each step is ticked by itself once it "
                "is done; choose a step (Enter or double-click) to read how to do it."
            )
            if state.role is Role.FEDERATION
            else _(
                "The first steps of a union chair. Each step is ticked by itself once it "
                "is done; choose a step (Enter or double-click) to read how to do it."
            )
        )
        current = max(self.steps.currentRow(), 0)
        self.steps.clear()
        for number, step in enumerate(state.steps, start=1):
            item = QListWidgetItem(f"{number}. {_(step.label)}")
            item.setData(Qt.ItemDataRole.UserRole, step.anchor)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if step.done else Qt.CheckState.Unchecked)
            self.steps.addItem(item)
        self.steps.setCurrentRow(min(current, self.steps.count() - 1))
        self.progress.setText(
            _("Done: {done} of {total} steps.").format(
                done=state.done_count, total=len(state.steps)
            )
        )

    def ticked(self) -> list[bool]:
        """Which lines are ticked, in order (for tests)."""
        return [
            self.steps.item(i).checkState() == Qt.CheckState.Checked
            for i in range(self.steps.count())
        ]

    @Slot()
    def read_current(self) -> None:
        item = self.steps.currentItem()
        if item is not None:
            self._step_chosen(item)

    @Slot(QListWidgetItem)
    def _step_chosen(self, item: QListWidgetItem) -> None:
        show_help(str(item.data(Qt.ItemDataRole.UserRole)))

    def changeEvent(self, event: QEvent) -> None:
        # Back from the main window, where a step may just have been done.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.refresh()
        super().changeEvent(event)
