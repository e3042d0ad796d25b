"""The overview's schools x measures grid, drawn: each school at each measure's latest window,
its status by colour and mark (or, past COLOURED_ROWS schools, in a column of its own), every
school a link to its page with the user's filters kept."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from monitor.ui import components, filters

# Above this many schools the grid shows status in columns, not colour: colouring every cell
# costs about 0.1 ms a cell on each rerun.
COLOURED_ROWS = 200
MARKS = {"met": "✓", "approaching": "≈", "not met": "✗"}
FILLS = {"met": "background-color: #cce3f2", "approaching": "background-color: #fbe6b8",
         "not met": "background-color: #f6d0b8"}


def render(grid: pd.DataFrame, labels: list[str], subject: str | None, as_of: dt.date) -> None:
    # A school's link keeps the user's filters (the URL holds them), with the school added.
    kept = {k: v for k, v in st.query_params.to_dict().items() if k in filters.KEYS}
    shown = grid.assign(Page=[f"/school?{urlencode(kept | {'school': code})}"
                              for code in grid["school_code"]])
    # Narrow link and level columns, so that every measure fits beside them at 1366 px.
    columns = {"Page": st.column_config.LinkColumn("Open", display_text="open", width=48,
                                                   help="Open the school's page"),
               "school_name": "School",
               "level": st.column_config.TextColumn("Level", width=80)}
    # The subject is said once, above the grid, not in every column's header.
    short = {label: label.removesuffix(f" {subject}") if subject else label for label in labels}
    of_subject = f"{subject} " if subject else ""
    coloured = len(grid) <= COLOURED_ROWS
    st.caption(f"Each school at each {of_subject}measure's latest window with results; status "
               + ("by colour and mark" if coloured else "beside each value")
               + ": ✓ met, ≈ approaching, ✗ not met; blank: no results there. Sort by any "
               f"column; open a school from the link in its row. As of {as_of:%B %-d, %Y}.")
    if coloured:
        styled = shown[["Page", "school_name", "level", *labels]].style.format(
            na_rep="", subset=labels)
        for label in labels:
            status = grid[f"{label} status"]
            styled = styled.apply(lambda _, s=status: [FILLS.get(v, "") for v in s],
                                  subset=[label])
            # The value stays a number underneath, so sorting a column sorts by value.
            for name, mark in MARKS.items():
                rows = grid.index[status == name]
                if len(rows):
                    styled = styled.format(f"{{:.0f}}% {mark}",
                                           subset=pd.IndexSlice[rows, [label]])
            plain = grid.index[status.isna() & grid[label].notna()]
            if len(plain):
                styled = styled.format("{:.0f}%", subset=pd.IndexSlice[plain, [label]])
        columns |= {label: st.column_config.Column(short[label], help=label) for label in labels}
        components.show_table(styled, hide_index=True, key="overview_grid",
                              column_config=columns)
        return
    order = ["Page", "school_name", "level"]
    for label in labels:
        shown[f"{label} status"] = grid[f"{label} status"].map(
            lambda v: f"{MARKS[v]} {v}" if v in MARKS else None)
        order += [label, f"{label} status"]
        columns[label] = st.column_config.NumberColumn(short[label], format="%.0f%%", help=label)
    components.show_table(shown[order], hide_index=True, key="overview_grid",
                          column_config=columns)
