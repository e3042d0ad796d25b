"""Coded fields read by value: one reader per kind of field, with every spelling it accepts.

Vendors write the same flag many ways (`Y`/`N`, `Yes`/`No`, `TRUE`/`FALSE`, `1`/`0`,
`Yellow Rush Flag`, blank), and the same export changes its spellings between years. A field
is never read by whether its cell is blank: each kind of field below lists what it accepts,
and a value it does not know is reported (column and value, counted in the load report), never
guessed.

`Code.read(series)` returns the meaning of each cell and a mask of the cells it did not
recognise. What a blank cell means is part of each code (`blank`): for a vendor rush flag,
not rushed; for a demographic flag, unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from monitor.ingest.common import per_value

_SPACES = re.compile(r"\s+")


class _Unrecognised:
    def __repr__(self) -> str:
        return "UNRECOGNISED"


# What a parse function returns for a cell it cannot read (None means "read: no value").
UNRECOGNISED = _Unrecognised()


def normalise(value: str) -> str:
    """Lower case, single spaces, no surrounding spaces or quotes; '1.0' (Excel) as '1'."""
    text = _SPACES.sub(" ", str(value).replace("\u00a0", " ")).strip().strip("'\"").strip().lower()
    return re.sub(r"^(-?\d+)\.0+$", r"\1", text)


@dataclass(frozen=True)
class Reading:
    """What a column's cells mean: `values` (None where blank and blank means unknown, or where
    not recognised) and `unrecognised` (True where a non-blank cell is not a known spelling)."""

    values: pd.Series
    unrecognised: pd.Series


@dataclass(frozen=True)
class Code:
    """One kind of coded field: the spellings it accepts and what each means.

    `spellings` maps a normalised spelling to its meaning (None: recognised, no value, as
    "N/A" for a rating); `parse` (optional) reads what the table does not list (a pattern such
    as "Grade 3" or "3 - Mostly"), returning UNRECOGNISED when it cannot. `blank` is the
    meaning of an empty cell (None = unknown).
    """

    name: str                                   # "yes/no flag", for messages
    spellings: Mapping[str, object]
    blank: object = None
    parse: Callable[[str], object] | None = None
    examples: tuple[str, ...] = field(default=())  # accepted spellings named in messages

    def meaning(self, value: str) -> object:
        """The meaning of one cell, or UNRECOGNISED."""
        text = normalise(value)
        if text == "":
            return self.blank
        if text in self.spellings:
            return self.spellings[text]
        return self.parse(text) if self.parse is not None else UNRECOGNISED

    def read(self, series: pd.Series) -> Reading:
        """Each cell's meaning; unique values are read once (large exports stay fast)."""
        meanings = per_value(series, self.meaning, self.blank).to_numpy(copy=True)
        unknown = meanings == UNRECOGNISED      # the sentinel compares by identity
        unrecognised = pd.Series(unknown, index=series.index)
        meanings[unknown] = None
        values = pd.Series(meanings, index=series.index, dtype=object)
        values = values.where(values.notna(), None)
        return Reading(values, unrecognised)

    def accepted(self) -> str:
        """The spellings it accepts, for a message."""
        shown = self.examples or tuple(dict.fromkeys(str(k) for k in self.spellings))[:12]
        return ", ".join(shown)


def _both(true: Iterable[str], false: Iterable[str]) -> dict[str, bool]:
    return {normalise(t): True for t in true} | {normalise(f): False for f in false}


YES_WORDS = ("y", "yes", "true", "t", "1", "x", "on", "checked", "si", "sí")
NO_WORDS = ("n", "no", "false", "f", "0", "off", "unchecked")

YES_NO = Code(
    "yes/no flag", _both(YES_WORDS, NO_WORDS),
    examples=("Y/N", "Yes/No", "TRUE/FALSE", "T/F", "1/0", "X", "blank = unknown"))

