"""Every page through app.py over a broad, seeded sample of the filter combinations a user can
pick: every school (each kind, the smallest included) and the district, every student group,
every grade and grade band, both years, every window, both subjects, the learning walks' slides;
as an analyst and as a principal. Each run ends without an exception and shows a chart or says
why there is none.

The sample is a covering design: each page gets as many runs as the longest list of choices, and
each run takes the next value of every filter from its own shuffled list, so every value of
every filter is seen on every page at least once, in a different company each time (the seed
fixes which)."""

from __future__ import annotations

import random
import re

import pytest
from streamlit.testing.v1 import AppTest

from monitor.config import PROJECT_ROOT, load_settings
from monitor.db import Database
from monitor.keys import GRADE_BANDS, GRADE_ORDER
from monitor.measures import selection
from monitor.school_years import previous_school_year

from .test_pages import run_page
from .test_principal import principal_run

# Slow lane: the sweep of every filter combination.
pytestmark = pytest.mark.slow

ANALYST_PAGES = ["overview", "school", "groups", "learning_walks", "surveys", "cycles",
                 "reflection", "data"]
PRINCIPAL_PAGES = ANALYST_PAGES[:-1]
SEED = 20261201
ALL = "__all__"
# What a page says when it has nothing to draw: each begins a sentence that gives the reason.
NO_DATA_WORDS = ("no ", "not ", "nothing", "none", "hidden", "fewer", "too few", "suppressed", "only",
                 "n<", "without", "before", "after")


def choices(settings, schools: list[str]) -> dict[str, list[str]]:
    current = settings.current_school_year()
    return {
        "year": [current, previous_school_year(current)],
        "school": [ALL, *schools],
        "subject": ["ELA", "Math"],
        "grade": [ALL, *GRADE_BANDS, *GRADE_ORDER],
        "group": list(settings.group_labels),
        "window": [ALL, *selection.window_choices(settings)],
    }


def covering(options: dict[str, list[str]], rng: random.Random) -> list[dict[str, str]]:
    """Runs in which every value of every option appears at least once."""
    shuffled = {name: rng.sample(values, len(values)) for name, values in options.items()}
    runs = max(len(values) for values in options.values())
    return [{name: values[i % len(values)] for name, values in shuffled.items()}
            for i in range(runs)]


def as_params(combo: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in combo.items() if value != ALL}


def sweep(scope: str) -> list[tuple[str, dict[str, str]]]:
    settings = load_settings()
    rng = random.Random(f"{SEED}-{scope}")
    runs = []
    for page in ANALYST_PAGES if scope == "analyst" else PRINCIPAL_PAGES:
        # The school is the principal's own (fixed), so their sweep leaves it out.
        options = choices(settings, ["SCHOOLS"])
        if scope == "principal":
            del options["school"]
        for combo in covering(options, rng):
            params = as_params(combo)
            if page == "learning_walks" and rng.random() < 0.5:
                params |= {"present": "1", "slide": str(rng.randint(1, 6))}
            runs.append((page, params))
    return runs


def run(page: str, params: dict[str, str], *, principal: bool) -> AppTest:
    """The page through app.py as the other app tests open it (a principal signed in)."""
    return principal_run(page, params) if principal else run_page(page, params)


def says_why(at: AppTest) -> bool:
    """The page's own body says why it draws nothing (the sidebar's captions do not count:
    they are there on every page, whatever it shows): a message, a caption, or a slide's
    own line in presentation mode ("Too few classroom observations on this walk.")."""
    messages = [m.value for kind in ("info", "warning", "caption", "markdown")
                for m in at.main.get(kind)]
    return any(word in str(m).lower() for m in messages for word in NO_DATA_WORDS)


def check(at: AppTest, page: str, params: dict[str, str]) -> None:
    # The conftest guard has already failed the test on any exception in the run.
    assert not at.error, (page, params, [e.value for e in at.error])
    if page == "data":
        assert at.dataframe, (page, params, "the Data page shows no table")
        return
    charts = at.get("plotly_chart")
    assert charts or says_why(at), (page, params, "no chart and no reason given")
    # A count reads as a whole number wherever it is written ("n=47", never "n=47.0").
    written = [chart.proto.spec for chart in charts] + [
        str(m.value) for kind in ("caption", "subheader", "markdown") for m in at.get(kind)]
    fractional = [found for text in written for found in FRACTIONAL_COUNT.findall(text)]
    assert not fractional, (page, params, fractional[:5])
    # A hidden count is said in words ("n<10 students", "n suppressed"), not as a number.
    garbled = [found for text in written for found in HIDDEN_AS_NUMBER.findall(text)]
    assert not garbled, (page, params, garbled[:5])
    check_status_colours(at, page, params)


