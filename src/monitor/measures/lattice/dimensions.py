"""The lattice's keys: its dimensions, the keys of pooled cells (every subject, detail or
grade), the reasons a cell is hidden, the walks' rating cells, the columns stored and shown, and
the fingerprint of the rules a lattice was built under."""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from monitor.config import Settings
from monitor.keys import GRADE_BANDS, GRADE_ORDER
from monitor.measures import privacy
from monitor.registry import MeasureId

DISTRICT, UNPLACED = privacy.DISTRICT, privacy.UNPLACED
POOLED = "*"                    # every subject / every detail / all grades
NO_GRADE, NO_SUBJECT = "(none)", "(none)"
COMPLEMENT = "~"                # a yes/no group's complement: "~el"
NO_RACE = "~race"               # the students in none of the race/ethnicity groups
DIMENSIONS = ("measure", "school_year", "window_id", "scope", "grade", "subject", "detail",
              "group_id")
BANDS = GRADE_BANDS
SMALL, ONE_OUTCOME, COMPLEMENTARY = "small", "one outcome", "complementary"
# Core Actions 2 and 3 by rating, as cells of their own: detail 'ca2=1' .. 'ca3=4', n the
# observations rated on that core action, n_meeting those given that rating. Not a measure of
# the registry (no page lists it): each cell is shown or hidden with its core action's cell of
# the learning walks ('ca2', 'ca3'), whose counts its four ratings make up.
RATINGS = "walkthrough_ratings"
OBSERVED = (MeasureId.WALKTHROUGH, RATINGS)     # counted in observations: min_observations applies
FEW_TEACHERS = "few teachers"


def grade_keys() -> pd.DataFrame:
    """Each grade's keys: itself, the bands it is in, and all grades."""
    rows = [(NO_GRADE, NO_GRADE), (NO_GRADE, POOLED)]
    for grade in GRADE_ORDER:
        rows += [(grade, grade), (grade, POOLED)]
        rows += [(grade, band) for band, grades in BANDS.items() if grade in grades]
    return pd.DataFrame(rows, columns=["grade", "grade_key"])


def rules_fingerprint(settings: Settings) -> str:
    """What the lattice depends on in config.toml: the measure rules, privacy and groups. A
    lattice built under other settings is not read (the reader builds one in memory)."""
    # (How a district words its survey items changes what loads, not how it is counted.)
    parts = settings.model_dump(mode="json", include={"privacy", "loading", "surveys", "groups",
                                                      "coaching"},
                                exclude={"surveys": {"wording"}})
    parts["growth"] = settings.measures[MeasureId.IREADY_GROWTH].growth_expectation
    # 2: intervals count units, not ratings; 3: the ratings' cells; 4: teacher growth;
    # 5: coaching logs; 6: walks counted in teachers, teacher growth's headline per teacher
    parts["version"] = 6
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


STORED = [*DIMENSIONS, "n", "n_records", "n_meeting", "value", "ci_low", "ci_high", "hidden",
          "reason", "hidden_label", "schools", "mean_a", "median_a", "median_b", "n_excluded",
          "true_n", "true_n_records", "true_n_meeting", "true_n_teachers"]


PUBLIC = ["school_year", "window_id", "scope", "detail", "group_id", "n", "n_records",
          "n_meeting", "value", "ci_low", "ci_high", "suppressed", "reason", "hidden_label",
          "schools", "mean_a", "median_a", "median_b", "n_excluded"]


OTHERS = "__others__"       # in a principal's view: the district less their own schools


def rules_match(found: pd.DataFrame, settings: Settings) -> bool:
    """Whether a meta row of rules (`value`; none: nothing stored) is these settings' rules."""
    return bool(len(found)) and found["value"].iloc[0] == rules_fingerprint(settings)
