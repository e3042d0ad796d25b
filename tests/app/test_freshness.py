"""Freshness: each source's last result and last load on the overview and the Data page, and a
warning where a source with a cadence has had no results for longer than it while one of its
windows is open (the overview in AppTest; the rule over generated dates)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.config import load_settings
from monitor.db import Database
from monitor.views import freshness

from .test_pages import run_page


def test_the_overview_warns_of_a_source_overdue_in_an_open_window(use_demo_db, monkeypatch):
    # More than three weeks after the last walk, with Q3 open until Mar 15.
    [(last,)] = Database(use_demo_db).connection().execute(
        "SELECT max(observed_on) FROM walkthroughs").fetchall()
    monkeypatch.setenv("MONITOR_AS_OF", "2027-03-10")
    at = run_page("overview")
    warnings = [w.value for w in at.warning]
    days = (dt.date(2027, 3, 10) - last).days
    assert days > 21
    assert f"Data not fresh: Walkthroughs: last results {last:%b %-d}, {days} days ago; the Q3 " \
           "window closes Mar 15." in warnings, warnings
    table = next(d.value for d in at.dataframe if "Last load" in d.value.columns)
    assert set(table["Source"]) >= {"i-Ready", "District benchmarks", "Walkthroughs"}
    walks = table.set_index("Source").loc["Walkthroughs"]
    assert walks["Last result"] == f"{last:%b %-d, %Y}" and walks["Expected every"] == "21 days"
    # On the as-of date the tests pin, nothing is overdue: no warning.
    monkeypatch.setenv("MONITOR_AS_OF", "2027-02-15")
    assert not [w for w in run_page("overview").warning if "Data not fresh" in w.value]


def test_the_data_page_shows_every_sources_freshness(use_demo_db):
    at = run_page("data")
    assert "Freshness" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "Window open now" in d.value.columns)
    assert len(table) == 8


SETTINGS = load_settings()
DAY = st.dates(dt.date(2026, 8, 1), dt.date(2027, 6, 30))


@given(as_of=DAY, last=st.one_of(st.none(), DAY), every=st.integers(1, 40))
@hypothesis_settings(max_examples=200, deadline=None)
def test_a_source_is_overdue_only_past_its_cadence_in_an_open_window(as_of, last, every):
    settings = SETTINGS.model_copy(update={"sources": {"walkthrough": type(
        SETTINGS.sources["walkthrough"])(expect_every_days=every)}})
    found = pd.DataFrame({"source": ["walkthrough"], "last_result": [last],
                          "last_load": [last]})
    result = freshness.freshness(found, settings, as_of)
    row = result.table.set_index("Source").loc["Walkthroughs"]
    open_window = any(w.dates("2026-27")[0] <= as_of <= w.dates("2026-27")[1]
                      for w in settings.calendar_for("walkthrough").windows)
    overdue = open_window and (last is None or (as_of - last).days > every)
    said = [w for w in result.warnings if w.startswith("Walkthroughs:")]
    assert bool(said) == overdue
    if overdue and last is not None:
        assert said[0].startswith(f"Walkthroughs: last results {last:%b %-d}, "
                                  f"{(as_of - last).days} days ago; the ")
    assert row["Status"] == ("between windows" if not open_window else
                             "on time" if not overdue else row["Status"])


@pytest.mark.parametrize("bad", ['[sources.walkthroughs]\nexpect_every_days = 7',
                                 '[sources.iready]\nexpect_every_days = 0'])
def test_a_cadence_for_no_source_or_of_no_days_is_refused(bad, tmp_path):
    from monitor.config import PROJECT_ROOT, ConfigError
    text = (PROJECT_ROOT / "config.toml").read_text().replace(
        "[sources.iready]\nexpect_every_days = 14\n", "") + "\n" + bad + "\n"
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="sources"):
        load_settings(path)
