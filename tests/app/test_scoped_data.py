"""The scoped data functions (monitor.ui.data) against the demo database: nothing without a
scope, a principal's school and the district only, no student-level rows but for analysts,
never a suppressed value."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

from monitor.access import AccessDenied, Scope
from monitor.db import Database
from monitor.measures import privacy, selection
from monitor.ui import data
from monitor.ui.data import cache, results


def _dummy(parameter: inspect.Parameter, settings):
    if parameter.name == "filters":
        return selection.Filters(school_year=settings.current_school_year(), subject="ELA")
    if parameter.name == "years":
        return [settings.current_school_year()]
    return "1"


SCOPED = [name for name in data.__all__ if name not in ("settings", "stamp")]


@pytest.mark.parametrize("name", SCOPED)
def test_every_data_function_refuses_to_run_without_a_scope(name, settings, use_demo_db):
    function = getattr(data, name)
    parameters = list(inspect.signature(function).parameters.values())
    assert parameters[0].name == "scope", f"{name} must take the scope first"
    arguments = [_dummy(p, settings) for p in parameters[1:]]
    for missing in (None, "district", {"role": "district"}):
        with pytest.raises(AccessDenied, match="No access scope"):
            function(missing, *arguments)


def test_a_principal_receives_only_their_school_and_the_district(settings, use_demo_db):
    codes = Database(use_demo_db).query("schools")["school_code"].tolist()
    mine, other = codes[0], codes[1]
    principal = Scope(role="principal", schools=(mine,))
    f = selection.Filters(school_year=settings.current_school_year(), subject="ELA")
    everyone = data.cells(Scope(role="district"), "benchmark", f)
    assert {mine, other} <= set(everyone["scope"])
    cells = data.cells(principal, "benchmark", f)
    assert set(cells["scope"]) == {mine, privacy.DISTRICT}
    table = data.measure_table(principal, "benchmark", f)
    assert set(table["school"]) == {mine, "district"}
    assert data.schools(principal)["school_code"].tolist() == [mine]
    assert set(data.coverage(principal, [f.school_year])["school_code"]) == {mine}
    rates = data.response_rates(principal, f, "student")
    assert set(rates["scope"]) <= {mine, privacy.DISTRICT}
    # Asking for another school is refused, not answered with less.
    for call in (lambda: data.cells(principal, "benchmark", f.model_copy(update={"school": other})),
                 lambda: data.measure_table(principal, "benchmark",
                                            f.model_copy(update={"school": other})),
                 lambda: data.level_transitions(principal, "benchmark",
                                                f.model_copy(update={"school": other}), "1", "2"),
                 lambda: data.peer_summary(principal, "benchmark",
                                           f.model_copy(update={"school": other}), "1", "High")):
        with pytest.raises(AccessDenied, match=other):
            call()
    # The district's cached whole-district result is not changed by the principal's view.
    assert {mine, other} <= set(data.cells(Scope(role="district"), "benchmark", f)["scope"])


def test_viewers_and_principals_get_no_student_level_rows(settings, use_demo_db):
    for scope in (Scope(role="viewer"), Scope(role="principal", schools=("x",)),
                  Scope(role="district")):
        for call in (data.rejected_rows, data.table_row_counts, data.database_path):
            with pytest.raises(AccessDenied):
                call(scope)
    with pytest.raises(AccessDenied):
        data.loads_recent(Scope(role="viewer"))
    assert len(data.table_row_counts(Scope(role="district", analyst=True)))


def test_a_viewer_never_receives_a_suppressed_value(settings, use_demo_db):
    viewer = Scope(role="viewer")
    f = selection.Filters(school_year=settings.current_school_year(), subject="ELA")
    for measure in ("benchmark", "esgi", "survey"):
        cells = data.cells(viewer, measure, f if measure != "survey" else
                           f.model_copy(update={"subject": "student"}))
        hidden = cells[cells["suppressed"]]
        assert len(hidden), measure
        assert hidden[["value", "n_meeting", "ci_low", "ci_high"]].isna().all().all()
        shown = cells[~cells["suppressed"]]
        assert (shown["n"] >= settings.privacy.min_n).all()


@pytest.mark.parametrize("grade", [None, "3", "Middle (6-8)"])
def test_one_scope_tables_are_the_whole_tables_rows(settings, use_demo_db, grade):
    """The Student groups page reads a table of its one school (or the district), computed
    from that scope's cells alone: row for row what the whole table says of it, every
    measure, for an analyst and for a principal."""
    codes = Database(use_demo_db).query("schools")["school_code"].tolist()
    year = settings.current_school_year()
    for scope, schools in ((Scope(role="district"), [None, *codes[:3]]),
                           (Scope(role="principal", schools=(codes[1],)), [None, codes[1]])):
        for measure in settings.measures:
            subject = "student" if measure == "survey" else "Math"
            for school in schools:
                f = selection.Filters(school_year=year, subject=subject, grade=grade,
                                      school=school)
                whole = data.measure_table(scope, measure, f)
                whole = whole[whole["school"] == (school or "district")].reset_index(drop=True)
                one = data.measure_table(scope, measure, f, True).reset_index(drop=True)
                assert len(one) == len(whole), (measure, school)
                pd.testing.assert_frame_equal(one, whole, check_dtype=False)


@pytest.mark.slow
def test_pages_leave_the_shared_whole_district_results_as_they_were(settings, use_demo_db,
                                                                    monkeypatch):
    """Each measure's whole-district cells and measures table are held once and handed out
    (monitor.ui.data: _raw_cells, _raw_measure_table, `handed_out`). After every page has run,
    for the district and for a school, each is still what a fresh read gives."""
    from monitor.ui import warm
    from monitor.views import reads

    from .test_pages import PAGES, run_page, school_codes

    data.forget_results()
    code = school_codes(use_demo_db)[0]
    for page in PAGES:
        for params in ({}, {"school": code}, {"school": code, "group": "el", "subject": "Math"}):
            run_page(page, params)
    db = Database(use_demo_db)
    shared = []
    for what, measure, filters in warm.plan(settings.current_school_year()):
        if what == "table":
            plain = cache._plain(filters)
            shared.append((measure, plain, cache._raw_cells(data.stamp(), measure, plain),
                           cache._raw_measure_table(data.stamp(), measure, plain)))
    fresh_reads = []
    monkeypatch.setattr(reads, "measure_cells", lambda *a, **k: fresh_reads.append(a))
    for measure, plain, _, _ in shared:             # cached by the pages, not read again
        cache._raw_cells(data.stamp(), measure, plain)
        cache._raw_measure_table(data.stamp(), measure, plain)
    assert not fresh_reads
    monkeypatch.undo()
    for measure, plain, cells, table in shared:
        again = reads.measure_cells(db, settings, measure, plain)
        pd.testing.assert_frame_equal(cells, again)
        pd.testing.assert_frame_equal(table, cache._table_of(again, measure, plain))
    assert len(shared) >= 8


def _walk_views(settings, schools):
    """Every school (and the district) by every grade, band and all grades, this year."""
    from monitor.keys import GRADE_BANDS, GRADE_ORDER
    year = settings.current_school_year()
    for school in [None, *schools]:
        for grade in [None, *GRADE_BANDS, *GRADE_ORDER]:
            yield selection.Filters(school_year=year, school=school, grade=grade)


@pytest.mark.parametrize("role", ["district", "principal"])
def test_core_action_ratings_agree_with_the_walks_cells_in_every_view(settings, use_demo_db,
                                                                      role):
    """Core Actions 2 and 3 by rating, as the Learning walks page gets them, against the
    same walk's core action cell: hidden in the same views, and where shown, the ratings'
    counts are the core action's (Mostly and Yes its observations meeting)."""
    codes = Database(use_demo_db).query("schools")["school_code"].tolist()
    scope = (Scope(role="district") if role == "district"
             else Scope(role="principal", schools=(codes[-1],)))
    compared = hidden_seen = 0
    for f in _walk_views(settings, codes if role == "district" else codes[-1:]):
        walks = selection.scope(data.cells(scope, "walkthrough", f), f, by_detail=True)
        walks = walks[(walks["school_year"] == f.school_year)
                      & walks["detail"].isin(["ca2", "ca3"])].set_index(["window_id", "detail"])
        ratings = data.walkthrough_ratings(scope, f)
        assert set(map(tuple, ratings[["window_id", "core_action"]].to_numpy())) == set(
            walks.index), f
        for (window, action), four in ratings.groupby(["window_id", "core_action"]):
            cell = walks.loc[(window, action)]
            assert len(four) == 4 and (four["suppressed"] == cell["suppressed"]).all(), f
            compared += 1
            if cell["suppressed"]:
                hidden_seen += 1
                assert four[["n", "total", "percent"]].isna().all().all()
                assert set(four["hidden_label"]) == {cell["hidden_label"]}
                continue
            assert (four["total"] == cell["n_records"]).all()
            assert four.loc[four["rating"] >= 3, "n"].sum() == cell["n_meeting"]
            assert four["n"].sum() == cell["n_records"]
    assert compared > 50 and hidden_seen > 5


