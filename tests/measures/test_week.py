"""The demo tells a week, and "what changed" is true: the demo as of a date and a week later
(same seed) is one district, every row of the earlier export in the later one, and the week's
new files are exactly the difference; loaded a week apart, the digest lists every headline
cell whose shown value, n or presence changed between the two loads (read back from the
measures lattice before and after), nothing from last year, nothing missed; with no version a
week old it says so."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from monitor import registry
from monitor.config import PROJECT_ROOT
from monitor.db import Database
from monitor.demo.district import write_demo
from monitor.ingest.load import load_files
from monitor.views import changes, reads

from ..conftest import AS_OF

THEN = AS_OF - dt.timedelta(days=7)
STUDENTS = 3000


def rows(path) -> set[tuple]:
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python",
                            encoding_errors="replace",
                            skiprows=[1, 2] if "qualtrics" in path.name else None)
    return set(map(tuple, frame.fillna("").to_numpy().tolist()))


@pytest.fixture(scope="module")
def week(tmp_path_factory, settings):
    """The demo as of a week before AS_OF, loaded then; the week's new files loaded on AS_OF.
    The headline cells of the lattice read back after each load."""
    folder = tmp_path_factory.mktemp("week")
    earlier = write_demo(folder / "then", settings, STUDENTS, 7, THEN)
    later = write_demo(folder / "now", settings, STUDENTS, 7, AS_OF)
    new = write_demo(folder / "new", settings, STUDENTS, 7, AS_OF, since=THEN)
    db = folder / "monitor.duckdb"
    before = os.environ["MONITOR_AS_OF"]
    try:
        os.environ["MONITOR_AS_OF"] = THEN.isoformat()
        assert load_files(earlier, settings, db_path=db).exit_code == 0
        cells_then = headline(db)
        os.environ["MONITOR_AS_OF"] = AS_OF.isoformat()
        assert load_files(new, settings, db_path=db).exit_code == 0
        cells_now = headline(db)
    finally:
        os.environ["MONITOR_AS_OF"] = before
    return {"earlier": earlier, "later": later, "new": new, "db": db,
            "then": cells_then, "now": cells_now}


def headline(db) -> pd.DataFrame:
    """Every headline cell as shown (value and n NaN where hidden)."""
    cells = Database(db).connection().execute(
        "SELECT measure, subject, scope, school_year, window_id, "
        "CASE WHEN hidden THEN NULL ELSE value END AS value, "
        "CASE WHEN hidden THEN NULL ELSE n END AS n FROM measure_lattice "
        "WHERE group_id = 'all' AND grade = '*' AND detail = '*'").df()
    return cells.set_index(["measure", "subject", "scope", "school_year", "window_id"])


def test_a_week_later_the_demo_is_the_same_district(week):
    later = {p.name: p for p in week["later"]}
    assert {p.name for p in week["earlier"]} <= set(later)
    added = 0
    for path in week["earlier"]:
        then, now = rows(path), rows(later[path.name])
        assert then <= now, (path.name, len(then - now))
        added += len(now - then)
    assert added > 100
    # The week's new files are exactly what the week added, file by file.
    for path in week["new"]:
        stem = path.name.split("_new_")[0] + path.suffix
        earlier = next((p for p in week["earlier"] if p.name == stem), None)
        assert rows(path) == rows(later[stem]) - (rows(earlier) if earlier else set())
    assert sum(len(rows(p)) for p in week["new"]) == added


def test_the_digest_lists_every_change_of_the_week_and_nothing_else(week, settings):
    then, now = week["then"], week["now"]
    current = settings.current_school_year()
    keys = then.index.union(now.index)
    old, new = then.reindex(keys), now.reindex(keys)
    present_then = keys.isin(then.index)
    present_now = keys.isin(now.index)
    differs = ((old["value"].fillna(-1) != new["value"].fillna(-1))
               | (old["n"].fillna(-1) != new["n"].fillna(-1))
               | (present_then != present_now))
    reported = {m: [s or "*" for s in registry.spec(m).subjects] for m in settings.measures}
    expected = {k for k, d in zip(keys, differs, strict=True)
                if d and k[3] == current and k[1] in reported.get(k[0], [])}
    assert expected, "the week changed something"
    found = reads.week_changes(Database(week["db"]), settings, AS_OF)
    assert found.comparable and found.then.date() == THEN
    listed = found.changes
    got = {(r.measure, r.subject if isinstance(r.subject, str) else "*",
            "__district__" if r.school == "district" else r.school,
            r.year, r.window) for r in listed.itertuples()}
    assert got == expected
    assert set(listed["year"]) == {current}
    for row in listed.itertuples():
        key = (row.measure, row.subject if isinstance(row.subject, str) else "*",
               "__district__" if row.school == "district" else row.school, row.year, row.window)
        if row.kind in ("value", "corrected"):
            assert row.then == old.loc[key, "value"] and row.now == new.loc[key, "value"]
            assert row.change == round(row.now - row.then, 1)
        if row.kind == "new":
            assert not present_then[keys.get_loc(key)] and row.now == new.loc[key, "value"]
        if row.kind == "updated":
            assert pd.isna(row.then) and pd.isna(row.now) and pd.isna(row.change)
    # The summary groups what arrived by measure and window.
    assert any(" results in for " in line for line in changes.summary(found))


def test_with_no_version_a_week_old_it_says_so(week, settings):
    db = Database(week["db"])
    early = reads.week_changes(db, settings, THEN + dt.timedelta(days=3))
    assert not early.comparable and early.changes.empty
    assert early.heading().startswith(f"First load on {THEN:%B %-d, %Y}: nothing to compare")
    # A week after the second load, the first is still the one a week old... and eight days
    # after, the second is: nothing changed since.
    later = reads.week_changes(db, settings, AS_OF + dt.timedelta(days=8))
    assert later.comparable and later.changes.empty
    assert later.heading().startswith("Nothing changed since")


def test_the_digest_command_prints_the_week(week):
    env = os.environ | {"MONITOR_DB": str(week["db"]), "MONITOR_AS_OF": AS_OF.isoformat()}
    run = subprocess.run([sys.executable, "-m", "monitor", "digest", "--format", "json"],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    digest = json.loads(run.stdout)
    assert digest["compared_with"].startswith(THEN.isoformat())
    assert digest["changes"] and all(set(changes.KEYS) <= set(c) for c in digest["changes"])
    school = next(c["school"] for c in digest["changes"] if c["school"] != "district")
    run = subprocess.run([sys.executable, "-m", "monitor", "digest", "--school", school],
                         capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Since ")
    assert lines[1:] and all(f"school={school} " in line for line in lines[1:])