# Walkthrough and survey indicators: "not observed" is an answer, not a No.
NOT_OBSERVED = ("n/a", "na", "not applicable", "not observed", "not seen", "unable to observe",
                "did not observe", "-")
YES_NO_OBSERVED = Code(
    "Yes/No indicator", _both(YES_WORDS, NO_WORDS) | {normalise(v): None for v in NOT_OBSERVED},
    examples=("Yes/No", "Y/N", "TRUE/FALSE", "1/0", "N/A or blank = not observed"))

# i-Ready's Rush Flag: blank when the test was not rushed; the older export writes the flag's
# colour, others Y/N or TRUE/FALSE.
# Coaching logs: whether a goal was met ("Partly" is its own answer; config.toml decides how
# it counts), and the role of the person coached. "In progress" is no outcome yet.
GOAL_MET = Code(
    "goal met",
    {normalise(v): "yes" for v in (*YES_WORDS, "met", "goal met", "achieved", "met goal",
                                    "fully met", "completed", "complete")}
    | {normalise(v): "no" for v in (*NO_WORDS, "not met", "goal not met", "did not meet",
                                     "not achieved")}
    | {normalise(v): "partly" for v in ("partly", "partially", "partial", "partly met",
                                         "partially met", "somewhat", "in part")}
    | {normalise(v): None for v in ("in progress", "ongoing", "not yet", "not yet assessed",
                                     "continuing", *NOT_OBSERVED)},
    examples=("Yes", "No", "Partly", "Met / Not met / Partially met",
              "In progress or blank = not yet assessed"))
COACHED_ROLE = Code(
    "role of the person coached",
    {normalise(v): "teacher" for v in ("teacher", "classroom teacher", "teachers",
                                        "teacher leader", "intervention teacher",
                                        "special education teacher", "sped teacher",
                                        "resource teacher", "ell teacher", "el teacher",
                                        "instructional staff", "educator")}
    | {normalise(v): "leader" for v in ("leader", "school leader", "principal",
                                         "assistant principal", "ap", "vice principal", "vp",
                                         "dean", "administrator", "admin", "site leader",
                                         "site administrator", "head of school",
                                         "instructional leader", "leadership")},
    examples=("Teacher", "Principal", "Assistant Principal", "School leader", "Dean"))

RUSH_FLAG = Code(
    "rush flag",
    _both((*YES_WORDS, "rushed", "rush", "rush flag", "rushed test", "yellow", "red",
           "yellow rush flag", "red rush flag", "yellow flag", "red flag", "flagged"),
          (*NO_WORDS, "none", "not rushed", "no rush flag", "no flag", "not flagged", "-")),
    blank=False,
    examples=("blank", "Y/N", "Yes/No", "TRUE/FALSE", "1/0", "Yellow Rush Flag",
              "Red Rush Flag", "None"))


LEVEL_WORDS = {
    4: ("standard exceeded", "exceeded", "exceeds", "exceeds standard", "exceeded standard",
        "advanced", "level 4", "4"),
    3: ("standard met", "met", "meets", "meets standard", "met standard", "proficient",
        "level 3", "3"),
    2: ("standard nearly met", "nearly met", "nearly meets", "approaching",
        "approaching standard", "approaches standard", "partially met", "basic", "level 2", "2"),
    1: ("standard not met", "not met", "does not meet", "did not meet", "below standard",
        "below basic", "not yet met", "level 1", "1"),
}


def _level(text: str) -> object:
    """'Level 3: Standard Met', 'Standard Met (Level 3)', 'L3'."""
    match = re.fullmatch(r"(?:level|l)\s*([1-4])\b.*|.*\((?:level\s*)?([1-4])\)", text)
    if match:
        return int(match.group(1) or match.group(2))
    words = re.split(r"\s*[-:–(]\s*", text, maxsplit=1)[0]
    return next((rank for rank, names in LEVEL_WORDS.items() if words in names), UNRECOGNISED)


