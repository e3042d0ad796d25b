"""axe-core (bundled by axe-playwright-python) on every page and on presentation mode: no
serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import READY_MS

PATHS = ["", "school", "groups", "learning_walks", "surveys", "data", "cycles", "reflection", "goals",
         "learning_walks?present=1&slide=1", "learning_walks?present=1&slide=3"]


@pytest.mark.browser
def test_no_serious_or_critical_accessibility_violation(page: Page, server):
    axe = Axe()
    found = []
    for path in PATHS:
        page.goto(f"{server}/{path}")
        page.wait_for_selector("[data-test-script-state='notRunning']", timeout=READY_MS)
        expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=READY_MS)
        page.wait_for_load_state("networkidle")
        violations = axe.run(page).response["violations"]
        assert isinstance(violations, list)
        found += [f"/{path}: {v['impact']} {v['id']} ({len(v['nodes'])} nodes): {v['help']}"
                  for v in violations if v["impact"] in ("serious", "critical")]
    assert found == []
