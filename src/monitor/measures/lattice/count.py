"""Counting: each measure's cells with their counts, before protection, through the SQL
macros (queries/lattice_*.sql) with the rules of config.toml bound as parameters."""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pandas as pd

from monitor.config import Settings
from monitor.db import run_here
from monitor.measures.lattice.dimensions import RATINGS, grade_keys
from monitor.measures.rules import rule_parameters
from monitor.registry import MEASURES, MeasureId


def counts(con, settings: Settings, measures: Collection[str] | None = None,
           years: Collection[str] | None = None) -> Iterator[pd.DataFrame]:
    """Each measure's cells with their counts (before protection), every year and window; of
    `measures` only, where given (the walks' ratings come with the learning walks), and of
    the school `years` only, where given."""
    counted = {"years": sorted(years) if years is not None else ["*"]}
    cursor = con.cursor()
    try:
        cursor.register("grade_keys", grade_keys())
        for measure, spec in MEASURES.items():
            if measures is not None and measure not in measures:
                continue
            params = rule_parameters(settings, measure) | {
                "details": spec.details, "pool_subjects": spec.pool_subjects,
                "pooled_details": True, "unpooled": [*spec.unpooled, "-"],
                "pooled_only": [*spec.pooled_only, "-"]} | counted
            rolled = run_here(cursor, "lattice_counts", params)
            if measure == MeasureId.SURVEY:
                # Items as details too, beside the constructs they make up (pooled rows are
                # the same either way).
                items = run_here(cursor, "lattice_counts", params | {
                    "survey_detail": "item", "pooled_details": False})
                rolled = pd.concat([rolled, items], ignore_index=True)
            if rolled.empty:
                continue
            if "median_a" in spec.statistics:
                medians = run_here(cursor, "lattice_medians",
                                   rule_parameters(settings, measure) | counted)
                rolled = rolled.merge(medians, how="left", on=[
                    "school_year", "window_id", "scope", "grade", "subject", "detail",
                    "group_id"])
            if spec.observations:
                teachers = run_here(cursor, "lattice_teachers", rule_parameters(
                    settings, measure) | {"unpooled": params["unpooled"]} | counted)
                rolled = rolled.merge(teachers, how="left", on=[
                    "school_year", "window_id", "scope", "grade", "subject", "detail"],
                    validate="many_to_one")
            yield rolled.assign(measure=measure)
            if measure == MeasureId.WALKTHROUGH:
                ratings = run_here(cursor, "lattice_counts", rule_parameters(settings, RATINGS)
                                   | {"details": True, "pool_subjects": True,
                                      "pooled_details": False, "unpooled": ["-"],
                                      "pooled_only": ["-"]} | counted)
                if len(ratings):
                    yield ratings.assign(measure=RATINGS)
    finally:
        cursor.close()