# One colour language: a status has the same colour on every page (monitor.present.charts.
# STATUS_COLOURS; Streamlit's badges in their nearest named colours).
BADGE_COLOURS = {"✓ Met": "blue", "≈ Approaching": "orange", "✗ Not met": "red"}
MARKS = {"✓": "met", "≈": "approaching", "✗": "not met"}


def check_status_colours(at: AppTest, page: str, params: dict[str, str]) -> None:
    from monitor.present.charts import STATUS_COLOURS

    for element in at.markdown:
        for colour, words in re.findall(r":(\w+)-badge\[([^\]]+)\]", str(element.value)):
            if words in BADGE_COLOURS:
                assert colour == BADGE_COLOURS[words], (page, params, colour, words)
    for element in at.get("html"):
        for colour, mark in re.findall(r"color:(#\w+)'>([✓≈✗])<", element.body):
            assert colour == STATUS_COLOURS[MARKS[mark]], (page, params, colour, mark)
    # A performance level (the Dashboard-style grid) is never in the colour of a goal met
    # unless its result met its goal.
    for chart in at.get("plotly_chart"):
        for text in re.findall(r"Blue level[^\"]*", chart.proto.spec):
            assert text.endswith("· met"), (page, params, text)


FRACTIONAL_COUNT = re.compile(r"\bn ?= ?\d[\d,]*\.\d")
HIDDEN_AS_NUMBER = re.compile(r"\bn ?= ?(?:n ?<|suppressed|nan|None)", re.IGNORECASE)


@pytest.fixture(scope="module")
def school_list(demo_db):
    return Database(demo_db).query("schools")["school_code"].tolist()


def resolve(params: dict[str, str], schools: list[str], index: int) -> dict[str, str]:
    """The covering design's placeholder school becomes each school in turn (and the district,
    which is the default and so no parameter)."""
    if params.get("school") != "SCHOOLS":
        return params
    everyone = [ALL, *schools]
    chosen = everyone[index % len(everyone)]
    return {k: v for k, v in params.items() if k != "school"} | (
        {} if chosen == ALL else {"school": chosen})


ANALYST_RUNS = sweep("analyst")


@pytest.mark.parametrize(("index", "page_name", "params"),
                         [(i, page, params) for i, (page, params) in enumerate(ANALYST_RUNS)],
                         ids=[f"{i}-{page}" for i, (page, _) in enumerate(ANALYST_RUNS)])
def test_analyst_views(index, page_name, params, use_demo_db, school_list):
    params = resolve(params, school_list, index)
    check(run(page_name, params, principal=False), page_name, params)


PRINCIPAL_RUNS = sweep("principal")


@pytest.fixture(scope="module")
def principal_configs(demo_db, tmp_path_factory) -> list:
    """A principal's config for one school of each level and for the smallest school (one file
    each for the whole module, so runs for the same principal share Streamlit's caches)."""
    con = Database(demo_db).connection()
    picked = [code for (code,) in con.execute(
        "SELECT min(school_code) FROM schools GROUP BY level ORDER BY level").fetchall()]
    (smallest,) = con.execute(
        "SELECT school_code FROM roster GROUP BY school_code ORDER BY count(DISTINCT "
        "student_id), school_code LIMIT 1").fetchone()
    folder = tmp_path_factory.mktemp("principals")
    paths = []
    for code in dict.fromkeys([*picked, smallest]):
        text = (PROJECT_ROOT / "config.toml").read_text().replace(
            "\ndemo = true\n",
            f'\ndemo = false\n[access.users]\n"principal@district.org" = '
            f'{{ role = "principal", schools = ["{code}"] }}\n')
        path = folder / f"config-{code}.toml"
        path.write_text(text)
        paths.append(path)
    return paths


@pytest.mark.parametrize(("index", "page_name", "params"),
                         [(i, page, params) for i, (page, params) in enumerate(PRINCIPAL_RUNS)],
                         ids=[f"{i}-{page}" for i, (page, _) in enumerate(PRINCIPAL_RUNS)])
def test_principal_views(index, page_name, params, use_demo_db, principal_configs,
                         monkeypatch):
    monkeypatch.setenv("MONITOR_CONFIG", str(principal_configs[index % len(principal_configs)]))
    check(run(page_name, params, principal=True), page_name, params)
