"""The review page's layout at phone to desktop widths, and its keyboard after Esc (issue 14, items 20-22).

Geometry, not pixels: the tests read the boxes of the elements a reviewer
looks at (the index's count cells, the sticky header, the selected pair)
and check where they sit. Each test also takes a screenshot of what it
checked; ``BITEXT_SCREENSHOTS=1`` writes them to ``tests/review/screenshots/``
(the copies there were made that way, to look at), otherwise to a temporary
folder.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.browser import CHROMIUM, browser, serving  # noqa: F401 (browser is a fixture)
from support.review_run import make_run

SHOTS = Path(__file__).resolve().parent / "screenshots"
WIDTHS = (400, 768, 1024, 1440)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium (apt-get install chromium; CI installs it)"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One run for the module, with a translation memory of its own (module fixtures come before
    conftest's per-test one, and the run's manifest names the memory the page reads)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BITEXT_CACHE_DIR", str(tmp_path_factory.mktemp("layout-cache")))
        yield make_run(tmp_path_factory.mktemp("layout"))


@pytest.fixture
def open_page(browser):
    """A page of the given width; fails the test on any script error."""
    pages = []

    def make(width: int, height: int = 800):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert not page.errors, page.errors
        page.close()


def _shot(page, name: str, tmp_path: Path) -> None:
    folder = SHOTS if os.environ.get("BITEXT_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))


def _below(header: dict, box: dict) -> bool:
    return box["y"] >= header["y"] + header["height"] - 1


@pytest.mark.parametrize("width", WIDTHS)
def test_index_counts_sit_side_by_side_under_their_headings(open_page, run, tmp_path, width):
    page = open_page(width)
    with serving(run) as base:
        page.goto(base + "/")
        cells = page.locator("tr.article-row").first.locator("td.num")
        heads = page.locator("th.num")
        assert cells.count() == heads.count() == 4
        boxes = [cells.nth(i).bounding_box() for i in range(4)]
        assert len({round(b["y"]) for b in boxes}) == 1, boxes  # one line of cells, not a stack
        lefts = [b["x"] for b in boxes]
        assert lefts == sorted(lefts) and len(set(lefts)) == 4, boxes
        for n, cell in enumerate(boxes):  # each count under its own heading, as wide as it
            head = heads.nth(n).bounding_box()
            assert abs(head["x"] - cell["x"]) < 1 and abs(head["width"] - cell["width"]) < 1, (head, cell)
        if boxes[-1]["x"] + boxes[-1]["width"] > width:  # too wide for the screen: it scrolls sideways, not cut off
            scroller = page.locator(".table-scroll")
            assert scroller.evaluate("el => getComputedStyle(el).overflowX") == "auto"
            assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
        link = page.locator("tr.article-row").first.locator("a[href='/articles/0']").first
        box = link.bounding_box()  # the way to the article's pairs is on screen at every width
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        _shot(page, f"index-{width}.png", tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sticky_header_never_covers_the_selected_pair(open_page, run, tmp_path, width):
    page = open_page(width)
    with serving(run) as base:
        page.goto(base + "/articles/0")
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)  # the browser's own scroll to a fragment comes after load
        header = page.locator("header.top")
        assert _below(header.bounding_box(), page.locator("article.pair.current").bounding_box())
        steps = min(5, page.locator("article.pair").count() - 1)
        for key in ["j"] * steps + ["k"] * steps:  # walk down, then back up: scrolling under the header
            page.keyboard.press(key)
            current = page.locator("article.pair.current").bounding_box()
            assert _below(header.bounding_box(), current), (width, key, header.bounding_box(), current)
            assert current["y"] < page.viewport_size["height"]
        _shot(page, f"article-{width}.png", tmp_path)


def test_after_esc_the_pair_keeps_the_keyboard(open_page, run, tmp_path):
    """Esc closes the editor and gives the focus back to the pair, so `n` and `e` act on it at once."""
    from playwright.sync_api import expect

    page = open_page(1440, 900)
    with serving(run) as base:
        page.goto(base + "/articles/0")
        row = page.locator("article.pair").nth(2)
        row.locator(".src").click()
        for open_key, box in (("e", ".edit-box"), ("n", ".note-box"), ("e", ".edit-box")):
            page.keyboard.press(open_key)
            expect(row.locator(box)).to_be_focused()
            page.keyboard.press("Escape")
            assert row.evaluate("el => document.activeElement === el"), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
            assert "current" in row.get_attribute("class")
        page.keyboard.press("n")
        expect(row.locator(".note-box")).to_be_focused()
        _shot(page, "after-escape-note.png", tmp_path)
