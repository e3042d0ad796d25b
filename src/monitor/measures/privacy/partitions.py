"""Hiding in partitioned tables: a table counted outside the lattice at school grain (the
catching-up counts) gets its district rows and primary, disclosive and complementary
suppression over its partitions (a yes/no group and its complement, the race/ethnicity groups,
the schools of the district, the grades and their bands), repeated until nothing changes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.keys import DISTRICT, GRADE_BANDS, GRADE_ORDER, LEVEL_BANDS, UNPLACED
from monitor.measures.privacy.rules import (
    COMPLEMENT,
    KEYS,
    NO_DETAIL,
    ONE_OUTCOME,
    SMALL,
    _sensitive,
    wilson_interval,
)


def _partition_pass(n, meeting, hidden, total_n, total_meeting, total_hidden, min_n,
                    disclosive_n) -> tuple[np.ndarray, np.ndarray]:
    """One pass over many partitions at once (rows = partitions, columns = members).

    Returns (members to hide, totals to hide): in each partition where exactly one unknown
    remains (a hidden member, the unshown remainder, or a hidden total) and it is sensitive,
    the smallest shown member; the total itself when no member is left to hide.
    """
    present = n > 0
    res_n = total_n - np.where(present, n, 0).sum(axis=1)
    res_meeting = total_meeting - np.where(present, meeting, 0).sum(axis=1)
    res_unknown = res_n > 0
    unknown = (hidden & present).sum(axis=1) + res_unknown + total_hidden
    member_sensitive = (hidden & present & _sensitive(n, meeting, min_n, disclosive_n)).any(axis=1)
    res_sensitive = res_unknown & _sensitive(res_n, res_meeting, min_n, disclosive_n)
    total_sensitive = total_hidden & _sensitive(total_n, total_meeting, min_n, disclosive_n)
    exposed = (unknown == 1) & (member_sensitive | res_sensitive | total_sensitive)
    candidates = np.where(present & ~hidden, n, np.inf)
    has_candidate = np.isfinite(candidates.min(axis=1)) if candidates.shape[1] else exposed & False
    rows = np.flatnonzero(exposed & has_candidate)
    to_hide = np.zeros_like(hidden)
    to_hide[rows, candidates.argmin(axis=1)[rows]] = True
    return to_hide, exposed & ~has_candidate & ~total_hidden


def _apply(frame: pd.DataFrame, index: list[str], column: str, members: list[str],
           total_key: str, min_n: int, disclosive_n: int) -> bool:
    """Run one kind of partition over the frame; mark new complementary suppressions.

    `index` names a partition, `column` its members (`members`, with `total_key` the total).
    """
    if not members:
        return False
    keyed = frame[frame[column].isin([*members, total_key])].set_index(index + [column])
    if keyed.empty:
        return False
    wide = keyed[["n", "n_meeting", "hidden", "row"]].unstack(column)
    if total_key not in wide["n"].columns:
        return False
    wide = wide[wide[("n", total_key)].notna()]
    if wide.empty:
        return False

    def part(name: str, columns: list[str]) -> np.ndarray:
        return wide[name].reindex(columns=columns).to_numpy(dtype=float)

    to_hide, hide_total = _partition_pass(
        np.nan_to_num(part("n", members)), np.nan_to_num(part("n_meeting", members)),
        np.nan_to_num(part("hidden", members)).astype(bool),
        part("n", [total_key])[:, 0], part("n_meeting", [total_key])[:, 0],
        part("hidden", [total_key])[:, 0].astype(bool), min_n, disclosive_n)
    rows = np.concatenate([part("row", members)[to_hide], part("row", [total_key])[hide_total, 0]])
    rows = rows[~np.isnan(rows)].astype(int)
    if not len(rows):
        return False
    frame.loc[rows, "hidden"] = True
    frame.loc[rows, "reason"] = COMPLEMENT
    return True


# With a `grade` column (a grade, a band or "*": all grades), the grade partitions too: all
# grades are the grades (and the students with none), and the three level bands; a band is its
# grades; the elementary band is TK-K, 1-3, 4 and 5.
ALL_GRADES = "*"


def _grade_partitions() -> list[tuple[str, list[str]]]:
    return [(ALL_GRADES, list(GRADE_ORDER)), (ALL_GRADES, list(LEVEL_BANDS)),
            ("Elementary (TK-5)", ["TK-K", "1-3", "4", "5"]),
            *[(band, list(grades)) for band, grades in GRADE_BANDS.items()]]


def protect(cells: pd.DataFrame, settings: Settings, min_n: int | None = None,
            disclosive_n: int | None = None) -> pd.DataFrame:
    """School rows plus district rows, with every suppression applied (see module docstring).

    `min_n` / `disclosive_n` override the configured ones (walkthroughs count observations,
    not students). Adds `hidden_label`: "n<10" for a small cell, "suppressed" for the others.
    Cells with a `grade` column are protected over the grade partitions as well.
    """
    min_n = settings.privacy.min_n if min_n is None else min_n
    disclosive_n = settings.privacy.disclosive_n if disclosive_n is None else disclosive_n
    counts = ["n", "n_records", "n_meeting"]
    # A sentinel for "no detail", so partition keys never hold a missing value.
    schools = cells.assign(scope=cells["school_code"].fillna(UNPLACED),
                           detail=cells["detail"].fillna(NO_DETAIL)).drop(columns="school_code")
    graded = "grade" in schools.columns
    keys = KEYS + (["grade"] if graded else [])
    group_keys = keys + ["group_id"]
    district = schools.groupby(group_keys, dropna=False, as_index=False)[counts].sum()
    district["scope"] = DISTRICT
    frame = pd.concat([schools, district], ignore_index=True)
    frame[counts] = frame[counts].astype(float)
    frame["row"] = np.arange(len(frame), dtype=float)
    small = frame["n"].to_numpy() < min_n
    disclosive = _sensitive(frame["n"].to_numpy(), frame["n_meeting"].to_numpy(),
                            min_n, disclosive_n) & ~small
    frame["hidden"] = small | disclosive
    frame["reason"] = np.where(small, SMALL, np.where(disclosive, ONE_OUTCOME, None))

    by_field: dict[str, list[str]] = {}
    for group in settings.groups:
        by_field.setdefault(group.field, []).append(group.id)
    present_groups = set(frame["group_id"])
    yes_no = [[g] for field, ids in by_field.items() if field != "race_ethnicity"
              for g in ids if g in present_groups]
    races = [g for g in by_field.get("race_ethnicity", []) if g in present_groups]
    school_scopes = sorted(set(frame["scope"]) - {DISTRICT})
    grade_partitions = _grade_partitions() if graded else []
    changed = True
    while changed:
        changed = False
        for members in [*yes_no, races]:
            changed |= _apply(frame, keys + ["scope"], "group_id", members, "all", min_n,
                              disclosive_n)
        changed |= _apply(frame, keys + ["group_id"], "scope", school_scopes, DISTRICT, min_n,
                          disclosive_n)
        for total, members in grade_partitions:
            changed |= _apply(frame, KEYS + ["scope", "group_id"], "grade", members, total,
                              min_n, disclosive_n)

    frame["suppressed"] = frame["hidden"]
    frame["hidden_label"] = np.where(~frame["hidden"], None,
                                     np.where(frame["reason"] == SMALL, f"n<{min_n}", "suppressed"))
    value = 100 * frame["n_meeting"] / frame["n_records"].where(frame["n_records"] > 0)
    frame["value"] = value.where(~frame["suppressed"]).astype("Float64").round(1)
    low, high = wilson_interval(frame["n_meeting"].to_numpy(float),
                                frame["n_records"].to_numpy(float))
    frame["ci_low"] = pd.Series(low, index=frame.index).where(~frame["suppressed"]).round(1)
    frame["ci_high"] = pd.Series(high, index=frame.index).where(~frame["suppressed"]).round(1)
    frame["n_meeting"] = frame["n_meeting"].where(~frame["suppressed"])
    frame["n"] = frame["n"].astype(int)
    frame["n_records"] = frame["n_records"].astype(int)
    frame["detail"] = frame["detail"].replace(NO_DETAIL, None)
    return frame.drop(columns=["hidden", "row"]).reset_index(drop=True)


def mask_small(frame: pd.DataFrame, n_column: str, value_columns: list[str],
               min_n: int) -> pd.DataFrame:
    """For tables that are not measure cells (medians, transitions, published comparisons):
    values of rows counting fewer than `min_n` students are dropped."""
    frame = frame.copy()
    small = frame[n_column].fillna(0) < min_n
    for column in value_columns:
        frame[column] = frame[column].where(~small)
    return frame
