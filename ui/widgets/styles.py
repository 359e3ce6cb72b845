"""The style sheets the screens share: the yellow note banner and the red text of a mistake."""

from __future__ import annotations

#: A note the user should read before going on (practice mode, example rules, a warning).
NOTE_STYLE = "background: #fff3cd; border: 1px solid #e0c36c; padding: 6px; color: #5c4400"
#: What is wrong with what was just typed, beside the field.
ERROR_TEXT_STYLE = "color: #b00020"

__all__ = ["ERROR_TEXT_STYLE", "NOTE_STYLE"]
