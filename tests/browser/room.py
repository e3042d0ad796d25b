"""What a projected slide must be for the back of the room, measured in the browser: the
slide fits the screen (nothing scrolls, nothing is cut off), no visible text is smaller than
the screen's floor (20 px at 1920 x 1080, 14 px at 1366 x 768; icon glyphs aside), and no
chart text lies on another."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import READY_MS, next_frame, settled

SIZES = [(1366, 768), (1920, 1080)]
MIN_TEXT_PX = {1366: 14, 1920: 20}

MEASURE = """() => {
  const scroller = document.querySelector('[data-testid="stMain"]');
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
           && r.bottom > 0 && r.top < window.innerHeight; };
  const glyph = e => getComputedStyle(e).fontFamily.includes('Material')
                     || e.closest('[data-testid="stIconMaterial"]');
  const texts = [];
  for (const e of document.querySelectorAll('.stMain *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && shown(e) && !glyph(e) && !e.closest('svg'))
      texts.push({text: e.textContent.trim().slice(0, 40),
                  size: parseFloat(getComputedStyle(e).fontSize)});
  }
  const rect = e => { const r = e.getBoundingClientRect();
                      return [r.left, r.top, r.right, r.bottom]; };
  const svg = [...document.querySelectorAll('.stMain .js-plotly-plot .main-svg text')]
    .filter(e => e.textContent.trim() && shown(e))
    .map(e => ({text: e.textContent.trim(), size: parseFloat(getComputedStyle(e).fontSize),
                box: rect(e), legend: !!e.closest('.legend')}));
  // A box that cuts off (or scrolls) what it holds: text the room cannot see.
  const clipped = [...document.querySelectorAll('.stMain *')].filter(e => {
    const s = getComputedStyle(e);
    return /(auto|scroll|hidden)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1
           && e.innerText && e.innerText.trim() && !e.closest('.js-plotly-plot');
  }).map(e => e.innerText.trim().slice(0, 40));
  return {document: [document.documentElement.scrollHeight, window.innerHeight], clipped,
          main: scroller ? [scroller.scrollHeight, scroller.clientHeight] : [0, 0],
          texts, svg};
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            width = min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0])
            height = min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1])
            if width > 1 and height > 1:
                pairs.append((a["text"], b["text"]))
    return pairs


def assert_fits_the_room(page: Page, where: str) -> dict:
    """The slide on screen fits, reads and overlaps nothing; returns what was measured."""
    next_frame(page)
    width = page.viewport_size["width"]
    floor = MIN_TEXT_PX[width]
    layout = page.evaluate(MEASURE)
    assert layout["document"][0] <= layout["document"][1], (where, "page scrolls", layout)
    assert layout["main"][0] <= layout["main"][1] + 1, (where, "slide scrolls", layout["main"])
    assert layout["clipped"] == [], (where, "text cut off", layout["clipped"])
    small = [(t["text"], t["size"]) for t in layout["texts"] + layout["svg"]
             if t["size"] < floor]
    assert small == [], (where, f"text under {floor}px", small)
    overlaps = overlapping(layout["svg"])
    assert overlaps == [], (where, "chart text overlaps", overlaps)
    return layout


def walk_the_slides(page: Page, url: str, artifacts, tag: str) -> list[str]:
    """Every slide of the deck at `url` (presentation mode), at each size: fits the room.
    Returns the titles (the last size's)."""
    titles: list[str] = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}{'&' if '?' in url else '?'}present=1&slide=1")
        settled(page)
        counter = page.get_by_text("Slide 1 of ", exact=False)
        expect(counter).to_be_visible()
        count = int(counter.inner_text().rsplit(" ", 1)[1])
        titles = []
        for number in range(1, count + 1):
            if number > 1:
                page.get_by_role("button", name="Next").click()
            expect(page.get_by_text(f"Slide {number} of {count}")).to_be_visible(
                timeout=READY_MS)
            settled(page)
            titles.append(page.get_by_role("heading", level=1).first.inner_text())
            page.screenshot(path=artifacts / f"{tag}-slide-{number}-{width}x{height}.png")
            assert_fits_the_room(page, f"{tag} slide {number} at {width}x{height}")
        assert len(set(titles)) == count, titles
    return titles
