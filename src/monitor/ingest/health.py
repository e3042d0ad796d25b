"""The data health check: does what was loaded count in the measures, and if not, why.

A file can load without a rejected row and still count nowhere (a vendor flag spelled a new
way that leaves every test "rushed", a file of baselines only). After every load, and on the
Data page, every loaded result row is counted by whether it counts in a measure and, if not,
why (queries/data_health.sql, built on the same staging macros as the measures). Warnings:

- a file of this load whose loaded rows count in no measure (or none of whose rows loaded);
- a source and school year whose rows count in no measure;
- a source and school year whose share of rows that count dropped by `DROP_POINTS` or more
  since the snapshot taken after the previous load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from monitor.config import Settings
from monitor.db import run_query
from monitor.measures.lattice import rules_fingerprint, rules_match
from monitor.registry import SOURCE_LABELS, MeasureId, Source

# A counting share that falls by this many points between two loads is a warning.
DROP_POINTS = 20.0
# ... when the source and year hold at least this many rows (a handful of rows swings freely).
DROP_MIN_ROWS = 20
MEASURE_SOURCES = tuple(Source)
COUNTS = "counts in a measure"


def parameters(settings: Settings) -> dict[str, object]:
    """The rule parameters data_health.sql binds (the i-Ready growth rule)."""
    growth = settings.measures[MeasureId.IREADY_GROWTH].growth_expectation
    return {"growth_windows": list(growth) or ["-"],
            "exclude_rushed": settings.loading.exclude_rushed}


def row_counts(con, settings: Settings) -> pd.DataFrame:
    """Rows per (source, school_year, load_id, reason); reason None = they count. Counted over
    every loaded row (see `counted`: what a version kept)."""
    return _reasons(run_query(con, "data_health", parameters(settings)))


def _reasons(frame: pd.DataFrame) -> pd.DataFrame:
    frame["reason"] = frame["reason"].astype(object).where(frame["reason"].notna(), None)
    return frame


# -- kept with the version -----------------------------------------------------------------
# Counting every loaded row is most of a first view of the overview and the Data page at
# district scale (4-5 s of 10 at 400,000 students), so the load that makes a version counts
# once and keeps the counts in it, under the rules they were counted with.

def keep(con, settings: Settings, counts: pd.DataFrame | None = None) -> None:
    """Keep the health counts (`counts`, or counted now) and which schools have results in
    which window with the version `con` is (a load's writable copy), for these rules."""
    counts = row_counts(con, settings) if counts is None else counts
    con.register("kept_health", counts)
    con.register("kept_coverage", run_query(con, "coverage_by_school_window"))
    try:
        con.execute("DELETE FROM health_counts")
        con.execute("INSERT INTO health_counts BY NAME SELECT * FROM kept_health")
        con.execute("DELETE FROM coverage_counts")
        con.execute("INSERT INTO coverage_counts BY NAME SELECT * FROM kept_coverage")
    finally:
        con.unregister("kept_health")
        con.unregister("kept_coverage")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('counts_rules', $rules)",
                {"rules": rules_fingerprint(settings)})


def is_kept(con, settings: Settings) -> bool:
    """Whether the version holds counts kept under these settings' rules."""
    return rules_match(run_query(con, "counts_rules"), settings)


def counted(con, settings: Settings) -> pd.DataFrame:
    """`row_counts`, read from what the version kept when it was kept under these rules."""
    if is_kept(con, settings):
        return _reasons(run_query(con, "health_counts_kept"))
    return row_counts(con, settings)


def coverage(con, settings: Settings, years: list[str]) -> pd.DataFrame:
    """Which schools have results in which window of `years`, per source and school year
    (n: students, observations or respondents): kept with the version, or counted now."""
    if is_kept(con, settings):
        return run_query(con, "coverage_kept", {"years": years})
    found = run_query(con, "coverage_by_school_window")
    return found[found["school_year"].isin(years)].reset_index(drop=True)


def summary(counts: pd.DataFrame) -> pd.DataFrame:
    """The health table: one row per source and school year with rows loaded, rows that
    count, the share that counts, rows not on the roster, rows with no grade, and one column
    per reason rows count nowhere (named by the reason)."""
    base = ["source", "school_year"]
    if counts.empty:
        return pd.DataFrame(columns=[*base, "rows", "counted", "share", "not_on_roster",
                                     "no_grade"])
    keyed = counts.assign(reason=counts["reason"].fillna(COUNTS))
    totals = keyed.groupby(base, as_index=False).agg(
        rows=("rows", "sum"), not_on_roster=("not_on_roster", "sum"), no_grade=("no_grade", "sum"))
    reasons = keyed.pivot_table(index=base, columns="reason", values="rows", aggfunc="sum",
                                fill_value=0)
    reasons.columns = [str(c) for c in reasons.columns]
    out = totals.merge(reasons.reset_index(), on=base, how="left")
    out["counted"] = out[COUNTS] if COUNTS in out else 0
    out = out.drop(columns=[COUNTS], errors="ignore")
    out["share"] = (100 * out["counted"] / out["rows"]).round(1)
    reason_columns = sorted(c for c in out.columns if c not in
                            {*base, "rows", "counted", "share", "not_on_roster", "no_grade"})
    return out[[*base, "rows", "counted", "share", *reason_columns, "not_on_roster",
                "no_grade"]].sort_values(base).reset_index(drop=True)


