"""Coaching logs: Google Forms and Microsoft Forms exports, CSV and .xlsx, loaded into the
coaching log; bad rows rejected with file, row, column and reason; the goals-met and leader
rubric measures worked out by hand, and small counts of people hidden."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from monitor.config import Privacy
from monitor.db import Database
from monitor.ingest.load import EXIT_OK, EXIT_REJECTED, load_files
from monitor.measures import selection
from monitor.views import reads, trajectories

YEAR = "2026-27"
A, B = "Alpha Elementary", "Beta Elementary"
DOMAINS = ["Builds trusting relationships", "Surfaces current reality",
           "Recognizes inequities and root causes", "Creates new practices and ways of being"]

# (date, school, coachee, role, goal, met, [rubric levels by domain or None]).
# Cycle 2 is November 1 - January 31; cycle 3 February 1 - April 15.
ENTRIES = [
    ("11/03/2026", A, "Teacher One", "Teacher", "Math discourse", "In progress", None),
    ("12/01/2026", A, "Teacher One", "Teacher", "Math discourse", "Yes", None),       # met
    ("11/04/2026", A, "Teacher Two", "Classroom teacher", "Checks for understanding",
     "Partly", None),                                                                 # partly
    ("11/05/2026", A, "teacher three", "Teacher", "Text-dependent questions", "No", None),
    ("11/20/2026", A, "Teacher Three ", "Teacher", "Small groups", "Met", None),       # 2nd goal
    ("11/06/2026", A, "Pat Lee", "Principal", "Feedback within 48 hours", "Yes",
     ["Developing", "3", "Proficient", "1"]),
    ("01/15/2027", A, "Pat Lee", "Principal", "Feedback within 48 hours", "Yes",
     ["Refining", "2", "", "Emerging"]),                                      # latest ratings
    ("11/07/2026", B, "Teacher One", "Teacher", "Math discourse", "No", None),   # Beta's own
    ("02/10/2027", B, "Teacher Four", "Teacher", "Writing", "Yes", None),        # cycle 3
    ("11/08/2026", B, "Sam Ray", "Assistant Principal", "PLC on student work", "",
     ["Proficient", "Proficient", "Developing", "Refining"]),           # goal not yet assessed
]
# Worked by hand. Cycle 2 goals at Alpha: Teacher One (met), Teacher Two (partly: not met),
# Teacher Three (two goals: no, met), Pat Lee (met) -> 4 people, 5 goals, 3 met; teachers
# 3 people, 4 goals, 2 met; leaders 1, 1, 1. Beta: Teacher One (no) -> 1, 1, 0 (Sam Ray's goal
# not yet assessed counts nowhere).
GOALS_A = {"*": (4, 5, 3), "teacher": (3, 4, 2), "leader": (1, 1, 1)}
# Leaders' rubric, cycle 2, at or above Proficient (3), each domain's latest rating: Pat Lee
# (Alpha) Refining, 2, Proficient (the latest left it blank), Emerging -> 2 of 4; Sam Ray (Beta)
# 3, 3, 2, 4 -> 3 of 4.
RUBRIC_A = {"*": (1, 4, 2), DOMAINS[0]: (1, 1, 1), DOMAINS[1]: (1, 1, 0),
            DOMAINS[2]: (1, 1, 1), DOMAINS[3]: (1, 1, 0)}
RUBRIC_DISTRICT = (2, 8, 5)


def google_forms(path: Path, rows=ENTRIES) -> Path:
    """A Google Form's responses: Timestamp, Email Address, then the questions."""
    frame = pd.DataFrame([{
        "Timestamp": f"{date} 3:{i:02d}:00 PM", "Email Address": f"coach{i % 2}@district.org",
        "Coaching Date": date, "School": school, "Coachee": who, "Role": role,
        "Coaching goal": goal, "Goal met?": met,
        **{f"{d} (rubric level)": (levels or [""] * 4)[k] for k, d in enumerate(DOMAINS)},
    } for i, (date, school, who, role, goal, met, levels) in enumerate(rows)])
    return _write(frame, path)


