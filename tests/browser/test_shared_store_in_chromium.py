"""Two server processes on one store: a note saved and a cycle opened through one server are
seen through the other, with the store in SQLite (the default) and in a real PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from monitor.db import Database

from ..postgres import cluster, new_database
from .conftest import READY_MS, running_server, settled
from .test_cycles_in_chromium import _choose, _fill


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    with cluster() as server:
        yield new_database(server)


@pytest.mark.browser
def test_two_servers_share_what_people_write(page: Page, demo_db, store_url, tmp_path,
                                             artifacts):
    env = {"MONITOR_STORE_URL": store_url}
    schools = Database(demo_db).query("schools")
    school = schools.loc[schools["level"] == "Middle", "school_code"].iloc[0]
    with running_server(demo_db, tmp_path / "first.log", env=env) as first, \
            running_server(demo_db, tmp_path / "second.log", env=env) as second:
        # A note through the first server ...
        page.goto(f"{first}/learning_walks?present=1&slide=2")
        settled(page)
        page.get_by_text("Debrief notes for this slide").click()
        page.get_by_label("What do we notice?").fill("Seen from the other server")
        page.get_by_role("button", name="Save notes").click()
        expect(page.get_by_text("Notes saved with this walk.")).to_be_visible(timeout=READY_MS)
        # ... and a cycle.
        page.goto(f"{first}/cycles?school={school}")
        settled(page)
        _fill(page, "Focus: the problem of practice", "Shared between servers")
        _choose(page, "cycle_leading_0",
                "Learning walks: % of indicator ratings meeting: HQIM in use")
        _choose(page, "cycle_lagging_0", "District benchmark: % proficient (Math)")
        page.get_by_role("button", name="Open the cycle").click()
        settled(page, charts=True)
        expect(page.get_by_role("heading", name="Focus: Shared between servers")).to_be_visible()

        # Both through the second.
        page.goto(f"{second}/learning_walks?present=1&slide=2")
        settled(page)
        expect(page.get_by_label("What do we notice?")).to_have_value(
            "Seen from the other server")
        page.goto(f"{second}/cycles?school={school}")
        settled(page, charts=True)
        expect(page.get_by_role("heading", name="Focus: Shared between servers")).to_be_visible()
        page.screenshot(path=artifacts / f"shared-store-{store_url.split(':')[0]}.png",
                        full_page=True)