def snapshot(counts: pd.DataFrame) -> pd.DataFrame:
    """What a health snapshot keeps: rows per (source, school_year, reason)."""
    return counts.groupby(["source", "school_year", "reason"], dropna=False,
                          as_index=False)["rows"].sum()


def _reasons_text(rows: pd.DataFrame, limit: int = 3) -> str:
    """'1,200 rushed; 40 no baseline ...', the largest reasons first."""
    excluded = rows[rows["reason"].notna()].groupby("reason")["rows"].sum()
    excluded = excluded.sort_values(ascending=False)
    return "; ".join(f"{n:,} {reason}" for reason, n in excluded.head(limit).items())


@dataclass(frozen=True)
class LoadedFile:
    """What the health check needs of one file of a load run."""

    file: str
    source: str
    load_id: int | None
    rows_read: int
    loaded: int
    rejected: int


def _share(frame: pd.DataFrame) -> pd.DataFrame:
    total = frame.groupby(["source", "school_year"])["rows"].sum()
    counted = frame[frame["reason"].isna()].groupby(["source", "school_year"])["rows"].sum()
    return pd.DataFrame({"rows": total, "counted": counted.reindex(total.index, fill_value=0)})


def warnings(counts: pd.DataFrame, before: pd.DataFrame | None,
             files: list[LoadedFile] | None = None) -> list[str]:
    """The health warnings (see the module docstring). `counts` is `row_counts` now,
    `before` the snapshot after the previous load (None: there is none), `files` this run's
    files (None outside a load)."""
    found: list[str] = []
    for item in files or []:
        if item.source not in MEASURE_SOURCES:
            continue
        label = f"{item.file} [{item.source}]"
        if item.rows_read and not item.loaded and item.rejected == item.rows_read:
            found.append(f"{label}: none of its {item.rows_read:,} rows loaded (every row was "
                         "rejected; see the reasons)")
            continue
        mine = counts[counts["load_id"] == item.load_id]
        if item.loaded and not mine.empty and not mine["reason"].isna().any():
            found.append(f"{label}: {int(mine['rows'].sum()):,} rows loaded, none counts in a "
                         f"measure ({_reasons_text(mine)})")
    now = _share(counts) if not counts.empty else None
    if now is None:
        return found
    then = _share(before) if before is not None and not before.empty else None
    for (source, year), row in now.iterrows():
        label = f"{SOURCE_LABELS.get(source, source)} {year}"
        rows = counts[(counts["source"] == source) & (counts["school_year"] == year)]
        if row["counted"] == 0:
            found.append(f"{label}: {int(row['rows']):,} rows loaded, none counts in a measure "
                         f"({_reasons_text(rows)})")
            continue
        if then is None or (source, year) not in then.index or row["rows"] < DROP_MIN_ROWS:
            continue
        old = then.loc[(source, year)]
        share_now = 100 * row["counted"] / row["rows"]
        share_then = 100 * old["counted"] / old["rows"] if old["rows"] else 0.0
        if share_then - share_now >= DROP_POINTS:
            found.append(f"{label}: {share_now:.0f}% of rows count in a measure, down from "
                         f"{share_then:.0f}% before the last load ({_reasons_text(rows)})")
    return found


def latest_snapshot(con, *, skip_latest: bool = False) -> pd.DataFrame | None:
    """The snapshot recorded by the last load run (with `skip_latest`, by the run before it:
    what the latest load changed is then measured against it), or None."""
    rows = run_query(con, "data_health_snapshot", {"skip_latest": skip_latest})
    if rows.empty:
        return None
    rows["reason"] = rows["reason"].astype(object).where(rows["reason"].notna(), None)
    return rows


def check(con, settings: Settings) -> tuple[pd.DataFrame, list[str]]:
    """The health table of the database as it is, and its warnings against the snapshot taken
    before the latest load (for the Data page, the overview and `monitor health`)."""
    counts = counted(con, settings)
    return summary(counts), warnings(counts, latest_snapshot(con, skip_latest=True)) \
        + unnamed_teachers(con, settings)


def unnamed_teachers(con, settings: Settings) -> list[str]:
    """Learning walks count teachers (a cell needs min_teachers): observations naming no
    teacher count as one at their school, so its cells may be hidden. Said where it happens."""
    rows = run_query(con, "walkthrough_unnamed_teachers")
    return [f"Walkthroughs {r.school_year}: {int(r.unnamed):,} of {int(r.observations):,} "
            "observations name no teacher; a school's walk results count them as one teacher, "
            f"so they may be hidden (n<{settings.privacy.min_teachers} teachers). Add the "
            "Teacher column to the form."
            for r in rows.itertuples() if r.unnamed]


def record(con, counts: pd.DataFrame, run_id: int) -> None:
    """Keep this run's snapshot with the database version it describes."""
    kept = snapshot(counts)
    if kept.empty:
        return
    con.register("health_snapshot", kept.assign(
        run_id=run_id, recorded_at=dt.datetime.now()))
    try:
        con.execute("INSERT INTO data_health BY NAME SELECT run_id, recorded_at, source, "
                    "school_year, reason, rows FROM health_snapshot")
    finally:
        con.unregister("health_snapshot")
