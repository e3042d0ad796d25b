"""config.toml's sections, one pydantic model each (strict: an unknown key is an error): the
calendars and their windows, each measure's goals and calendar, the district, privacy, status,
loading, the engine's limits, student groups, surveys, coaching, cycles, the reflection's
frameworks, and who may see what."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from monitor.items import ITEMS_BY_ID, normalise_text
from monitor.registry import MEASURES as _MEASURES
from monitor.school_years import date_in_school_year, school_year_start

# Roster fields a student group may be defined on (fixed identifiers, never from user input).
GroupField = Literal[
    "race_ethnicity", "english_learner", "disability", "socioeconomic", "foster", "homeless"
]

MEASURE_IDS = frozenset(_MEASURES)
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B)$", re.IGNORECASE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Strict):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _month_day(cls, value: str) -> str:
        if not _MONTH_DAY.match(value):
            raise ValueError(f"{value!r} is not a month-day like 08-11")
        return value

    def dates(self, school_year: str) -> tuple[dt.date, dt.date]:
        return date_in_school_year(school_year, self.start), date_in_school_year(
            school_year, self.end
        )


class Calendar(_Strict):
    label: str
    windows: list[Window] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered_and_unique(self) -> Calendar:
        ids = [w.id for w in self.windows]
        if len(set(ids)) != len(ids):
            raise ValueError(f"window ids repeat: {ids}")
        probe = "2000-01"
        previous_end = None
        for window in self.windows:
            start, end = window.dates(probe)
            if end < start:
                raise ValueError(f"window {window.id} ends ({window.end}) before it starts")
            if previous_end is not None and start <= previous_end:
                raise ValueError(f"window {window.id} overlaps or precedes the one before it")
            previous_end = end
        return self

    @property
    def ids(self) -> list[str]:
        return [w.id for w in self.windows]

    def label_of(self, window_id: str) -> str:
        return next((w.label for w in self.windows if w.id == window_id), window_id)


class Measure(_Strict):
    label: str
    calendar: str
    goals: dict[str, float]
    headline: bool = False
    growth_expectation: dict[str, float] = {}
    school_goals: dict[str, dict[str, float]] = {}

    @field_validator("goals", "growth_expectation")
    @classmethod
    def _percentages(cls, value: dict[str, float]) -> dict[str, float]:
        for window_id, target in value.items():
            if not 0 <= target <= 100:
                raise ValueError(f"window {window_id}: {target} is not a percent from 0 to 100")
        return value


class SetGoal(_Strict):
    """One goal table set in the product (monitor.writing.goalbook): a school's (or the
    district's, school None) targets for a measure and subject (None: every subject) per window,
    with where it came from. Not read from config.toml: the store holds these, and the app and
    the command line add the approved ones to the settings (`Settings.goals_set`)."""
    measure: str
    school: str | None = None
    subject: str | None = None
    targets: dict[str, float] = Field(min_length=1)
    set_on: dt.date
    set_by: str                       # who decided: "the district office", or a name
    proposed_by: str = ""             # a principal's proposal the district approved
    basis: str = ""                   # the suggestion it started from, in words
    reason: str = ""

    @field_validator("targets")
    @classmethod
    def _percentages(cls, value: dict[str, float]) -> dict[str, float]:
        return Measure._percentages(value)


class District(_Strict):
    name: str = Field(min_length=1)
    current_school_year: str = "auto"
    as_of: str = ""
    cds_county: str = Field("", pattern=r"^(\d{2})?$")
    cds_district: str = Field("", pattern=r"^(\d{5})?$")

    @field_validator("current_school_year")
    @classmethod
    def _year(cls, value: str) -> str:
        if value != "auto":
            school_year_start(value)
        return value

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, value: str) -> str:
        if value:
            dt.date.fromisoformat(value)
        return value


class Privacy(_Strict):
    min_n: int = Field(10, ge=1)
    disclosive_n: int = Field(20, ge=0)
    min_observations: int = Field(5, ge=1)
    # A learning walk's cell needs this many distinct teachers observed.
    min_teachers: int = Field(5, ge=1)
    # A cell of teachers' ratings (learning walks) or adults' outcomes (teacher growth,
    # coaching) where everyone had the same (0% or 100%) is hidden at any size: it would tell
    # each one's. (Off only for tests that check counts by hand.)
    adults_one_outcome: bool = True
    # CAASPP comparison rows: CDE's own rule for its public files (fewer tested not shown),
    # on top of min_n.
    state_min_tested: int = Field(11, ge=1)


class Status(_Strict):
    approaching_band: float = Field(5.0, ge=0, le=100)
    # A district status waits while an open window has results from fewer than this share of
    # the schools that take it: one school's early results are not the district's.
    reported_share: float = Field(0.8, ge=0, le=1)


class Loading(_Strict):
    nearest_window_days: int = Field(45, ge=0)
    esgi_cut_percent: float = Field(80.0, ge=0, le=100)
    proficient_level: Literal[
        "Standard Exceeded", "Standard Met", "Standard Nearly Met", "Standard Not Met"
    ] = "Standard Met"
    percent_correct_cut: float = Field(70.0, ge=0, le=100)
    exclude_rushed: bool = True
    # A file with more data rows is refused whole, with a message (uploads are also capped at
    # server.maxUploadSize megabytes in .streamlit/config.toml).
    max_rows_per_file: int = Field(5_000_000, ge=1)


class Engine(_Strict):
    """How the dashboard's DuckDB readers use the machine (each database version they hold is
    one DuckDB instance with these limits; past memory_limit a query spills to disk)."""
    memory_limit: str = "512MB"
    threads: int = Field(0, ge=0)       # 0: one per core
    # Compute the measures tables of each new database version in the background (ui/warm.py).
    warm_after_load: bool = True
    # The loader's own DuckDB (counting the lattice over every row): past it, DuckDB spills to
    # a folder beside the database rather than take the machine (its default is 80% of RAM).
    load_memory_limit: str = "1GB"

    @field_validator("memory_limit", "load_memory_limit")
    @classmethod
    def _size(cls, value: str) -> str:
        if not _MEMORY.match(value.strip()):
            raise ValueError(f"{value!r} is not a size like 1GB, 512MB or 2GiB")
        return value.strip()


class Group(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    field: GroupField
    value: str
    caaspp_id: int | None = None


class Surveys(_Strict):
    favorable_top: dict[str, int] = {"5": 2, "7": 3}
    excluded_answers: list[str] = ["I don't know", "Not applicable"]
    reversed_items: list[str] = []
    # A district's own wording of an item (item id -> statements): each is recognised as that
    # item in an export's headers or item column; the first is shown on the pages.
    wording: dict[str, list[str]] = {}

    @field_validator("reversed_items")
    @classmethod
    def _known_reversed(cls, ids: list[str]) -> list[str]:
        unknown = [i for i in ids if i not in ITEMS_BY_ID]
        if unknown:
            raise ValueError(f"unknown item id(s) {unknown}; the items are {sorted(ITEMS_BY_ID)}")
        return ids

    @field_validator("wording")
    @classmethod
    def _known_wording(cls, wording: dict[str, list[str]]) -> dict[str, list[str]]:
        for item_id, statements in wording.items():
            if item_id not in ITEMS_BY_ID:
                raise ValueError(f"{item_id!r} is not an item id; the items are "
                                 f"{sorted(ITEMS_BY_ID)}")
            if not statements:
                raise ValueError(f"{item_id}: give at least one statement")
            for text in statements:
                # A short statement would be found inside unrelated questions.
                if len(normalise_text(text).split()) < 3:
                    raise ValueError(f"{item_id}: {text!r} is too short to recognise an item "
                                     "by (three words at least)")
        return wording


class Coaching(_Strict):
    """Coaching logs: how a goal's outcome counts, and the rubric leaders are rated on."""
    partly_counts_as_met: bool = False     # "Partly" met: not met unless this is set
    # The rubric's domains (a rating column's header begins with the domain's name), its levels
    # lowest first (a rating is the level's number or its name), and the level counted as "at
    # or above" (its number). Default: four domains after the Transformational Coaching
    # framework Coaching for Equity builds on; a district using the rubric lists its own.
    rubric_domains: list[str] = [
        "Builds trusting relationships",
        "Surfaces current reality",
        "Recognizes inequities and root causes",
        "Creates new practices and ways of being",
    ]
    rubric_levels: list[str] = ["Emerging", "Developing", "Proficient", "Refining"]
    at_or_above: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _levels(self) -> Coaching:
        if self.at_or_above > len(self.rubric_levels):
            raise ValueError(f"at_or_above: {self.at_or_above} is beyond the "
                             f"{len(self.rubric_levels)} rubric levels")
        names = [normalise_text(d) for d in self.rubric_domains]
        if len(set(names)) != len(names) or "" in names:
            raise ValueError("rubric_domains: each domain needs a name of its own")
        reserved = {"goal", "teacher", "leader", "*"}
        if reserved & set(names):
            raise ValueError(f"rubric_domains: {sorted(reserved & set(names))} are reserved")
        return self


