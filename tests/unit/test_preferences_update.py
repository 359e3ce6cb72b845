"""update_preferences changes only what it is given: a value another window saved since
this one read the file survives (the dashboard's tab was reverted by a language change
that wrote back a stale copy of every preference)."""

from __future__ import annotations

import json

import pytest

from app.core.preferences import (
    DASHBOARD_TABS,
    TEXT_SCALES,
    Preferences,
    load_preferences,
    next_text_scale,
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


@pytest.mark.parametrize("start", [*TEXT_SCALES, 0.8, 1.21, 1.2100000000000002, 2.5])
def test_the_text_size_steps_through_the_listed_sizes(start: float) -> None:
    larger, smaller = next_text_scale(start, 1), next_text_scale(start, -1)
    assert larger in TEXT_SCALES and smaller in TEXT_SCALES
    assert larger > start or larger == TEXT_SCALES[-1]
    assert smaller < start or smaller == TEXT_SCALES[0]
    assert next_text_scale(start, 0) == 1.0


def test_two_steps_up_from_normal_are_125_percent() -> None:
    assert next_text_scale(next_text_scale(1.0, 1), 1) == 1.25
    assert next_text_scale(1.25, -1) == 1.1
