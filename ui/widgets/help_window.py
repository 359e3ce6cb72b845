"""The help window: the user guide (docs/guide) read offline in a QTextBrowser, with its
contents on the left, Back and Forward, and a find box.

One window serves the whole application (:func:`ui.widgets.help.show_help` keeps it);
it is not modal, so the guide stays open beside the screen it explains.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
from app.core.text import fold, fold_with_positions, written_span
from app.guide import Guide

from ui.widgets.picture_viewer import PictureViewer
from ui.widgets.screen_fit import fit_to_screen

#: Pictures are shown at most this wide (the screenshots are taken at 1366 pixels); a
#: click on one opens it at full size.
PICTURE_WIDTH = 640
#: The scheme of the links around the pictures: ``picture:<its src>``.
PICTURE_SCHEME = "picture"

_IMAGE = re.compile(r"<img\b[^>]*>")
_SOURCE = re.compile(r'\bsrc="([^"]*)"')


def readable_html(guide: Guide) -> str:
    """The guide's HTML with its pictures scaled to fit beside the contents, each a link
    that opens it full size."""

    def picture(match: re.Match[str]) -> str:
        tag = match.group(0)
        if not re.search(r"\bwidth=", tag):
            tag = tag.replace("<img", f'<img width="{PICTURE_WIDTH}"', 1)
        source = _SOURCE.search(tag)
        if source is None:
            return tag
        return f'<a href="{PICTURE_SCHEME}:{source.group(1)}">{tag}</a>'

    return _IMAGE.sub(picture, guide.html())


class HelpWindow(QWidget):
    """The guide, opened at a section (:meth:`show_anchor`)."""

    #: F1 here does nothing more: the guide is already open.
    owns_help_key = True

    def __init__(self, guide: Guide) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("help-window")
        self._guide = guide
        self._history: list[str] = []
        self._position = -1
        #: The section shown (its anchor).
        self.current_anchor = ""
        #: The document's text folded for find, and where each heading begins.
        self._folded: tuple[str, list[int]] | None = None
        self._headings: list[tuple[int, str]] | None = None
        #: The picture opened last at full size.
        self.picture_viewer: PictureViewer | None = None

        self.contents = QTreeWidget()
        self.contents.setObjectName("help-contents")
        self.contents.setHeaderHidden(True)
        self._items: dict[str, QTreeWidgetItem] = {}
        for chapter in guide.chapters:
            top = QTreeWidgetItem([chapter.title])
            top.setData(0, Qt.ItemDataRole.UserRole, chapter.anchor)
            self.contents.addTopLevelItem(top)
            self._items[chapter.anchor] = top
            for section in chapter.sections:
                if section.level == 2:
                    child = QTreeWidgetItem([section.title])
                    child.setData(0, Qt.ItemDataRole.UserRole, section.anchor)
                    top.addChild(child)
                    self._items[section.anchor] = child
        self.contents.itemActivated.connect(self._item_chosen)
        self.contents.itemClicked.connect(self._item_chosen)

        self.browser = QTextBrowser()
        self.browser.setObjectName("help-browser")
        self.browser.setOpenLinks(False)
        self.browser.setSearchPaths([str(guide.folder)])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(guide.folder) + "/"))
        self.browser.setHtml(readable_html(guide))
        self.browser.anchorClicked.connect(self._link_clicked)

        self.back_button = QPushButton()
        self.back_button.setObjectName("help-back")
        self.back_button.clicked.connect(self.back)
        self.forward_button = QPushButton()
        self.forward_button.setObjectName("help-forward")
        self.forward_button.clicked.connect(self.forward)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, self.back)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Forward), self, self.forward)
        self.find_label = QLabel()
        self.find_box = QLineEdit()
        self.find_box.setObjectName("help-find")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self.find_next)
        self.find_label.setBuddy(self.find_box)
        self.find_button = QPushButton()
        self.find_button.clicked.connect(self.find_next)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.find_box.setFocus)
        self.find_result = QLabel()
        self.find_result.setObjectName("help-find-result")
        # Closed from inside as a dialog is (a new user looked for a button, then Esc).
        self.close_button = QPushButton()
        self.close_button.setObjectName("help-close")
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(self.forward_button)
        bar.addStretch(1)
        bar.addWidget(self.find_label)
        bar.addWidget(self.find_box, 2)
        bar.addWidget(self.find_button)
        bar.addWidget(self.find_result)
        bar.addWidget(self.close_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.browser, 1)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.translateUI()
        fit_to_screen(self, 1100, 720)

    def translateUI(self) -> None:
        self.setWindowTitle(_("Thi Đua — user guide"))
        self.back_button.setText(_("◀ Back"))
        self.back_button.setToolTip(_("The section shown before (Alt+Left)"))
        self.forward_button.setText(_("Forward ▶"))
        self.forward_button.setToolTip(_("The next section again (Alt+Right)"))
        self.find_label.setText(_("&Find:"))
        self.find_box.setPlaceholderText(_("a word in the guide (Ctrl+F)"))
        self.find_button.setText(_("Find next"))
        self.close_button.setText(_("Close"))
        self.close_button.setToolTip(_("Close the guide (Esc)"))
        self._refresh_buttons()

    # --- going to a section -------------------------------------------------------------

    def show_anchor(self, anchor: str) -> None:
        """Scroll to the section ``anchor`` (the beginning when the guide has no such
        section) and remember it for Back."""
        if anchor not in self._guide.anchors:
            anchor = self._guide.chapters[0].anchor if self._guide.chapters else ""
        del self._history[self._position + 1 :]
        if not self._history or self._history[-1] != anchor:
            self._history.append(anchor)
        self._position = len(self._history) - 1
        self._scroll_to(anchor)

    @Slot()
    def back(self) -> None:
        if self._position > 0:
            self._position -= 1
            self._scroll_to(self._history[self._position])

    @Slot()
    def forward(self) -> None:
        if self._position < len(self._history) - 1:
            self._position += 1
            self._scroll_to(self._history[self._position])

    def _scroll_to(self, anchor: str) -> None:
        self.current_anchor = anchor
        self.browser.scrollToAnchor(anchor)
        item = self._items.get(anchor)
        if item is None:  # a deeper heading: its section in the contents
            item = self._items.get(self._section_of(anchor))
        if item is not None:
            self.contents.setCurrentItem(item)
        self._refresh_buttons()

    def _section_of(self, anchor: str) -> str:
        """The chapter or level-2 section a deeper heading belongs to."""
        found = ""
        for section in self._guide.sections:
            if section.level <= 2:
                found = section.anchor
            if section.anchor == anchor:
                return found
        return found

    def _refresh_buttons(self) -> None:
        self.back_button.setEnabled(self._position > 0)
        self.forward_button.setEnabled(self._position < len(self._history) - 1)

    @Slot(QTreeWidgetItem, int)
    def _item_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        anchor = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(anchor, str) and anchor != self.current_anchor:
            self.show_anchor(anchor)

    @Slot(QUrl)
    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() == PICTURE_SCHEME:
            self.show_picture(url.path())
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
        elif url.hasFragment():
            self.show_anchor(url.fragment())

    def show_picture(self, source: str) -> PictureViewer:
        """Open the picture ``source`` (as the guide's HTML names it) at full size."""
        path = (self._guide.folder / source).resolve()
        captions = re.findall(
            rf'<img\b[^>]*\balt="([^"]*)"[^>]*\bsrc="{re.escape(source)}"', self._guide.html()
        )
        viewer = PictureViewer(path, html.unescape(captions[0]) if captions else "", self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.open()
        self.picture_viewer = viewer
        return viewer

    # --- finding ----------------------------------------------------------------------

    @Slot()
    def find_next(self) -> bool:
        """Select the next place the find box's words appear, without regard to case
        or diacritics ("khoa ky" finds "khóa ký"; from the top again after the last),
        and the section holding it in the contents; say so when the guide has none."""
        words = fold(self.find_box.text())
        if not words:
            self.find_result.clear()
            return False
        if self._folded is None:
            self._folded = fold_with_positions(self.browser.document().toRawText())
        folded, where = self._folded
        cursor = self.browser.textCursor()
        found = folded.find(words, bisect_left(where, cursor.selectionEnd()))
        if found < 0:  # from the beginning again
            found = folded.find(words)
        if found < 0:
            self.find_result.setText(_("Not found"))
            return False
        start, end = written_span(self.browser.document().toRawText(), where, found, len(words))
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        heading = self._heading_before(start)
        item = self._items.get(self._section_of(heading)) if heading else None
        if item is not None:
            self.contents.setCurrentItem(item)
        self.find_result.clear()
        return True

    def _heading_before(self, position: int) -> str:
        """The anchor of the last heading at or before ``position`` in the document."""
        if self._headings is None:
            self._headings = []
            anchors = set(self._guide.anchors)
            block = self.browser.document().begin()
            while block.isValid():
                iterator = block.begin()
                while not iterator.atEnd():
                    fragment = iterator.fragment()
                    for name in fragment.charFormat().anchorNames():
                        if name in anchors:
                            self._headings.append((fragment.position(), name))
                    iterator += 1
                block = block.next()
        found = ""
        for at, name in self._headings:
            if at > position:
                break
            found = name
        return found
