"""config.toml: valid settings load; a bad value stops with a message naming the key."""

import datetime as dt
import tomllib

import pytest

from monitor.config import PROJECT_ROOT, ConfigError, load_settings
from monitor.school_years import date_in_school_year, previous_school_year, school_year_of

BASE = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_config_is_valid_and_has_spec_defaults():
    settings = load_settings()
    assert settings.privacy.min_n == 10
    bm = settings.calendars["benchmark"]
    assert [(w.start, w.end) for w in bm.windows] == [
        ("10-01", "10-20"), ("01-11", "01-31"), ("04-27", "05-15")]
    assert settings.measures["benchmark"].goals == {"1": 60, "2": 75, "3": 80}
    assert settings.measures["esgi"].goals == {"2": 50, "3": 75, "4": 90}
    assert settings.measures["iready_growth"].growth_expectation == {"2": 50, "3": 100}
    walks = settings.calendars["learning_walk"].windows
    assert (walks[0].start, walks[0].end) == ("08-15", "09-30")


@pytest.mark.parametrize(("old", "new", "key"), [
    ("min_n = 10", "min_n = 0", "privacy.min_n"),
    ("min_n = 10", "min_nn = 10", "privacy.min_nn"),
    ('goals = { "1" = 60, "2" = 75, "3" = 80 }', 'goals = { "1" = 60, "2" = 175, "3" = 80 }',
     "measures.benchmark.goals"),
    ('goals = { "1" = 60, "2" = 75, "3" = 80 }', 'goals = { "1" = 60, "9" = 75 }',
     "measures.benchmark.goals"),
    ('{ id = "1", label = "BM1", start = "10-01", end = "10-20" }',
     '{ id = "1", label = "BM1", start = "10-41", end = "10-20" }',
     "calendars.benchmark.windows.0.start"),
    ('field = "english_learner"', 'field = "shoe_size"', "groups.0.field"),
    ('current_school_year = "auto"', 'current_school_year = "2025-2027"',
     "district.current_school_year"),
    ('memory_limit = "512MB"', 'memory_limit = "lots"', "engine.memory_limit"),
    ("threads = 0", "threads = -1", "engine.threads"),
])
def test_bad_value_names_the_key(tmp_path, old, new, key):
    assert old in BASE
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, BASE.replace(old, new, 1)))
    assert key in str(error.value)


