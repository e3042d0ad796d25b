"""Tabs a reader opens. A page draws only the open tab of each set (each chart's "Chart" and
"Table", the School page's adults): a test reading what a tab holds opens it first, as a
person would, and the page runs again."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from monitor.ui.components import VIEW_SUFFIX


def open_tables(at: AppTest) -> AppTest:
    """Every chart's "Table" tab opened (and the page run again): every table the page holds is
    then in `at.dataframe`. The charts themselves are not drawn on that run."""
    return choose_tabs(at, "Table")


def open_charts(at: AppTest) -> AppTest:
    """Every chart's "Chart" tab opened again (the default)."""
    return choose_tabs(at, "Chart")


def choose_tabs(at: AppTest, label: str) -> AppTest:
    """Every chart's tabs opened at `label`, and the page run again."""
    keys = [key for key in at.session_state.keys()
            if isinstance(key, str) and key.endswith(VIEW_SUFFIX)]
    return _run_with(at, dict.fromkeys(keys, label))


def choose_tab(at: AppTest, key: str, label: str) -> AppTest:
    """One set of tabs (`key`) opened at `label`, and the page run again."""
    assert label in [tab.label for tab in at.tabs], (key, label)
    return _run_with(at, {key: label})


def _run_with(at: AppTest, opened: dict[str, str]) -> AppTest:
    for key, label in opened.items():
        at.session_state[key] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
