"""Rendering pieces every page uses: a chart with its finding, n, as-of date, table and CSV."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from monitor.charts import STATUS_LABELS
from monitor.exports import to_csv_bytes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "chart"


def render_chart(title: str, fig: go.Figure, table: pd.DataFrame, *, as_of: dt.date,
                 n_note: str, key: str) -> None:
    """A chart titled with its finding, its n and as-of date, a table view and downloads.

    PNG: the chart's own camera button (client side); CSV: the table, formulas neutralised.
    """
    st.subheader(title, anchor=False)
    st.caption(f"{n_note} · as of {as_of:%B %-d, %Y}")
    name = _slug(title)
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        # theme=None: our own template (monitor.charts) rather than Streamlit's restyling.
        st.plotly_chart(fig, key=f"{key}_chart", theme=None, config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        })
    with table_tab:
        st.dataframe(table, hide_index=True, key=f"{key}_table")
    st.download_button("Download CSV", to_csv_bytes(table), file_name=f"{name}.csv",
                       mime="text/csv", key=f"{key}_csv", icon=":material/download:")


def trajectory_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table behind a trajectory chart, suppressed values shown as n<10 or suppressed."""
    shown = pd.DataFrame({
        "Window": frame["window"],
        "Value": [d if pd.isna(v) else f"{v:.1f}%"
                  for v, d in zip(frame["value"], frame["display"], strict=True)],
        "n": frame["n"],
        "95% interval": [f"{lo:.0f}-{hi:.0f}%" if pd.notna(lo) else "" for lo, hi in
                         zip(frame["ci_low"], frame["ci_high"], strict=True)],
        "Goal": [None if pd.isna(t) else f"{t:.0f}%" for t in frame["target"]],
        "Status": [STATUS_LABELS.get(s) if isinstance(s, str) else "" for s in frame["status"]],
        "Change from prior window": frame["change_prior_window"],
        "Last year": [None if pd.isna(v) else f"{v:.1f}%" for v in frame["last_year"]],
        "Change from last year": frame["change_last_year"],
    })
    return shown


def no_data(message: str) -> None:
    st.info(message, icon=":material/info:")
