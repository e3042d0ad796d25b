"""Rendering pieces every page uses: a chart with its finding, n, as-of date, table and CSV."""

from __future__ import annotations

import datetime as dt
import functools
import re
import textwrap
from collections.abc import Callable
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from monitor import text
from monitor.access import AccessDenied
from monitor.exports import neutralise_formulas, to_csv_bytes
from monitor.views.trajectories import trajectory_table  # noqa: F401 - the pages' name for it
from monitor.writing.records import Refused


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "chart"


# A chart's tabs ("Chart", "Table") are the widget `<key>_view`: its value is the open tab.
VIEW_SUFFIX = "_view"


def render_chart(title: str, fig: go.Figure | None,
                 table: pd.DataFrame | Callable[[], pd.DataFrame], *,
                 as_of: dt.date | None, n_note: str, key: str, narrow: bool = False) -> None:
    """A chart titled with its finding, its n and as-of date, a table view and downloads.
    With no figure (nothing in it may be shown), the title, caption and table say why.
    `table` may be a function that makes it: called only when the table is shown or
    downloaded, not on every run of the page.

    CSV: the table, formulas neutralised, written when the button is clicked. PNG: drawn on
    the server only when the button is clicked, with the finding, n and as-of date on the
    image (the chart's own camera button also saves what is on screen).
    """
    caption = n_note if as_of is None else f"{n_note} · as of {as_of:%B %-d, %Y}"
    # A finding names schools and people's words: shown as text, never as Markdown. In a
    # column of a row (`narrow`), a smaller heading, so a finding is two or three lines.
    if narrow:
        st.markdown(f"#### {text.markdown(title)}")
    else:
        st.subheader(text.markdown(title), anchor=False)
    st.caption(text.markdown(caption))
    name = _slug(title)
    made = functools.cache(table if callable(table) else lambda: table)
    if fig is None:
        show_table(made(), hide_index=True, key=f"{key}_table")
        st.download_button("Download CSV", lambda: to_csv_bytes(made()),
                           file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv",
                           icon=":material/download:", on_click="ignore")
        return
    # Only the open tab is drawn (choosing the other reruns the page): a page of nine charts
    # converted and sent nine tables nobody had opened on every run, a third of a warm run.
    chart_tab, table_tab = st.tabs(["Chart", "Table"], key=f"{key}{VIEW_SUFFIX}",
                                   on_change="rerun")
    if chart_tab.open:
        # theme=None: our own template (monitor.present.charts) rather than Streamlit's restyling.
        chart_tab.plotly_chart(fig, key=f"{key}_chart", theme=None, config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        })
    if table_tab.open:
        with table_tab:
            show_table(made(), hide_index=True, key=f"{key}_table")
    buttons = st.container(horizontal=True)
    # Both files are made when clicked, not on every run of the page.
    buttons.download_button("Download CSV", lambda: to_csv_bytes(made()),
                            file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv",
                            icon=":material/download:", on_click="ignore")
    buttons.download_button("Download PNG", lambda: chart_png(fig, title, caption),
                            file_name=f"{name}.png", mime="image/png", key=f"{key}_png",
                            icon=":material/image:", on_click="ignore")


def chart_png(fig: go.Figure, title: str, caption: str) -> bytes:
    """The chart as a PNG for a slide or a board packet, titled with its finding and caption."""
    framed = go.Figure(fig)
    top = framed.layout.margin.t or 40
    lines = textwrap.wrap(title, 90)
    heading = "<br>".join(f"<b>{escape(line)}</b>" for line in lines)
    framed.add_annotation(
        text=f"{heading}<br><span style='font-size:14px'>{escape(caption)}</span>",
        xref="paper", x=0, xanchor="left", yref="paper", y=1, yanchor="bottom", yshift=40,
        align="left", showarrow=False, font=dict(size=20))
    extra = 30 * len(lines) + 60     # the finding and caption sit above the legend
    framed.update_layout(margin=dict(t=top + extra))
    height = (framed.layout.height or 450) + extra
    return framed.to_image(format="png", width=1400, height=height, scale=1)


def show_table(table: pd.DataFrame | Styler, **kwargs) -> None:
    """st.dataframe, with text a spreadsheet would run as a formula neutralised first (the
    table's own toolbar offers a CSV download that Streamlit does not neutralise), and, for a
    plain frame, numbers written the way people read them (`readable`). A missing cell is blank
    (Streamlit writes "None" there) unless the caller names its own `placeholder`."""
    if isinstance(table, Styler):
        table.data = neutralise_formulas(table.data)
    else:
        table = neutralise_formulas(table)
        kwargs["column_config"] = readable(table) | dict(kwargs.get("column_config") or {})
    st.dataframe(table, **{"placeholder": ""} | kwargs)


