"""Loading exports from the browser: the same loader and the same report as the command line."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from monitor import text
from monitor.exports import to_csv_bytes
from monitor.ingest.load import SOURCES, load_files
from monitor.ui import components, data, filters, warm

MAX_MB = 200


def _safe_name(name: str) -> str:
    """A file name without folders or odd characters (it is shown and stored in load history)."""
    base = Path(name).name
    return re.sub(r"[^\w.\- ]", "_", base)[:120] or "upload.csv"


RESULT_KEY = "_upload_result"


def render_upload() -> None:
    st.subheader("Load export files", anchor=False)
    # The report of a load made on the run before: this run reads the new version throughout
    # (tiles, health, history), so no part of the page shows the data as it was.
    shown = st.session_state.pop(RESULT_KEY, None)
    if shown is not None:
        _render_report(*shown)
    files = st.file_uploader(
        "Roster, ESGI, i-Ready, benchmark, performance task, state test, walkthrough or survey "
        f"exports (CSV or .xlsx, up to {MAX_MB} MB each)", type=["csv", "txt", "xlsx"],
        accept_multiple_files=True, key="upload_files")
    kinds = {"": "Detect from the headers"} | {k: k.replace("_", " ") for k in SOURCES}
    source = st.selectbox("Kind of export", list(kinds), format_func=kinds.__getitem__,
                          key="upload_source")
    if not st.button("Load files", disabled=not files, key="upload_go", type="primary"):
        return
    too_big = [f.name for f in files if f.size > MAX_MB * 1024 * 1024]
    if too_big:
        st.error(text.markdown(f"Over {MAX_MB} MB, not loaded: {', '.join(too_big)}"))
        return
    bar = st.progress(0.0, text="Reading files ...")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload in files:
            path = Path(folder) / _safe_name(upload.name)
            path.write_bytes(upload.getvalue())
            paths.append(path)

        result = load_files(paths, data.settings(), source=source or None,
                            db_path=data.database_path(filters.scope()),
                            progress=lambda fraction, text: bar.progress(fraction, text=text))
    bar.progress(1.0, text="Done")
    warm.poke()         # the new version's measures are computed in the background from now
    rejects = (pd.read_csv(result.rejects_path, dtype=str) if result.rejects_path else None)
    report = pd.DataFrame([{
        "File": r.file, "Kind": r.source, "Rows read": r.rows_read, "Loaded": r.loaded,
        "Rejected": r.rejected, "Duplicates skipped": r.duplicates,
        "Replaced (earlier version)": r.replaced, "Not on roster": r.not_on_roster,
        "Problem": r.error or "",
    } for r in result.reports])
    st.session_state[RESULT_KEY] = (report, rejects, result.exit_code)
    st.rerun()


def _render_report(report: pd.DataFrame, rejects: pd.DataFrame | None, exit_code: int) -> None:
    failed = report["Problem"] != ""
    if failed.any():
        st.error("Some files could not be read at all; nothing from them was loaded.")
    elif exit_code:
        st.warning("Loaded, with some rows rejected: see the reasons below.")
    else:
        st.success("Every row loaded.")
    components.show_table(report, hide_index=True, key="upload_report")
    if rejects is not None:
        components.show_table(rejects.head(500), hide_index=True, key="upload_rejects")
        st.download_button("Download rejected rows (CSV)", to_csv_bytes(rejects),
                           file_name="rejected_rows.csv", mime="text/csv", key="upload_rejects_csv")
