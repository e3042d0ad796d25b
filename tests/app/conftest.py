"""App tests share the process, and so Streamlit's caches: every cache key holds the database
version, the settings file's version and the as-of date (monitor.ui.data.cache._key), so a test that
points MONITOR_DB, MONITOR_CONFIG or MONITOR_AS_OF elsewhere gets its own results without
clearing anyone's, and tests on the same demo database reuse each other's."""

from __future__ import annotations

import pytest

from monitor.config import PROJECT_ROOT
from monitor.db import Database


@pytest.fixture
def schools(use_demo_db):
    frame = Database(use_demo_db).query("schools")
    return frame


@pytest.fixture
def mine_and_other(schools):
    """A middle school's principal, and another middle school."""
    middle = schools[schools["level"] == "Middle"]["school_code"].tolist()
    return middle[0], middle[1]


@pytest.fixture
def principal_config(tmp_path, monkeypatch, mine_and_other):
    mine, _ = mine_and_other
    text = (PROJECT_ROOT / "config.toml").read_text().replace(
        "\ndemo = true\n",
        f'\ndemo = false\n[access.users]\n"principal@district.org" = '
        f'{{ role = "principal", schools = ["{mine}"] }}\n'
        f'"office@district.org" = {{ role = "district" }}\n')
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    return mine


