"""Tabs whose pages are built when first needed.

A page is built on first access (``page``), when its tab is first shown, or
one by one once the window is idle (``build_rest_soon``): a screen of many
pages shows its first one without importing and building the others first.
Until then its tab holds an empty placeholder with the same title. The tables of
a page built here leave Ctrl+Tab to the tabs (:func:`leave_ctrl_tab_to_tabs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QTabWidget, QWidget

#: Builds one page.
Factory = Callable[[], QWidget]


def leave_ctrl_tab_to_tabs(page: QWidget) -> None:
    """The tables and lists of ``page`` let Ctrl+Tab and Ctrl+Shift+Tab reach the tabs
    around them (a table moving its current cell on Tab swallowed them); Tab leaves a
    table for the next control, the arrow keys move within it. For read-only tables:
    a table typed into keeps Tab for its next cell."""
    for view in page.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)


class LazyTabs(QTabWidget):
    """See the module docstring. ``on_built(name, page)`` runs once per page, right after
    the page took its tab's place (to wire its signals and hand it what is loaded)."""

    def __init__(
        self,
        factories: Sequence[tuple[str, Factory]],
        on_built: Callable[[str, QWidget], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._factories = dict(factories)
        self._on_built = on_built
        self._built: dict[str, QWidget] = {}
        #: The tabs not built yet, in their order.
        self._placeholders: dict[str, QWidget] = {}
        self._building = False  # asked to build the rest (it waits while hidden)
        for name, _factory in factories:
            placeholder = QWidget()
            self._placeholders[name] = placeholder
            self.addTab(placeholder, "")
        self.currentChanged.connect(self._shown)

    def page(self, name: str) -> QWidget:
        """The page ``name``, built now if it was not yet."""
        page = self._built.get(name)
        if page is not None:
            return page
        page = self._factories[name]()
        self._built[name] = page
        placeholder = self._placeholders.pop(name)
        index = self.indexOf(placeholder)
        current = self.currentIndex() == index
        # The same tab, another widget: nobody is told the current tab changed.
        self.blockSignals(True)
        try:
            title = self.tabText(index)
            self.removeTab(index)
            self.insertTab(index, page, title)
            if current:
                self.setCurrentIndex(index)
        finally:
            self.blockSignals(False)
        placeholder.deleteLater()
        leave_ctrl_tab_to_tabs(page)
        self._on_built(name, page)
        return page

    def built(self, name: str) -> QWidget | None:
        """The page ``name`` if it is built, else ``None`` (it will load when it is)."""
        return self._built.get(name)

    def built_pages(self) -> list[QWidget]:
        """The pages built so far."""
        return list(self._built.values())

    def index_of(self, name: str) -> int:
        """The tab of ``name``, built or not."""
        widget = self._built.get(name) or self._placeholders[name]
        return self.indexOf(widget)

    def build_rest_soon(self) -> None:
        """Build the pages not built yet, one per turn of the event loop, while shown
        (a screen put away, e.g. when another database opens, builds no more)."""
        self._building = True
        QTimer.singleShot(0, self, self._build_next)

    @Slot()
    def _build_next(self) -> None:
        if not self._placeholders or not self.isVisible():
            return
        self.page(next(iter(self._placeholders)))
        QTimer.singleShot(0, self, self._build_next)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._building and self._placeholders:
            QTimer.singleShot(0, self, self._build_next)

    @Slot(int)
    def _shown(self, index: int) -> None:
        for name, placeholder in list(self._placeholders.items()):
            if self.indexOf(placeholder) == index:
                self.page(name)
