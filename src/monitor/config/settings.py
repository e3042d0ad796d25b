"""Settings from config.toml, validated with pydantic.

Everything a district can change lives in config.toml: windows and their dates, goals per
measure and window, the approaching band, the minimum n, student groups, survey scale rules and
column mappings. `load_settings()` reads it (path from MONITOR_CONFIG, else the project root)
and turns any bad value into a `ConfigError` whose message names the key."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from functools import cached_property
from pathlib import Path

from pydantic import (
    ValidationError,
    field_validator,
    model_validator,
)

from monitor import registry
from monitor.config.sections import (
    Access,
    Calendar,
    Coaching,
    Cycles,
    Digest,
    District,
    Engine,
    Group,
    Loading,
    Measure,
    Privacy,
    Reflection,
    SetGoal,
    SourceCadence,
    Status,
    Surveys,
    _Strict,
)
from monitor.school_years import school_year_of

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class ConfigError(ValueError):
    """config.toml is missing, unreadable or has a bad value; the message names the key."""


class Settings(_Strict):
    district: District
    access: Access = Access()
    privacy: Privacy = Privacy()
    status: Status = Status()
    loading: Loading = Loading()
    engine: Engine = Engine()
    calendars: dict[str, Calendar]
    # Keyed by the registry's ids (monitor.registry.MEASURES, read when a config is
    # validated: a measure the registry gains is one config.toml can configure).
    measures: dict[str, Measure]
    groups: list[Group] = []
    surveys: Surveys = Surveys()
    coaching: Coaching = Coaching()
    cycles: Cycles = Cycles()
    reflection: Reflection = Reflection()
    columns: dict[str, str] = {}
    # Each source's cadence ([sources.<kind>] expect_every_days), and the briefing by email.
    sources: dict[str, SourceCadence] = {}
    digest: Digest = Digest()
    # Goals set in the product, approved (monitor.writing.goalbook adds them from the store;
    # config.toml's goals are the defaults they replace). Never read from the file.
    goals_set: tuple[SetGoal, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _later_measures(cls, raw: object) -> object:
        if not isinstance(raw, dict) or not isinstance(raw.get("measures"), dict):
            return raw
        measures = dict(raw["measures"])
        for measure_id, spec in registry.MEASURES.items():
            if spec.calendar_of is None:
                continue
            source = measures.get(spec.calendar_of)
            if measure_id not in measures and isinstance(source, dict) and "calendar" in source:
                measures[measure_id] = {"label": spec.default_label,
                                        "calendar": source["calendar"], "goals": {}}
        return {**raw, "measures": measures}

    @field_validator("measures")
    @classmethod
    def _known_measures(cls, measures: dict[str, Measure]) -> dict[str, Measure]:
        unknown = sorted(set(measures) - set(registry.MEASURES))
        if unknown:
            raise ValueError(f"no measure called {', '.join(map(repr, unknown))} (known: "
                             f"{', '.join(registry.MEASURES)})")
        return measures

    @model_validator(mode="after")
    def _references(self) -> Settings:
        for measure_id, measure in self.measures.items():
            if measure.calendar not in self.calendars:
                raise ValueError(
                    f"measures.{measure_id}.calendar: no calendar named {measure.calendar!r}"
                )
            known = set(self.calendars[measure.calendar].ids)
            tables = {"goals": measure.goals, "growth_expectation": measure.growth_expectation}
            tables |= {f"school_goals.{s}": g for s, g in measure.school_goals.items()}
            for name, table in tables.items():
                unknown = set(table) - known
                if unknown:
                    raise ValueError(
                        f"measures.{measure_id}.{name}: unknown window(s) {sorted(unknown)}; "
                        f"the {measure.calendar} calendar has {sorted(known)}"
                    )
        missing = set(registry.MEASURES) - set(self.measures)
        if missing:
            raise ValueError(f"measures: missing {sorted(missing)}")
        # Measures counted from one export share its calendar: its rows are placed in one
        # calendar's windows (the coaching logs' goals and leaders' rubric).
        for source in {spec.source for spec in registry.MEASURES.values()}:
            same = [m for m, spec in registry.MEASURES.items() if spec.source == source]
            calendars = {self.measures[m].calendar for m in same}
            if len(calendars) > 1:
                first = same[0]
                other = next(m for m in same if self.measures[m].calendar
                             != self.measures[first].calendar)
                raise ValueError(
                    f"measures.{other}.calendar: {source} exports are placed in one "
                    f"calendar's windows; use {first}'s ({self.measures[first].calendar!r})")
        unknown_sources = sorted(set(self.sources) - {str(s) for s in registry.Source})
        if unknown_sources:
            raise ValueError(f"sources: no source called {', '.join(map(repr, unknown_sources))} "
                             f"(known: {', '.join(registry.Source)})")
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise ValueError(f"groups: ids repeat: {ids}")
        known = {"tntp", "uva_ple", *self.reflection.frameworks}
        if self.reflection.framework not in known:
            raise ValueError(f"reflection.framework: {self.reflection.framework!r} is none of "
                             f"{sorted(known)} (ready-made, or [reflection.frameworks.<id>])")
        return self

    # -- derived ---------------------------------------------------------------------------
    def as_of_date(self) -> dt.date:
        pinned = os.environ.get("MONITOR_AS_OF") or self.district.as_of
        return dt.date.fromisoformat(pinned) if pinned else dt.date.today()

    def current_school_year(self) -> str:
        if self.district.current_school_year != "auto":
            return self.district.current_school_year
        return school_year_of(self.as_of_date())

    def calendar_for(self, measure_id: str) -> Calendar:
        return self.calendars[self.measures[measure_id].calendar]

    @cached_property
    def group_labels(self) -> dict[str, str]:
        return {"all": "All students"} | {g.id: g.label for g in self.groups}


def _format_error(error: ValidationError) -> str:
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (is it mistyped?)"
        elif item["type"] == "missing":
            message = "required key is missing"
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def config_path() -> Path:
    return Path(os.environ.get("MONITOR_CONFIG") or PROJECT_ROOT / "config.toml")


def load_settings(path: Path | str | None = None) -> Settings:
    """Read and validate config.toml; raise ConfigError naming the bad key."""
    path = Path(path) if path else config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: configuration file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    if "goals_set" in raw:
        raise ConfigError(f"{path}: goals_set: goals set in the product live in the store, "
                          "not in config.toml (config.toml's [measures.<id>] goals are the "
                          "defaults)")
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid configuration\n{_format_error(exc)}") from exc
