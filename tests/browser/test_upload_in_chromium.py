"""An analyst loads an export on the Data page and reads the load report."""

from __future__ import annotations

import re

import duckdb
import pytest
from playwright.sync_api import Page, expect

from .conftest import READY_MS


@pytest.mark.browser
def test_upload_shows_the_load_report(page: Page, writable_server, tmp_path, artifacts):
    base, db = writable_server
    con = duckdb.connect(str(db), read_only=True)
    student = con.execute("SELECT student_id FROM roster WHERE grade = '6' LIMIT 1").fetchall()[0][0]
    before = con.execute("SELECT count(*) FROM assessment_results").fetchall()[0][0]
    con.close()
    export = tmp_path / "late_benchmark.csv"
    export.write_text(
        "Student ID,Assessment,Subject,Grade,Test Date,Percent Correct,Performance Level\n"
        f"{student},Makeup BM2,ELA,6,01/30/2027,81,Standard Met\n"
        f"{student},Makeup BM2,Math,6,01/30/2027,181,\n", encoding="utf-8")

    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="Load export files")).to_be_visible(timeout=READY_MS)
    heading = page.get_by_role("heading", name=re.compile(r"^Load history: "))
    files_before = int(re.search(r"([\d,]+) files", heading.inner_text())[1].replace(",", ""))
    page.locator("input[type='file']").set_input_files(str(export))
    expect(page.get_by_text("late_benchmark.csv").first).to_be_visible(timeout=READY_MS)
    page.get_by_role("button", name="Load files").click()
    expect(page.get_by_text("Loaded, with some rows rejected")).to_be_visible(timeout=READY_MS)
    report = page.get_by_test_id("stDataFrame").filter(has_text="late_benchmark.csv").first
    expect(report).to_be_visible()
    # The same page, without a reload, reads the new version: the history counts the file.
    expect(page.get_by_role("heading", name=re.compile(
        rf"^Load history: {files_before + 1:,} files"))).to_be_visible(timeout=READY_MS)
    page.screenshot(path=artifacts / "data-upload-report.png", full_page=True)

    con = duckdb.connect(str(db), read_only=True)
    after = con.execute("SELECT count(*) FROM assessment_results").fetchall()[0][0]
    history = con.execute("SELECT rows_loaded, rows_rejected FROM loads "
                          "WHERE file_name = 'late_benchmark.csv'").fetchall()
    con.close()
    assert after == before + 1
    assert history == [(1, 1)]


@pytest.mark.browser
def test_a_command_line_load_shows_up_in_the_running_dashboard(page: Page, writable_server,
                                                                tmp_path):
    import os
    import subprocess
    import sys

    from monitor.config import PROJECT_ROOT

    base, db = writable_server
    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="Load history")).to_be_visible(timeout=READY_MS)
    expect(page.get_by_text("walk_extra.csv")).to_have_count(0)
    export = tmp_path / "walk_extra.csv"
    export.write_text(
        "Timestamp,Email Address,School,Observation Date,Grade,Subject,Teacher,HQIM in use\n"
        "2027/02/10 9:00:00 AM,o@x.org,Riverside High,2/10/2027,9,Math,T,Yes\n", encoding="utf-8")
    # The server holds the database open for reading while the command line loads into it.
    loaded = subprocess.run([sys.executable, "-m", "monitor", "load", str(export)],
                            env=os.environ | {"MONITOR_DB": str(db)}, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    page.reload()
    expect(page.get_by_role("heading", name="Load history")).to_be_visible(timeout=READY_MS)
    history = page.get_by_test_id("stDataFrame").filter(has_text="walk_extra.csv")
    expect(history.first).to_be_visible(timeout=READY_MS)
