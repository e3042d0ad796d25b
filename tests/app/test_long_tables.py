"""Long lists (the attention list, the week's changes, the schools below a goal) send their
first rows to the browser and every row as a CSV: at 900 schools the attention list alone is
thousands of rows, and the overview's run sent it twice (3 MB)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.config import PROJECT_ROOT
from monitor.ui import components

SHOWN = components.SHOWN_ROWS


def _long_table_page() -> None:
    """A page script (AppTest.from_function): one long table of the rows the test asks for."""
    import pandas as pd
    import streamlit as st

    from monitor.ui import components

    rows = st.session_state["rows"]
    table = pd.DataFrame({"School": [f"School {i}" for i in range(rows)],
                          "Points short": [float(i % 17) for i in range(rows)]})
    components.long_table(table, key="long", file_name="long", what="items", hide_index=True)


@pytest.mark.parametrize("rows", [0, 1, SHOWN - 1, SHOWN, SHOWN + 1, 2_500])
def test_a_long_table_shows_its_first_rows_and_offers_every_row(rows):
    at = AppTest.from_function(_long_table_page)
    at.session_state["rows"] = rows
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.dataframe[0].value
    assert len(shown) == min(rows, SHOWN)
    assert list(shown["School"]) == [f"School {i}" for i in range(min(rows, SHOWN))]
    captions = [c.value for c in at.caption]
    downloads = at.get("download_button")
    if rows > SHOWN:
        assert f"The first {SHOWN:,} of {rows:,} items, in order." in captions
        assert len(downloads) == 1 and f"All {rows:,} (CSV)" in downloads[0].proto.label
    else:
        assert not captions and not downloads


def test_no_table_on_the_overview_sends_more_than_its_first_rows(use_demo_db):
    """Every table of the overview but the schools grid (a row per school) and the state test
    (a row per school and the county and state) sends at most its first rows."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300).run()
    assert not at.exception, [e.value for e in at.exception]
    sizes = {tuple(frame.value.columns[:2]): len(frame.value) for frame in at.dataframe}
    attention = [n for columns, n in sizes.items() if columns == ("School / group", "Measure")]
    assert attention, sizes
    assert all(n <= SHOWN for n in attention)
    for columns, n in sizes.items():
        assert n <= max(SHOWN, 60), (columns, n)