def microsoft_forms(path: Path, rows=ENTRIES) -> Path:
    """A Microsoft Form's responses: ID, Start time, Completion time, Email, Name, questions
    in the form's own words (no separate date question: the start time dates the entry)."""
    frame = pd.DataFrame([{
        "ID": i + 1, "Start time": f"{_short(date)} 15:{i:02d}:00",
        "Completion time": f"{_short(date)} 15:{i + 5:02d}:00",
        "Email": "lead.coach@district.org", "Name": "Lead Coach", "School": school,
        "Person coached": who, "Role of person coached": role, "What is the goal?": goal,
        "Was the goal met?": met,
        **{d: (levels or [""] * 4)[k] for k, d in enumerate(DOMAINS)},
    } for i, (date, school, who, role, goal, met, levels) in enumerate(rows)])
    return _write(frame, path)


def _short(date: str) -> str:
    month, day, year = date.split("/")
    return f"{int(month)}/{int(day)}/{year[2:]}"


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _roster(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student ID", "School Code", "School Name", "Grade", "School Year"])
        writer.writerows([["001", "A", A, "3", YEAR], ["002", "B", B, "3", YEAR]])
    return path


LAYOUTS = {"google_forms.csv": google_forms, "google_forms.xlsx": google_forms,
           "microsoft_forms.xlsx": microsoft_forms, "microsoft_forms.csv": microsoft_forms}


def _load(tmp_path, settings, export: Path):
    db = tmp_path / "m.duckdb"
    return load_files([_roster(tmp_path / "roster.csv"), export], settings, db_path=db), db


def _exact(settings):
    """Every count shown, to check it by hand (a cell where every one of a handful of people
    met, or none did, is otherwise hidden: adults_one_outcome)."""
    return settings.model_copy(update={"privacy": Privacy(min_n=1, disclosive_n=0,
                                                          adults_one_outcome=False)})


def _counts(db: Path, settings, measure: str, scope: str, window: str = "C2") -> dict:
    f = selection.Filters(school_year=YEAR)
    cells = reads.measure_cells(Database(db), settings, measure, f)
    cells = cells[(cells["school_year"] == YEAR) & (cells["window_id"] == window)
                  & (cells["scope"] == scope) & (cells["group_id"] == "all")]
    cells = cells.assign(detail=cells["detail"].fillna("*")).drop_duplicates("detail")
    return {r.detail: (int(r.n), int(r.n_records), int(r.n_meeting))
            for r in cells.itertuples()}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_coaching_log_loads_in_each_form_layout(tmp_path, settings, layout):
    result, db = _load(tmp_path, settings, LAYOUTS[layout](tmp_path / f"coaching_{layout}"))
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    report = result.reports[1]
    assert report.source == "coaching"
    assert (report.rows_read, report.loaded, report.rejected) == (len(ENTRIES), len(ENTRIES), 0)
    con = duckdb.connect(str(db), read_only=True)
    try:
        log = con.execute("SELECT * FROM coaching_log").df()
    finally:
        con.close()
    goals = log[log["aspect"] == "goal"]
    assert len(goals) == len(ENTRIES)
    assert goals["goal_met"].isna().sum() == 2                 # in progress, blank
    assert sorted(set(goals["goal_met"].dropna())) == ["no", "partly", "yes"]
    assert set(goals["role"]) == {"teacher", "leader"}
    assert set(goals["window_id"]) == {"C2", "C3"}
    ratings = log[log["aspect"] != "goal"]
    assert len(ratings) == 11 and set(ratings["aspect"]) == set(DOMAINS)


@pytest.mark.parametrize("layout", ["google_forms.csv", "microsoft_forms.xlsx"])
def test_goals_met_per_school_and_role(tmp_path, settings, layout):
    _, db = _load(tmp_path, settings, LAYOUTS[layout](tmp_path / f"coaching_{layout}"))
    exact = _exact(settings)
    assert _counts(db, exact, "coaching_goals", "A") == GOALS_A
    assert _counts(db, exact, "coaching_goals", "B") == {"*": (1, 1, 0), "teacher": (1, 1, 0)}
    assert _counts(db, exact, "coaching_goals", "B", "C3") == {"*": (1, 1, 1),
                                                              "teacher": (1, 1, 1)}
    district = _counts(db, exact, "coaching_goals", "__district__")["*"]
    assert district == (5, 6, 3)                  # Beta's Teacher One is not Alpha's
    f = selection.Filters(school_year=YEAR, school="A")
    cells = reads.measure_cells(Database(db), exact, "coaching_goals", f)
    point = trajectories.trajectory(cells, exact, "coaching_goals", f).set_index(
        "window_id").loc["C2"]
    assert point["value"] == 60.0 and point["target"] == settings.measures[
        "coaching_goals"].goals["C2"]


def test_partly_met_counts_where_the_district_says_so(tmp_path, settings):
    _, db = _load(tmp_path, settings, google_forms(tmp_path / "coaching.csv"))
    partly = _exact(settings).model_copy(update={"coaching": settings.coaching.model_copy(
        update={"partly_counts_as_met": True})})
    assert _counts(db, partly, "coaching_goals", "A")["teacher"] == (3, 4, 3)


@pytest.mark.parametrize("layout", ["google_forms.xlsx", "microsoft_forms.csv"])
def test_leaders_rubric_ratings_at_or_above_the_level(tmp_path, settings, layout):
    _, db = _load(tmp_path, settings, LAYOUTS[layout](tmp_path / f"coaching_{layout}"))
    exact = _exact(settings)
    assert _counts(db, exact, "leader_coaching", "A") == RUBRIC_A
    assert _counts(db, exact, "leader_coaching", "__district__")["*"] == RUBRIC_DISTRICT
    higher = exact.model_copy(update={"coaching": settings.coaching.model_copy(
        update={"at_or_above": 4})})
    assert _counts(db, higher, "leader_coaching", "__district__")["*"] == (2, 8, 2)


def test_small_counts_of_people_are_hidden(tmp_path, settings):
    _, db = _load(tmp_path, settings, google_forms(tmp_path / "coaching.csv"))
    for measure in ("coaching_goals", "leader_coaching"):
        cells = reads.measure_cells(Database(db), settings, measure,
                                    selection.Filters(school_year=YEAR))
        assert len(cells) and cells["suppressed"].all()
        assert cells["n"].isna().all() and cells["n_meeting"].isna().all()


BAD = [
    # (column, reason fragment, the entry)
    ("Coachee", "required value is blank",
     ("11/03/2026", A, "", "Teacher", "Goal", "Yes", None)),
    ("Role", "role of the person coached",
     ("11/03/2026", A, "Teacher Nine", "Custodian", "Goal", "Yes", None)),
    ("Goal met?", "goal met", ("11/03/2026", A, "Teacher Nine", "Teacher", "Goal", "Maybe", None)),
    ("Coaching Date", "not a date",
     ("31/31/2026", A, "Teacher Nine", "Teacher", "Goal", "Yes", None)),
    ("School", "required value is blank",
     ("11/03/2026", "", "Teacher Nine", "Teacher", "Goal", "Yes", None)),
    ("Coaching goal", "no goal and no rubric rating",
     ("11/03/2026", A, "Teacher Nine", "Teacher", "", "Yes", None)),
    (f"{DOMAINS[1]} (rubric level)", "rubric level",
     ("11/03/2026", A, "Pat Lee", "Principal", "Goal", "Yes",
      ["Proficient", "Excellent", "", ""])),
    ("Coaching Date", "more than 10 days",
     ("07/20/2026", A, "Teacher Nine", "Teacher", "Goal", "Yes", None)),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_rows_are_rejected_with_file_row_column_and_reason(tmp_path, settings, suffix):
    rows = ENTRIES[:2] + [entry for _, _, entry in BAD]
    path = google_forms(tmp_path / f"coaching{suffix}", rows)
    # Cycle 1 from August 15, and the nearest window within 10 days: July 20 is in none.
    summer = settings.model_copy(update={
        "loading": settings.loading.model_copy(update={"nearest_window_days": 10}),
        "calendars": settings.calendars | {
            "coaching": settings.calendars["coaching"].model_copy(update={"windows": [
                w.model_copy(update={"start": "08-15"}) if w.id == "C1" else w
                for w in settings.calendars["coaching"].windows]})}})
    result, _ = _load(tmp_path, summer, path)
    assert result.exit_code == EXIT_REJECTED
    report = result.reports[1]
    assert (report.rows_read, report.loaded, report.rejected) == (len(rows), 2, len(BAD))
    rejects = pd.read_csv(result.rejects_path, dtype=str)
    assert set(rejects["file"]) == {path.name}
    for offset, (column, reason, _) in enumerate(BAD):
        row = rejects[rejects["row"].astype(int) == offset + 4]    # header is row 1
        assert len(row), (offset, rejects.to_string())
        assert column in set(row["column"]), (column, row.to_string())
        assert row["reason"].str.contains(reason, case=False).any(), (reason, row.to_string())


def test_a_log_without_a_role_column_says_everyone_is_a_teacher(tmp_path, settings):
    path = google_forms(tmp_path / "coaching.csv", ENTRIES[:5])
    frame = pd.read_csv(path, dtype=str).drop(columns=["Role"])
    frame.to_csv(path, index=False)
    result, db = _load(tmp_path, settings, path)
    report = result.reports[1]
    assert report.source == "coaching" and report.loaded == 5
    assert any("no Role column" in note for note in report.notes)
    assert _counts(db, _exact(settings), "coaching_goals", "A")["teacher"] == (3, 4, 2)


def test_names_stay_in_the_log_and_never_reach_the_measures_table(tmp_path, settings):
    _, db = _load(tmp_path, settings, microsoft_forms(tmp_path / "coaching.xlsx"))
    con = duckdb.connect(str(db), read_only=True)
    try:
        cells = con.execute("SELECT * FROM measure_lattice").df()
    finally:
        con.close()
    text = cells.astype(str).to_csv()
    for name in ("Teacher One", "Pat Lee", "Sam Ray", "teacher three", "lead.coach"):
        assert name.lower() not in text.lower()


def test_a_cell_where_every_adult_had_the_same_outcome_is_hidden(tmp_path, settings):
    """Adults are few: where everyone coached met their goals (or no one did), the cell
    tells each one's outcome, so it is hidden at any size (adults_one_outcome), while a
    mixed cell of the same size is shown."""
    _, db = _load(tmp_path, settings, google_forms(tmp_path / "coaching.csv"))
    rules = settings.model_copy(update={"privacy": Privacy(min_n=1, disclosive_n=0)})
    f = selection.Filters(school_year=YEAR)
    cells = reads.measure_cells(Database(db), rules, "coaching_goals", f)
    cells = cells[(cells["school_year"] == YEAR) & (cells["group_id"] == "all")
                  & cells["all_details"]].set_index(["scope", "window_id"])
    beta = cells.loc[("B", "C3")]                       # Beta's one teacher met: 100%
    assert beta["suppressed"] and pd.isna(beta["value"]) and pd.isna(beta["n"])
    assert cells.loc[("B", "C2"), "suppressed"]         # ... and missed at C2: 0%
    # The district's C2 (3 of 6 goals met) is shown; Alpha's, the district less Beta's, is
    # hidden with it.
    district = cells.loc[("__district__", "C2")]
    assert not district["suppressed"] and district["value"] == 50.0
    assert cells.loc[("A", "C2"), "suppressed"] and cells.loc[("A", "C2"), "reason"] == \
        "complementary"
