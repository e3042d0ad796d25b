"""Shared fixtures: a pinned as-of date, a small demo district database, the shared samples."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests: no per-example deadline (these machines are shared and noisy: time is not what
# a property test checks), and the same examples on every run, so a red suite is reproducible.
hypothesis_settings.register_profile("suite", deadline=None, derandomize=True)
hypothesis_settings.load_profile("suite")

# Pin the date the product treats as "now" before anything reads it, so results never change
# with the calendar. Mid-February: two benchmark windows done, ESGI window 3 open.
AS_OF = dt.date(2027, 2, 15)
os.environ["MONITOR_AS_OF"] = AS_OF.isoformat()

from monitor.config import PROJECT_ROOT, Settings, load_settings  # noqa: E402
from monitor.demo.district import write_demo  # noqa: E402
from monitor.ingest.load import load_files  # noqa: E402

SHARED_DATA = Path(os.environ.get("MONITOR_SHARED_DATA") or PROJECT_ROOT.parent / "shared" / "data")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
DEMO_STUDENTS = 3000


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(PROJECT_ROOT / "config.toml")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"shared sample data not found at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory, settings) -> list[Path]:
    out = tmp_path_factory.mktemp("demo_exports")
    return write_demo(out, settings, students=DEMO_STUDENTS, seed=7, as_of=AS_OF)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, demo_files, settings) -> Path:
    """A small demo district loaded through the real loader."""
    path = tmp_path_factory.mktemp("demo_db") / "monitor.duckdb"
    result = load_files(demo_files, settings, db_path=path)
    assert result.exit_code == 0, [r.line() for r in result.reports]
    return path


@pytest.fixture(scope="session")
def week_db(tmp_path_factory, settings) -> Path:
    """The demo district loaded a week before AS_OF, then the week's new files on AS_OF (as
    scripts/run.sh builds it): "what changed" has a real week to show."""
    folder = tmp_path_factory.mktemp("week_db")
    then = AS_OF - dt.timedelta(days=7)
    earlier = write_demo(folder / "last_week", settings, DEMO_STUDENTS, 7, then)
    new = write_demo(folder / "this_week", settings, DEMO_STUDENTS, 7, AS_OF, since=then)
    path = folder / "monitor.duckdb"
    try:
        os.environ["MONITOR_AS_OF"] = then.isoformat()
        assert load_files(earlier, settings, db_path=path).exit_code == 0
    finally:
        os.environ["MONITOR_AS_OF"] = AS_OF.isoformat()
    assert load_files(new, settings, db_path=path).exit_code == 0
    return path


@pytest.fixture
def use_demo_db(demo_db, monkeypatch) -> Path:
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    return demo_db


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def app_runs_end_without_an_exception(monkeypatch):
    """Every AppTest run in the suite fails its test when the script ended with an exception,
    whatever the test goes on to check (a page that draws its title and then crashes must not
    pass on its title)."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    run = AppTest._run

    def checked(self, *args, **kwargs):
        # The server hides error details from users (.streamlit/config.toml); a failing test
        # shows them.
        shown = config.get_option("client.showErrorDetails")
        config.set_option("client.showErrorDetails", "full")
        try:
            result = run(self, *args, **kwargs)
        finally:
            config.set_option("client.showErrorDetails", shown)
        if result.exception:
            pytest.fail("the app raised: " + "; ".join(
                f"{e.proto.type}: {e.value}\n{''.join(e.stack_trace[-6:])}"
                for e in result.exception), pytrace=False)
        return result

    monkeypatch.setattr(AppTest, "_run", checked)


@pytest.fixture(autouse=True)
def no_cache_warmer_left_running():
    """AppTest runs in this process start the cache warmer's thread (monitor.ui.warm); stop it
    after each test so it never works on a database another test has moved on from."""
    yield
    warm = sys.modules.get("monitor.ui.warm")
    if warm is not None:
        warm.stop()


def pytest_collection_modifyitems(items):
    """Every browser test is in the slow lane too (scripts/test.sh --fast leaves them out)."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
