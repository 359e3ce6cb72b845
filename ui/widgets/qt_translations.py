"""Qt's own strings (standard buttons, file dialog, text menus) in the UI language.

Qt translates the texts it makes itself — "OK", "&Yes", "Cancel" on
standard buttons, the file dialog, the right-click menu of text fields —
through the translators installed on the application. Qt ships no
Vietnamese catalogue (there is no ``qtbase_vi.qm`` among the
``QLibraryInfo.TranslationsPath`` files of Qt 6), so :class:`CatalogueTranslator`
answers the Qt strings our screens show from the project's own gettext
catalogue: one catalogue, checked complete by ``tests/unit/test_i18n.py``.
It looks the text up at each call, so a language switch applies to every
dialog opened afterwards. Qt's own ``qtbase_<lang>.qm`` is loaded as well
when Qt has one for the language (it covers the strings not listed here).

The print dialog Qt draws itself on Linux is listed too (its page, copies and
options; a msgid may differ from Qt's text where our catalogue already has that
English word in another sense: "to" of a page range). Its "Properties" sub-dialog
(hundreds of paper sizes by their international names) stays Qt's. On Windows the
print dialog is the system's own, in the language of Windows.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.core.errors import N_
from app.core.i18n import current_language, gettext

#: (Qt context, Qt source text) → our msgid (English, as Qt says it).
QT_STRINGS: dict[tuple[str, str], str] = {
    ("QPlatformTheme", "OK"): N_("OK"),
    ("QPlatformTheme", "Cancel"): N_("Cancel"),
    ("QPlatformTheme", "Close"): N_("Close"),
    ("QPlatformTheme", "Save"): N_("Save"),
    ("QPlatformTheme", "Save All"): N_("Save All"),
    ("QPlatformTheme", "Open"): N_("Open"),
    ("QPlatformTheme", "&Yes"): N_("&Yes"),
    ("QPlatformTheme", "Yes to &All"): N_("Yes to &All"),
    ("QPlatformTheme", "&No"): N_("&No"),
    ("QPlatformTheme", "N&o to All"): N_("N&o to All"),
    ("QPlatformTheme", "Abort"): N_("Abort"),
    ("QPlatformTheme", "Retry"): N_("Retry"),
    ("QPlatformTheme", "Ignore"): N_("Ignore"),
    ("QPlatformTheme", "Discard"): N_("Discard"),
    ("QPlatformTheme", "Help"): N_("Help"),
    ("QPlatformTheme", "Apply"): N_("Apply"),
    ("QPlatformTheme", "Reset"): N_("Reset"),
    ("QPlatformTheme", "Restore Defaults"): N_("Restore Defaults"),
    ("QMessageBox", "Show Details..."): N_("Show Details..."),
    ("QMessageBox", "Hide Details..."): N_("Hide Details..."),
    ("QProgressDialog", "Cancel"): N_("Cancel"),
    ("QInputDialog", "Enter a value:"): N_("Enter a value:"),
    ("QFileDialog", "&Look in:"): N_("&Look in:"),
    ("QFileDialog", "File &name:"): N_("File &name:"),
    ("QFileDialog", "Files of &type:"): N_("Files of &type:"),
    ("QFileDialog", "&Open"): N_("&Open"),
    ("QFileDialog", "&Save"): N_("&Save"),
    ("QFileDialog", "&Choose"): N_("&Choose"),
    ("QFileDialog", "Open"): N_("Open"),
    ("QFileDialog", "Back"): N_("Back"),
    ("QFileDialog", "Forward"): N_("Forward"),
    ("QFileDialog", "Parent Directory"): N_("Parent Directory"),
    ("QFileDialog", "Create New Folder"): N_("Create New Folder"),
    ("QFileDialog", "&New Folder"): N_("&New Folder"),
    ("QFileDialog", "List View"): N_("List View"),
    ("QFileDialog", "Detail View"): N_("Detail View"),
    ("QFileDialog", "&Rename"): N_("&Rename"),
    ("QFileDialog", "&Delete"): N_("&Delete"),
    ("QFileDialog", "Show &hidden files"): N_("Show &hidden files"),
    ("QFileDialog", "Show "): N_("Show "),  # "Show Size": a column of the header's menu
    ("QFileDialog", "All Files (*)"): N_("All Files (*)"),
    ("QFileDialog", "Files"): N_("Files"),
    ("QFileDialog", "Directory:"): N_("Directory:"),
    ("QFileDialog", "Directories"): N_("Directories"),
    ("QFileDialog", "Recent Places"): N_("Recent Places"),
    ("QFileDialog", "Go back"): N_("Go back"),
    ("QFileDialog", "Go forward"): N_("Go forward"),
    ("QFileDialog", "Go to the parent directory"): N_("Go to the parent directory"),
    ("QFileDialog", "Create a New Folder"): N_("Create a New Folder"),
    ("QFileDialog", "Change to list view mode"): N_("Change to list view mode"),
    ("QFileDialog", "Change to detail view mode"): N_("Change to detail view mode"),
    (
        "QFileDialog",
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.",
    ): N_("%1\nDirectory not found.\nPlease verify the correct directory name was given."),
    (
        "QFileDialog",
        "%1\nFile not found.\nPlease verify the correct file name was given.",
    ): N_("%1\nFile not found.\nPlease verify the correct file name was given."),
    ("QFileDialog", "%1 already exists.\nDo you want to replace it?"): N_(
        "%1 already exists.\nDo you want to replace it?"
    ),
    ("QFileSystemModel", "Name"): N_("Name"),
    ("QFileSystemModel", "Size"): N_("Size"),
    ("QFileSystemModel", "Type"): N_("Type"),
    ("QFileSystemModel", "Date Modified"): N_("Date Modified"),
    ("QFileSystemModel", "Computer"): N_("Computer"),
    ("QAbstractFileIconProvider", "Folder"): N_("Folder"),
    ("QAbstractFileIconProvider", "Drive"): N_("Drive"),
    # The print dialog Qt draws itself (Linux; Windows shows its own, in its language).
    ("QPrintDialog", "Print"): N_("Print"),
    ("QPrintDialog", "&Print"): N_("&Print"),
    ("QPrintDialog", "&Options >>"): N_("&Options >>"),
    ("QPrintDialog", "&Options <<"): N_("&Options <<"),
    ("QPrintDialog", "All Pages"): N_("All Pages"),
    ("QPrintDialog", "Odd Pages"): N_("Odd Pages"),
    ("QPrintDialog", "Even Pages"): N_("Even Pages"),
    ("QPrintDialog", "Local file"): N_("Local file"),
    ("QPrintDialog", "Write PDF file"): N_("Write PDF file"),
    ("QPrintDialog", "Print to File (PDF)"): N_("Print to File (PDF)"),
    ("QPrintWidget", "Printer"): N_("Printer"),
    ("QPrintWidget", "&Name:"): N_("&Name:"),
    ("QPrintWidget", "P&roperties"): N_("P&roperties"),
    ("QPrintWidget", "Location:"): N_("Location:"),
    ("QPrintWidget", "Preview"): N_("Preview"),
    ("QPrintWidget", "Type:"): N_("Type:"),
    ("QPrintWidget", "Output &file:"): N_("Output &file:"),
    ("QPrintSettingsOutput", "Copies"): N_("Copies"),
    ("QPrintSettingsOutput", "Copies:"): N_("Copies:"),
    ("QPrintSettingsOutput", "Collate"): N_("Collate"),
    ("QPrintSettingsOutput", "Reverse"): N_("Reverse"),
    ("QPrintSettingsOutput", "Options"): N_("Options"),
    ("QPrintSettingsOutput", "Color Mode"): N_("Color Mode"),
    ("QPrintSettingsOutput", "Color"): N_("Color"),
    ("QPrintSettingsOutput", "Grayscale"): N_("Grayscale"),
    ("QPrintSettingsOutput", "Double Sided Printing"): N_("Double Sided Printing"),
    ("QPrintSettingsOutput", "Off"): N_("Off (one side)"),
    ("QPrintSettingsOutput", "Long side binding"): N_("Long side binding"),
    ("QPrintSettingsOutput", "Short side binding"): N_("Short side binding"),
    ("QPrintSettingsOutput", "Output Settings"): N_("Output Settings"),
    ("QPrintSettingsOutput", "Page &Set:"): N_("Page &Set:"),
    ("QPrintSettingsOutput", "Pages"): N_("Pages"),
    ("QPrintSettingsOutput", "Pages from"): N_("Pages from"),
    ("QPrintSettingsOutput", "to"): N_("to (the last page)"),
    ("QPrintSettingsOutput", "Print all"): N_("Print all"),
    ("QPrintSettingsOutput", "Print range"): N_("Print range"),
    ("QPrintSettingsOutput", "Selection"): N_("Selection"),
    ("QPrintSettingsOutput", "Current Page"): N_("Current Page"),
    (
        "QPrintSettingsOutput",
        "Specify pages or ranges separated by commas. Ranges are specified by two "
        "numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.",
    ): N_(
        "Specify pages or ranges separated by commas. Ranges are specified by two "
        "numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9."
    ),
    ("QLineEdit", "&Undo"): N_("&Undo"),
    ("QLineEdit", "&Redo"): N_("&Redo"),
    ("QLineEdit", "Cu&t"): N_("Cu&t"),
    ("QLineEdit", "&Copy"): N_("&Copy"),
    ("QLineEdit", "&Paste"): N_("&Paste"),
    ("QLineEdit", "Delete"): N_("Delete"),
    ("QLineEdit", "Select All"): N_("Select All"),
    ("QWidgetTextControl", "&Undo"): N_("&Undo"),
    ("QWidgetTextControl", "&Redo"): N_("&Redo"),
    ("QWidgetTextControl", "Cu&t"): N_("Cu&t"),
    ("QWidgetTextControl", "&Copy"): N_("&Copy"),
    ("QWidgetTextControl", "&Paste"): N_("&Paste"),
    ("QWidgetTextControl", "Delete"): N_("Delete"),
    ("QWidgetTextControl", "Select All"): N_("Select All"),
}


class CatalogueTranslator(QTranslator):
    """Answers Qt's strings in :data:`QT_STRINGS` from our gettext catalogue.

    No answer (None, a null string) lets Qt fall back to the next translator
    or its source text; English answers nothing, so Qt's own words stay.
    """

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        msgid = QT_STRINGS.get((context, source))
        if msgid is None or current_language() == "en":
            return None  # a null string: "not translated here" ("" would blank the text)
        return gettext(msgid)

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []


def install_qt_translations(app: QCoreApplication, language: str | None = None) -> list[str]:
    """Install Qt's catalogue for ``language`` (if Qt has one) and ours; idempotent.

    Returns what was installed, for the start-up trace and tests: the path
    of Qt's ``qtbase_<lang>.qm`` when found, and ``"catalogue"``.
    """
    remove_qt_translations(app)
    language = language or current_language()
    # Month and day names (a calendar), number formats: the language's own locale.
    QLocale.setDefault(
        QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
        if language == "vi"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )
    loaded: list[str] = []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_own = QTranslator(app)
    if language != "en" and qt_own.load(f"qtbase_{language}", folder):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
        loaded.append(qt_own.filePath())
    ours = CatalogueTranslator(app)
    app.installTranslator(ours)
    _installed.append(ours)
    loaded.append("catalogue")
    return loaded


def remove_qt_translations(app: QCoreApplication) -> None:
    """Take out what :func:`install_qt_translations` installed."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()


__all__ = [
    "QT_STRINGS",
    "CatalogueTranslator",
    "install_qt_translations",
    "remove_qt_translations",
]