def test_missing_file_and_bad_toml_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[district\nname="))


def test_config_path_from_environment(tmp_path, monkeypatch):
    text = BASE.replace('name = "Riverside Valley Unified (demo)"', 'name = "Elsewhere USD"')
    monkeypatch.setenv("MONITOR_CONFIG", str(write(tmp_path, text)))
    assert load_settings().district.name == "Elsewhere USD"


def test_as_of_pins_current_year(monkeypatch):
    monkeypatch.setenv("MONITOR_AS_OF", "2026-07-01")
    settings = load_settings()
    assert settings.as_of_date() == dt.date(2026, 7, 1)
    assert settings.current_school_year() == "2026-27"


def test_school_year_arithmetic():
    assert school_year_of(dt.date(2026, 6, 30)) == "2025-26"
    assert school_year_of(dt.date(2026, 7, 1)) == "2026-27"
    assert previous_school_year("2000-01") == "1999-00"
    assert date_in_school_year("2025-26", "10-01") == dt.date(2025, 10, 1)
    assert date_in_school_year("2025-26", "02-29") == dt.date(2026, 2, 28)
    assert date_in_school_year("2027-28", "02-29") == dt.date(2028, 2, 29)


def test_every_config_key_is_documented():
    readme = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    raw = tomllib.loads(BASE)
    keys = set()
    for section, body in raw.items():
        keys.add(section)
        if isinstance(body, dict) and section not in ("calendars", "measures", "columns"):
            keys.update(body)
    keys.update(["growth_expectation", "school_goals", "headline", "goals", "calendar"])
    missing = sorted(k for k in keys if f"`{k}`" not in readme)
    assert not missing, f"config keys not documented in docs/configuration.md: {missing}"


def test_a_districts_own_reflection_framework_and_a_wrong_one(tmp_path):
    from monitor.writing import reflection
    own = BASE.replace('framework = "tntp"', 'framework = "ours"') + (
        '\n[reflection.frameworks.ours]\nlabel = "Our plan"\nlevers = [{ name = "Instruction", '
        'elements = ["Assessment calendar", "Data cycles"] }, { name = "Talent" }]\n')
    settings = load_settings(write(tmp_path, own))
    framework_id, framework = reflection.framework(settings)
    assert framework_id == "ours" and framework.label == "Our plan"
    assert reflection.parts(framework) == [("Instruction", ""),
                                           ("Instruction", "Assessment calendar"),
                                           ("Instruction", "Data cycles"), ("Talent", "")]
    uva = load_settings(write(tmp_path, BASE.replace('framework = "tntp"',
                                                     'framework = "uva_ple"')))
    uva_levers = reflection.framework(uva)[1].levers
    assert len(uva_levers) == 4 and sum(len(lever.elements) for lever in uva_levers) == 13
    assert len(reflection.parts(reflection.framework(uva)[1])) == 4 + 13
    with pytest.raises(ConfigError, match="reflection"):
        load_settings(write(tmp_path, BASE.replace('framework = "tntp"',
                                                   'framework = "tntp_typo"')))


def test_reflection_terms_begin_on_their_days_and_levers_name_known_indicators(tmp_path):
    from monitor.writing import reflection
    settings = load_settings(write(tmp_path, BASE))
    starts = reflection.term_starts(settings, "2026-27")
    assert list(starts.values()) == [dt.date(2026, 7, 1), dt.date(2026, 12, 1),
                                     dt.date(2027, 3, 1)]
    assert reflection.current_term(settings, dt.date(2026, 11, 30)) == "2026-27 Fall"
    assert reflection.current_term(settings, dt.date(2027, 3, 1)) == "2026-27 Spring"
    assert reflection.terms_begun(settings, "2026-27", dt.date(2027, 2, 15)) == [
        "2026-27 Fall", "2026-27 Winter"]
    # Terms of the district's own names, without days: the year split evenly from July.
    quarters = BASE.replace('terms = ["Fall", "Winter", "Spring"]',
                            'terms = ["Q1", "Q2", "Q3", "Q4"]')
    quarters = "\n".join(line for line in quarters.splitlines()
                         if not line.startswith("term_starts"))
    split = reflection.term_starts(load_settings(write(tmp_path, quarters)), "2026-27")
    assert [d.isoformat() for d in split.values()] == ["2026-07-01", "2026-09-30",
                                                       "2026-12-30", "2027-04-01"]
    for bad, words in [('term_starts = ["07-01", "12-01"]', "2 dates for 3 terms"),
                       ('term_starts = ["07-01", "03-01", "12-01"]', "not in the school year"),
                       ('term_starts = ["07-01", "13-01", "03-01"]', "not a month-day")]:
        text = BASE.replace('term_starts = ["07-01", "12-01", "03-01"]', bad)
        with pytest.raises(ConfigError, match=words):
            load_settings(write(tmp_path, text))
    with pytest.raises(ConfigError, match="not measure\\|detail\\|subject"):
        load_settings(write(tmp_path, BASE.replace(
            '"Organizational management" = ["survey|coherence|student"]',
            '"Organizational management" = ["walkthroughs|hqim|"]')))
    # A lever name that is no lever of the framework is said on the page, not dropped.
    typo = BASE.replace('"Organizational management" = ', '"Organisational management" = ')
    named, unknown = reflection.lever_indicators(load_settings(write(tmp_path, typo)),
                                                 reflection.framework(settings)[1])
    assert unknown == ["Organisational management"] and len(named) == 5