class Cycles(_Strict):
    """Improvement cycles: their default length, and how far an indicator must go from its
    start value to count as having moved."""
    # None: a new cycle runs for the learning-walk quarter it opens in (the walks' calendar).
    length_days: int | None = Field(default=None, ge=14, le=366)
    moved_points: float = Field(default=2.0, gt=0, le=50)


class Lever(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    elements: list[str] = []          # parts of the lever with stages of their own (optional)


class Framework(_Strict):
    label: str = Field(min_length=1)
    levers: list[Lever] = Field(min_length=1)


class Reflection(_Strict):
    """The system's reflection: which framework (a ready-made one, monitor.writing.reflection, or one of
    `frameworks`), the terms of a school year it is recorded in and the day each begins
    (month-day; empty: Fall from 07-01, Winter 12-01, Spring 03-01, other names an even split of
    the year from 07-01), and the indicators each lever should move (lever name -> indicator keys
    "measure|detail|subject", as the cycles name them: "walkthrough|hqim|", "benchmark||ELA")."""
    framework: str = "tntp"
    terms: list[str] = Field(default=["Fall", "Winter", "Spring"], min_length=1)
    term_starts: list[str] = []
    frameworks: dict[str, Framework] = {}
    indicators: dict[str, list[str]] = {}

    @model_validator(mode="after")
    def _starts_and_indicators(self) -> Reflection:
        if self.term_starts:
            if len(self.term_starts) != len(self.terms):
                raise ValueError(f"term_starts: {len(self.term_starts)} dates for "
                                 f"{len(self.terms)} terms ({', '.join(self.terms)})")
            days = []
            for value in self.term_starts:
                if not _MONTH_DAY.match(value):
                    raise ValueError(f"term_starts: {value!r} is not a month-day like 12-01")
                days.append(date_in_school_year("2000-01", value))
            if days != sorted(days) or len(set(days)) != len(days):
                raise ValueError(f"term_starts: {self.term_starts} are not in the school "
                                 "year's order (a year runs from July to June)")
        for lever, keys in self.indicators.items():
            for key in keys:
                parts = key.split("|")
                if len(parts) != 3 or parts[0] not in MEASURE_IDS:
                    raise ValueError(
                        f"indicators.{lever!r}: {key!r} is not measure|detail|subject with a "
                        f"known measure (for example 'walkthrough|hqim|' or 'benchmark||ELA')")
        return self


class SourceCadence(_Strict):
    """How often a source's results are expected while one of its windows is open: older than
    this, the overview and the Data page say so."""
    expect_every_days: int = Field(ge=1, le=366)


class Digest(_Strict):
    """The weekly briefing by email (`monitor digest --send`): the SMTP server, who it is from,
    and the dashboard's address for the links in it. The password is read from the
    environment variable named here, never from this file."""
    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    user: str = ""
    password_env: str = "MONITOR_SMTP_PASSWORD"
    from_address: str = ""
    dashboard_url: str = "http://localhost:8501"
    retries: int = Field(3, ge=1, le=10)
    retry_wait_seconds: float = Field(30.0, ge=0, le=3600)

    @field_validator("dashboard_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) address like https://monitor.district.org")
        return value.rstrip("/")


Role = Literal["district", "principal", "viewer"]


class UserAccess(_Strict):
    """One person's access: a role, and for a principal the school codes they lead."""
    role: Role
    schools: list[str] = []
    analyst: bool = False           # district role only: the Data page and student-level rows

    @model_validator(mode="after")
    def _consistent(self) -> UserAccess:
        if self.role == "principal" and not self.schools:
            raise ValueError("a principal needs at least one school code in schools")
        if self.analyst and self.role != "district":
            raise ValueError("only the district role can be an analyst")
        return self


class Access(_Strict):
    """Who may see what. Sign-in is OpenID Connect (Streamlit's st.login, configured in
    .streamlit/secrets.toml [auth]); roles come from `users` (email -> access) or, when
    `role_claim` is set, from the identity token's claims."""
    # Without sign-in configured the app refuses to start, unless this is the demo district
    # (everyone is a district analyst, and a banner says so) or `allow_without_sign_in` is set
    # (everyone gets `role_without_sign_in`, always suppressed aggregates for a viewer).
    demo: bool = False
    allow_without_sign_in: bool = False
    role_without_sign_in: Role = "viewer"
    role_claim: str = ""            # e.g. "role"; its value is district / principal / viewer
    schools_claim: str = "schools"  # a list of school codes, or one code
    analyst_claim: str = "analyst"  # true for district analysts
    users: dict[str, UserAccess] = {}
    # Checks on every signed-in identity, before any role (monitor.access.refusal):
    # an e-mail address counts only where the token says it is verified (`email_verified`),
    # but from the issuers listed in `trusted_email_issuers` (a provider that vouches for
    # every address it issues without saying so, such as a Microsoft Entra tenant);
    require_verified_email: bool = True
    trusted_email_issuers: list[str] = []
    # the token's issuer (`iss`) must be one of `issuers` (blank: the provider configured in
    # .streamlit/secrets.toml, whose discovery address names it);
    issuers: list[str] = []
    # and, where given, the address's domain one of `allowed_domains` and the Microsoft
    # tenant (`tid`) one of `allowed_tenants`.
    allowed_domains: list[str] = []
    allowed_tenants: list[str] = []

    @field_validator("role_without_sign_in")
    @classmethod
    def _not_principal(cls, role: str) -> str:
        if role == "principal":
            raise ValueError("a principal's schools come with sign-in: use viewer or district")
        return role

    @field_validator("users")
    @classmethod
    def _lower_emails(cls, users: dict[str, UserAccess]) -> dict[str, UserAccess]:
        return {email.strip().lower(): access for email, access in users.items()}