def test_observer_calibration_shows_no_walk_whose_own_cell_is_hidden(settings, use_demo_db,
                                                                     monkeypatch):
    """A walk's calibration is shown only where the lattice shows the walk's own cell at that
    school, subject and grade: beside it, observers' shares would give its count away."""
    scope = Scope(role="district")
    f = selection.Filters(school_year=settings.current_school_year())
    shown = data.observer_calibration(scope, f)
    walks = sorted(set(shown["window_id"]))
    assert walks, "the demo's walks have observers to compare"
    cells = data.cells

    def hiding(scope, measure, filters):
        frame = cells(scope, measure, filters)
        walk = (frame["window_id"] == walks[0]).to_numpy()
        return frame.assign(suppressed=frame["suppressed"] | walk,
                            n=frame["n"].mask(walk), value=frame["value"].mask(walk))

    monkeypatch.setattr(results, "cells", hiding)
    after = data.observer_calibration(scope, f)
    assert walks[0] not in set(after["window_id"])
    assert set(after["window_id"]) == set(walks[1:])


def test_cells_read_ahead_are_read_once_and_are_what_a_page_reads(settings, use_demo_db,
                                                                   monkeypatch):
    """A page's view reads several measures' cells ahead on other threads (prefetch_cells):
    each is read once however the page's own requests interleave with the threads, each is
    what reading it directly gives, and a principal cannot read another school's ahead."""
    from monitor.views import reads

    codes = Database(use_demo_db).query("schools")["school_code"].tolist()
    year = settings.current_school_year()
    wanted = [(m, selection.Filters(school_year=year, subject=subject))
              for m in ("benchmark", "iready_growth", "esgi") for subject in ("ELA", "Math")]
    real, read = reads.measure_cells, []
    monkeypatch.setattr(reads, "measure_cells",
                        lambda *a, **k: read.append((a[2], a[3].subject)) or real(*a, **k))
    for scope in (Scope(role="district"), Scope(role="principal", schools=(codes[0],))):
        data.forget_results()
        read.clear()
        data.prefetch_cells(scope, wanted)
        for measure, f in reversed(wanted):         # the page asks in its own order
            got = data.cells(scope, measure, f)
            fresh = real(Database(use_demo_db), settings, measure, f,
                         **({} if scope.schools is None else {"schools": scope.schools}))
            pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                          scope.restrict(fresh, "scope").reset_index(drop=True))
        assert sorted(read) == sorted((m, f.subject) for m, f in wanted), scope
    with pytest.raises(AccessDenied, match=codes[1]):
        data.prefetch_cells(Scope(role="principal", schools=(codes[0],)),
                            [("benchmark", wanted[0][1].model_copy(update={"school": codes[1]}))])
