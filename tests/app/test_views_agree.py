"""Every view of the same cell shows the same value, status and suppression: the command line,
the overview's schools, the Student groups page and the School page all read one lattice."""

from __future__ import annotations

import pandas as pd

from monitor.config import load_settings
from monitor.db import Database
from monitor.measures import selection
from monitor.views import measures_table, reads

from .tabs import open_tables
from .test_pages import run_page

YEAR = "2026-27"


def command_line_table(db_path, measure="benchmark", subject="ELA") -> pd.DataFrame:
    settings = load_settings()
    filters = selection.Filters(school_year=YEAR, subject=subject)
    cells = reads.measure_cells(Database(db_path), settings, measure, filters)
    return measures_table.measure_table(cells, settings, measure, subject, None)


def frames(at) -> list[pd.DataFrame]:
    """Every table on the page, each chart's among them (its tab opened)."""
    return [d.value.data if hasattr(d.value, "data") else d.value
            for d in open_tables(at).dataframe]


def test_overview_schools_match_the_command_line(use_demo_db):
    table = command_line_table(use_demo_db)
    at = run_page("overview")
    schools = next(f for f in frames(at) if {"School", "Value (%)", "Status"} <= set(f.columns)
                   and "Points short" not in f.columns)     # not the first screen's list
    names = Database(use_demo_db).query("schools").set_index("school_name")["school_code"]
    latest = table[(table["year"] == YEAR) & (table["group"] == "all") & table["present"]]
    window = latest["window"].max()
    cli = latest[latest["window"] == window].set_index("school")
    assert len(schools) >= 3
    for row in schools.itertuples():
        code = names[row.School]
        expected = cli.loc[code]
        if pd.isna(expected["value"]):
            assert pd.isna(row[3]), row        # hidden in both
        else:
            assert row[3] == expected["value"], (code, row)
            assert row.Status == expected["status"], (code, row)


def test_groups_page_matches_the_command_line(use_demo_db):
    table = command_line_table(use_demo_db)
    at = run_page("groups")
    shown = frames(at)[0]
    labels = load_settings().group_labels
    from monitor.ui.measures import group_names
    by_label = {label: name for name, label in group_names(load_settings()).items()}
    district = table[(table["year"] == YEAR) & (table["school"] == "district") & table["present"]]
    window = district["window"].max()
    cli = district[district["window"] == window].set_index("group")
    compared = 0
    for row in shown.itertuples():
        name = by_label.get(row.Group, "all" if row.Group == labels["all"] else None)
        if name is None or name not in cli.index:
            continue
        expected = cli.loc[name]
        value = row[2]
        assert (pd.isna(value) and pd.isna(expected["value"])) or value == expected["value"], (
            row.Group, value, expected["value"])
        compared += 1
    assert compared >= 5


def test_a_hidden_cell_is_hidden_in_every_view(use_demo_db):
    """The smallest school's cells: hidden on the command line, and neither its value nor
    its n is on its School page."""
    table = command_line_table(use_demo_db)
    hidden = table[table["suppressed"] & (table["school"] != "district") & (table["group"] == "all")
                   & (table["year"] == YEAR)]
    assert len(hidden)
    code = hidden["school"].iloc[0]
    at = run_page("school", {"school": code})
    text = " ".join(str(e.value) for kind in ("subheader", "caption", "markdown")
                    for e in at.get(kind))
    assert "n=1 " not in text and "n = 1 " not in text
