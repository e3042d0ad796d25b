"""Adding a measure on an existing source, as docs/architecture.md's checklist says, and
nothing more: its spec in the registry, its rule in queries/macros.sql and its entry in
config.toml. The example is the share of students at the district benchmark's top level
("Standard Exceeded"): once added, the loader counts it into the lattice, protects it as
any other, the reads and the goal statuses take it, with no other file changed."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from monitor import db as db_module
from monitor import registry
from monitor.config import PROJECT_ROOT, load_settings
from monitor.db import Database
from monitor.demo.district import write_demo
from monitor.ingest.load import load_files
from monitor.measures import goals, selection
from monitor.registry import MeasureSpec, Source
from monitor.views import reads

from ..conftest import AS_OF

NEW = "benchmark_top"

# 1. Its spec: on the benchmark's rows, counting students, in ELA and Math.
SPEC = MeasureSpec(NEW, Source.BENCHMARK, "Benchmark top level", "students",
                   registry.STUDENT_SUBJECTS, statistics=registry.MEAN)

# 2. Its rule: each student's latest attempt, meeting at the top level (rank 4). One CTE in
# measure_outcomes, in the shape every measure's outcomes have, and one line of its union.
RULE = """top_level AS (   -- benchmark_top: the share at the top performance level
    SELECT school_year, window_id, placed_school AS school_code, placed_grade AS grade,
           subject, NULL::VARCHAR AS detail, student_id, level_rank >= 4 AS meets,
           percent_correct AS stat_a, NULL::DOUBLE AS stat_b, NULL::VARCHAR AS person
    FROM assessment_rows('benchmark')
    WHERE measure = 'benchmark_top' AND excluded IS NULL AND level_rank IS NOT NULL
),
esgi AS ("""

# 3. Its entry in config.toml: label, calendar and goals.
CONFIG = """
[measures.benchmark_top]
label = "Benchmark: % at the top level"
calendar = "benchmark"
goals = { "1" = 15.0, "2" = 20.0, "3" = 25.0 }
"""


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """The demo district loaded with the new measure added (the registry, the SQL and the
    config patched for this module only)."""
    folder = tmp_path_factory.mktemp("added_measure")
    queries = folder / "queries"
    shutil.copytree(PROJECT_ROOT / "src" / "monitor" / "queries", queries)
    macros = (queries / "macros.sql").read_text(encoding="utf-8")
    assert macros.count("esgi AS (") == 1 and macros.count("UNION ALL SELECT * FROM survey;") == 1
    macros = macros.replace("esgi AS (", RULE, 1).replace(
        "UNION ALL SELECT * FROM survey;",
        "UNION ALL SELECT * FROM survey\nUNION ALL SELECT * FROM top_level;")
    (queries / "macros.sql").write_text(macros, encoding="utf-8")
    config = folder / "config.toml"
    config.write_text((PROJECT_ROOT / "config.toml").read_text(encoding="utf-8") + CONFIG,
                      encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry.MEASURES, NEW, SPEC)
        patch.setattr(db_module, "QUERY_DIR", queries)
        db_module.sql.cache_clear()
        db_module._macro_names.cache_clear()
        try:
            settings = load_settings(config)
            files = write_demo(folder / "exports", settings, 1200, seed=11, as_of=AS_OF)
            path = folder / "monitor.duckdb"
            assert load_files(files, settings, db_path=path).exit_code == 0
            yield Database(path), settings
        finally:
            db_module.sql.cache_clear()
            db_module._macro_names.cache_clear()


def test_the_new_measure_is_counted_and_protected_like_the_others(added):
    db, settings = added
    f = selection.Filters(school_year=settings.current_school_year(), subject="ELA")
    top = reads.measure_cells(db, settings, NEW, f)
    base = reads.measure_cells(db, settings, registry.MeasureId.BENCHMARK, f)
    assert len(top) and top["value"].notna().any()
    key = ["school_year", "window_id", "scope", "group_id", "all_details"]
    both = top.merge(base, on=key, suffixes=("_top", "_all"))
    assert len(both) == len(top) == len(base)
    # The same students counted (latest attempts with a level), fewer of them meeting.
    shown = both[~both["suppressed_top"] & ~both["suppressed_all"]]
    assert len(shown) and (shown["n_top"] == shown["n_all"]).all()
    assert (shown["value_top"] <= shown["value_all"]).all()
    assert (shown["value_top"] > 0).any() and (shown["value_top"] < shown["value_all"]).any()
    # Protected as any other: a cell under the floor has no value and says why.
    small = top[top["suppressed"]]
    assert len(small) and small["value"].isna().all() and small["hidden_label"].notna().all()
    assert top.loc[top["n"].notna(), "n"].min() >= settings.privacy.min_n


def test_the_new_measure_has_goals_and_statuses(added):
    db, settings = added
    f = selection.Filters(school_year=settings.current_school_year(), subject="ELA")
    district = reads.measure_cells(db, settings, NEW, f)
    district = district[(district["scope"] == "__district__") & (district["group_id"] == "all")
                        & (district["school_year"] == f.school_year)
                        & district["all_details"]]
    assert len(district)
    for _, cell in district.iterrows():
        target = goals.goal_for(settings, NEW, cell["window_id"], None)
        assert target == settings.measures[NEW].goals[cell["window_id"]]
        if pd.notna(cell["value"]):
            status = goals.status_of(cell["value"], target, settings.status.approaching_band)
            assert status == ("met" if cell["value"] >= target else "approaching"
                              if cell["value"] >= target - settings.status.approaching_band
                              else "not met")


def test_the_pages_show_the_new_measure(added, monkeypatch):
    """The overview's grid and the School page take it from the registry (a column of the
    grid, one of the school's measures) with its label."""
    from ..app.test_pages import run_page

    db, settings = added
    monkeypatch.setenv("MONITOR_DB", str(db.path))
    monkeypatch.setenv("MONITOR_CONFIG", str(db.path.with_name("config.toml")))
    school = db.query("schools")["school_code"].iloc[0]
    for page, params in (("overview", {}), ("school", {"school": school})):
        at = run_page(page, params)
        shown = " ".join([str(e.value) for kind in ("markdown", "caption", "subheader")
                          for e in at.get(kind)] + [c.proto.spec for c in at.get("plotly_chart")]
                         + [option for box in at.selectbox for option in box.options])
        assert SPEC.short in shown or settings.measures[NEW].label in shown, page