PERFORMANCE_LEVEL = Code(
    "performance level",
    {normalise(name): rank for rank, names in LEVEL_WORDS.items() for name in names},
    parse=_level,
    examples=("Standard Exceeded/Met/Nearly Met/Not Met", "Exceeds/Meets/Approaching/Below",
              "Level 1-4", "1-4"))

RATING_WORDS = {1: ("not yet", "1"), 2: ("somewhat", "2"), 3: ("mostly", "3"), 4: ("yes", "4")}


def _rating(text: str) -> object:
    """'3 - Mostly', 'Mostly (3)', '4: Yes'."""
    for part in (re.split(r"\s*[-:–(]\s*", text, maxsplit=1)[0],
                 *re.findall(r"\((\d)\)", text)):
        for rating, names in RATING_WORDS.items():
            if part in names:
                return rating
    return UNRECOGNISED


RATING = Code(
    "rating 1-4",
    {name: rating for rating, names in RATING_WORDS.items() for name in names}
    | {normalise(v): None for v in NOT_OBSERVED},
    parse=_rating,
    examples=("1-4", "Not Yet", "Somewhat", "Mostly", "Yes", "N/A or blank = not rated"))


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth")
GRADE_SPELLINGS = {
    "tk": "TK", "transitional kindergarten": "TK", "transitional k": "TK", "t-k": "TK",
    "-1": "TK", "pk": "TK", "prek": "TK", "pre-k": "TK", "pre-kindergarten": "TK",
    "k": "K", "kg": "K", "kn": "K", "kinder": "K", "kindergarten": "K", "0": "K", "00": "K",
    "k5": "K",
} | {word: str(number) for number, word in enumerate(ORDINALS, start=1)}


def _grade(text: str) -> object:
    """'3', '03', '3rd', 'Grade 3', '3rd Grade', 'Gr. 3', 'G3'."""
    text = re.sub(r"^(grade|gr\.?|g)\s*", "", text)
    text = re.sub(r"\s*grade$", "", text).strip()
    if text in GRADE_SPELLINGS:
        return GRADE_SPELLINGS[text]
    text = re.sub(r"(st|nd|rd|th)$", "", text)
    if text.isdigit() and 1 <= int(text) <= 12:
        return str(int(text))
    return GRADE_SPELLINGS.get(text.lstrip("0") or "0", UNRECOGNISED)


GRADE = Code("grade", GRADE_SPELLINGS, parse=_grade,
             examples=("TK", "K", "1-12", "01", "3rd", "Grade 3", "Kindergarten"))


SEASONS = {"fall": 0, "autumn": 0, "boy": 0, "beginning of year": 0, "winter": None,
           "moy": None, "middle of year": None, "mid-year": None, "midyear": None,
           "spring": -1, "eoy": -1, "end of year": -1}


def window_code(calendar) -> Code:
    """A window column of one calendar: its ids and labels, or a season (fall, winter,
    spring; BOY, MOY, EOY); a note in brackets or a year is ignored
    ("Winter (November 16 - March 1)", "Fall 2025")."""
    ids = list(calendar.ids)
    spellings: dict[str, object] = {}
    for season, position in SEASONS.items():
        spellings[season] = ids[len(ids) // 2] if position is None else ids[position]
    for window in calendar.windows:
        spellings[normalise(window.label)] = window.id
        spellings[normalise(window.id)] = window.id

    def parse(text: str) -> object:
        bare = re.sub(r"\(.*?\)|\b(19|20)\d{2}(-\d{2,4})?\b", " ", text)
        bare = normalise(re.sub(r"\bwindow\b|\bdiagnostic\b", " ", bare))
        return spellings.get(bare, UNRECOGNISED)

    return Code(calendar.label.lower(), spellings, parse=parse,
                examples=(*[w.id for w in calendar.windows], "Fall/Winter/Spring",
                          "BOY/MOY/EOY"))
