"""PySide6's scan of every module imported after it, turned off (start-up).

Once PySide6 is loaded, shiboken hooks ``__import__``: for each module imported
afterwards, ``shibokensupport.feature.feature_imported`` reads the module's whole
source (``inspect.getsource``) to learn whether it mentions PySide6, so that such a
module may switch PySide's optional ``__feature__`` set (``snake_case``,
``true_property``) when it calls Qt. Thi Đua never selects a feature, so every
answer leaves Qt exactly as it was; but reading the sources of the ~450 modules that
the screens, SQLAlchemy and the models bring in cost the start a fifth of its CPU up to
the plan shown (965 → 765 ms; a frozen build has no sources and never paid it).

Importing this module (``ui.main`` does it before any screen's module) makes the scan
answer "ignore this module" (-1, what it answers for any module without a source)
without reading anything. A PySide6 without that scan is left as it is.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6  # noqa: F401  (loads shibokensupport, where the scan lives)

#: Where PySide6 6.x keeps the scan (``PySide6.support.feature``, loaded with PySide6).
FEATURE_MODULE = "shibokensupport.feature"
SCAN = "_mod_uses_pyside"


def _not_scanned(_module: ModuleType) -> bool:
    """The scan's answer for every module: not one to switch features for."""
    return False


def skip_feature_scan() -> bool:
    """Replace PySide6's source scan by :func:`_not_scanned`; False if there is none."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, SCAN, None)):
        return False
    setattr(feature, SCAN, _not_scanned)
    return True


def feature_scan_skipped() -> bool:
    """Whether the scan is off in this process (for the start-up test)."""
    feature = sys.modules.get(FEATURE_MODULE)
    return feature is not None and getattr(feature, SCAN, None) is _not_scanned


skip_feature_scan()
