"""The rules a measure is counted by, from config.toml: the bound parameters of the SQL
macro measure_outcomes() (cuts, proficient level, growth expectations, which survey answers are
favourable, how coaching's "partly" counts). The lattice counts with them and the reads that
count outside it (catching up, level transitions) use the same."""

from __future__ import annotations

from monitor.config import Settings
from monitor.registry import MeasureId

LEVEL_RANKS = {"Standard Exceeded": 4, "Standard Met": 3, "Standard Nearly Met": 2,
               "Standard Not Met": 1}



def rule_parameters(settings: Settings, measure: str) -> dict[str, object]:
    """The bound parameters of measure_outcomes() for a measure, from config.toml."""
    loading = settings.loading
    growth = settings.measures[MeasureId.IREADY_GROWTH].growth_expectation
    top = settings.surveys.favorable_top
    return {
        "measure": measure,
        "esgi_cut": loading.esgi_cut_percent,
        "proficient_rank": LEVEL_RANKS[loading.proficient_level],
        "percent_cut": loading.percent_correct_cut,
        "growth_windows": list(growth) or ["-"],
        "growth_values": list(growth.values()) or [0.0],
        "exclude_rushed": loading.exclude_rushed,
        "favorable_top5": top.get("5", 2),
        "favorable_top7": top.get("7", 3),
        # A list that is never empty, so DuckDB knows its type.
        "reversed_items": [*settings.surveys.reversed_items, "-"],
        # Survey details: constructs, or with "item" each item (pooled values are the same).
        "survey_detail": "construct",
        "coaching_partly": settings.coaching.partly_counts_as_met,
        "rubric_level": settings.coaching.at_or_above,
    }
