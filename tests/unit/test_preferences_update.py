"""update_preferences changes only what it is given: a value another window saved since
this one read the file survives (the dashboard's tab was reverted by a language change
that wrote back a stale copy of every preference)."""

from __future__ import annotations

import json

import pytest

from app.core.preferences import (
    DASHBOARD_TABS,
    Preferences,
    load_preferences,
    preferences_path,
    save_preferences,
    update_preferences,
)


def test_an_update_keeps_what_others_saved_since() -> None:
    stale = load_preferences()  # as a window holds it from its start
    update_preferences(dashboard_tab="not-sent")  # another window, later
    merged = update_preferences(language="en")  # the first window's change
    assert merged.dashboard_tab == "not-sent" and merged.language == "en"
    assert load_preferences() == merged != stale


@pytest.mark.parametrize("tab", [*DASHBOARD_TABS, "", "chart", 3, None, ["targets"]])
def test_the_dashboard_tab_is_read_only_when_known(tab: object) -> None:
    save_preferences(Preferences())
    data = json.loads(preferences_path().read_text(encoding="utf-8"))
    data["dashboard_tab"] = tab
    preferences_path().write_text(json.dumps(data), encoding="utf-8")
    expected = tab if tab in DASHBOARD_TABS else ""
    assert load_preferences().dashboard_tab == expected
