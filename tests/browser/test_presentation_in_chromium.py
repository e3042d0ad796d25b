"""The learning-walk debrief on a projector: into presentation mode, through the slides by
keyboard, a note saved and found again after a restart, the deck exported to PDF."""

from __future__ import annotations

import shutil

import pypdfium2
import pytest
from playwright.sync_api import Page, expect

from monitor.db import Database
from monitor.demo.story import write_story
from monitor.writing.engines import store_url
from monitor.writing.store import Store

from .conftest import READY_MS, running_server, settled
from .room import assert_fits_the_room, walk_the_slides


def slide_title(page: Page) -> str:
    return page.get_by_role("heading", level=1).first.inner_text()


@pytest.mark.browser
def test_every_slide_of_the_districts_deck_fits_the_room(page: Page, server, artifacts):
    """The district's deck, every slide at 1366 x 768 and 1920 x 1080: nothing scrolls, no text
    under the screen's floor, no chart text on another (two principals' decks:
    test_signin_in_chromium)."""
    titles = walk_the_slides(page, f"{server}/learning_walks", artifacts, "room-district")
    assert titles[0].startswith("Learning walk ") and titles[0].endswith(": District")
    assert len(titles) >= 6


@pytest.mark.browser
def test_debrief_in_presentation_mode(page: Page, demo_db, settings, tmp_path, artifacts):
    db = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, db)
    # The demo's improvement cycles (scripts/run.sh writes them): the deck ends with the
    # district cycle's review.
    write_story(Store(store_url(db)), Database(db), settings)
    page.set_viewport_size({"width": 1920, "height": 1080})
    with running_server(db, tmp_path / "streamlit.log") as base:
        page.goto(f"{base}/learning_walks")
        settled(page)
        page.get_by_role("button", name="Present").click()
        page.wait_for_url("**present=1**")
        settled(page)
        # No sidebar, header or toolbar: only the slide.
        expect(page.get_by_test_id("stSidebar")).to_be_hidden()
        expect(page.get_by_test_id("stHeader")).to_be_hidden()
        counter = page.get_by_text("Slide 1 of ", exact=False)
        expect(counter).to_be_visible()
        count = int(counter.inner_text().rsplit(" ", 1)[1])
        assert count >= 5
        titles = []
        for number in range(1, count + 1):
            expect(page.get_by_text(f"Slide {number} of {count}")).to_be_visible(timeout=READY_MS)
            settled(page)
            titles.append(slide_title(page))
            page.screenshot(path=artifacts / f"slide-{number}-1920x1080.png")
            assert_fits_the_room(page, f"slide {number}")
            page.mouse.click(5, 5)
            page.keyboard.press("ArrowRight")
        assert len(set(titles)) == count
        assert titles[0].startswith("Learning walk ")
        assert titles[-1].startswith("Cycle review: ")
        page.set_viewport_size({"width": 1366, "height": 768})
        settled(page)
        page.screenshot(path=artifacts / f"slide-{count}-1366x768.png")
        assert_fits_the_room(page, f"slide {count} at 1366x768")
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_text(f"Slide {count - 1} of {count}")).to_be_visible(timeout=READY_MS)

        # A note on the trend slide, saved with the walk.
        page.goto(f"{base}/learning_walks?present=1&slide=2")
        settled(page)
        # The notes are folded under the slide until the room writes some.
        expect(page.get_by_label("What do we notice?")).to_be_hidden()
        page.get_by_text("Debrief notes for this slide").click()
        page.get_by_label("What do we notice?").fill("Core Action 1 is flat since Q1")
        page.get_by_label("Next steps (one per line)").fill("Norm CA1 with coaches")
        page.get_by_role("button", name="Save notes").click()
        expect(page.get_by_text("Notes saved with this walk.")).to_be_visible(timeout=READY_MS)
        # The save's run has finished (the export button is the new run's, not one the run
        # is replacing) before the deck is asked for.
        settled(page)

        # The deck as a PDF: every slide, each with its title (Kaleido draws each chart: a
        # minute or more on a busy 2-core machine; a ceiling, never a wait).
        with page.expect_download(timeout=READY_MS) as download:
            page.get_by_role("button", name="PDF").click()
        pdf = tmp_path / "deck.pdf"
        download.value.save_as(pdf)
        document = pypdfium2.PdfDocument(pdf)
        assert len(document) == count
        for number, (pdf_page, title) in enumerate(zip(document, titles, strict=True), start=1):
            pdf_page.render(scale=1.5).to_pil().save(artifacts / f"deck-page-{number}.png")
            text = " ".join(pdf_page.get_textpage().get_text_range().split())
            assert title.split(":")[0] in text and title[-20:].replace("–", "-") in text, (
                number, title, text[:300])
        assert "Norm CA1 with coaches" in " ".join(
            document[1].get_textpage().get_text_range().split())

        # Leaving by keyboard brings the page and its sidebar back.
        page.mouse.click(5, 5)
        page.keyboard.press("Escape")
        expect(page.get_by_role("heading", name="Learning walks", exact=True)).to_be_visible(
            timeout=READY_MS)
        expect(page.get_by_test_id("stSidebar")).to_be_visible()
        assert "present" not in page.url

    # After a restart the note is still there, with the walk.
    with running_server(db, tmp_path / "streamlit-2.log") as base:
        page.goto(f"{base}/learning_walks?present=1&slide=2")
        settled(page)
        expect(page.get_by_label("What do we notice?")).to_have_value(
            "Core Action 1 is flat since Q1")
        page.screenshot(path=artifacts / "slide-notes-after-restart-1920x1080.png")