# A long list sends this many rows to the browser; the rest are one download away. (At 900
# schools the attention list has thousands of items: every row sent twice on the overview took
# a run's payload past 3 MB; no one reads past the first screenful, and the CSV has them all.)
SHOWN_ROWS = 100


def long_table(table: pd.DataFrame, *, key: str, file_name: str, what: str = "rows",
               shown: int = SHOWN_ROWS, **kwargs) -> None:
    """A table already in order, its first `shown` rows on the page and, when there are more, a
    line saying so with every row as a CSV (made when the button is clicked)."""
    show_table(table.head(shown), key=key, **kwargs)
    if len(table) > shown:
        line = st.container(horizontal=True, vertical_alignment="center", gap="small")
        line.caption(f"The first {shown:,} of {len(table):,} {what}, in order.")
        line.download_button(f"All {len(table):,} (CSV)", lambda: to_csv_bytes(table),
                             file_name=f"{file_name}.csv", mime="text/csv", key=f"{key}_all",
                             icon=":material/download:", on_click="ignore")


def readable(frame: pd.DataFrame) -> dict[str, object]:
    """A table's number formats (column_config, which the browser applies): counts with
    thousands separators (11,432) and other numbers to one decimal. The values underneath,
    which sort and download, are unchanged. (A pandas Styler did this at about 0.01 ms a cell
    on every rerun: a quarter of a second for a 900-school grid.)"""
    formats: dict[str, object] = {}
    for column in frame.columns:
        values = frame[column]
        if (not isinstance(column, str) or pd.api.types.is_bool_dtype(values)
                or not pd.api.types.is_numeric_dtype(values)):
            continue
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        whole = bool(np.all(np.isnan(numbers) | (numbers % 1 == 0)))
        formats[column] = st.column_config.NumberColumn(format="%,d" if whole else "%,.1f")
    return formats


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The week's changed results (monitor.views.changes) as a table shows them."""
    return changes[["school_name", "measure_label", "subject", "window_label", "then", "now",
                    "change", "status_then", "status_now", "what"]].rename(columns={
        "school_name": "School", "measure_label": "Measure", "subject": "Subject",
        "window_label": "Window", "then": "Then (%)", "now": "Now (%)",
        "change": "Change (pts)", "status_then": "Status then", "status_now": "Status now",
        "what": "What changed"})


def attention_table(attention: pd.DataFrame) -> pd.DataFrame:
    """The attention list (monitor.views.findings.needs_attention) as a table shows it."""
    return attention.drop(columns="whole").rename(columns={
        "who": "School / group", "measure": "Measure", "window": "Window", "value": "Value (%)",
        "target": "Goal (%)", "gap": "Points short", "n": "n",
        "short": "Short of goal (n)", "why": "Why"})


def no_data(message: str) -> None:
    st.info(text.markdown(message), icon=":material/info:")


def glossary(settings, *terms: str) -> None:
    """The words a page uses that a newcomer may not know, in one fold-out under its title."""
    band = settings.status.approaching_band
    words = {
        "status": f"**Met / approaching / not met**: at or above the goal for that window; "
                  f"within {band:.0f} points below it (approaching); more than {band:.0f} "
                  "points below (not met). A baseline window has no goal and no status.",
        "hidden": f"**n<{settings.privacy.min_n} / suppressed**: a group too small to show "
                  "safely, or hidden so that it cannot be worked out from other numbers.",
        "projection": "**Projected at this rate**: where the year ends if the change per "
                      "window between the first and latest closed windows goes on.",
        "hqim": "**HQIM**: high-quality instructional materials, the district's adopted "
                "curriculum, seen in use on the walk.",
        "ipg": "**Core Actions (CA1-CA3)**: the Instructional Practice Guide's three core "
               "actions. CA1 is the lesson's content (1A standards-aligned content, 1B "
               "grade-level texts or problems, 1C the students' language and culture); CA2 "
               "the teacher's practices that let every student learn it; CA3 the students "
               "doing the thinking. A rating of Mostly or Yes meets.",
        "favorable": "**% favorable**: the share of answers in the top two of five (top three "
                     "of seven) points of the scale.",
    }
    with st.expander("What the terms mean", icon=":material/help:"):
        st.markdown("\n\n".join(words[t] for t in terms))


def attempt(change, done: str) -> None:
    """Make a change through the store (a desk's call); say why where it refuses (its rules or
    the user's access), else say it is done and run the page again to show it."""
    try:
        change()
    except (Refused, AccessDenied) as refusal:
        st.error(text.markdown(refusal), icon=":material/block:")
        return
    st.toast(done, icon=":material/check:")
    st.rerun()
