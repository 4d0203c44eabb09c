"""The review page in a real browser: Debian's headless Chromium driven by Playwright.

Playwright's own browser download does not work here, so the tests launch
``/usr/bin/chromium`` (CI installs the ``chromium`` package). The server is
the real app under uvicorn, in a thread, on a free port.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from support.browser import CHROMIUM, browser, serving  # noqa: F401 (browser is a fixture)
from support.paths import ROOT
from support.review_run import ARTICLE, EDIT, HOSTILE, make_run
from support.structure import assert_structure_kept

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium (apt-get install chromium; CI installs it)"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda dialog: errors.append("dialog opened: " + dialog.message) or dialog.dismiss())
    pg.errors = errors
    yield pg
    context.close()
    assert not errors, errors


def test_edit_note_approve_rebuild_in_the_browser(page, tmp_path):
    from playwright.sync_api import expect

    run = make_run(tmp_path)
    with serving(run) as base:
        page.goto(base + "/articles/0")
        row = page.locator("article.pair", has_text="l'objectif reste")
        row.locator(".src").click()
        assert "current" in row.get_attribute("class")

        page.keyboard.press("n")  # note
        row.locator(".note-box").fill("Vérifier le titre exact de l'adjoint.")
        page.keyboard.press("Enter")
        expect(row.locator(".note-text")).to_have_text("Vérifier le titre exact de l'adjoint.")

        page.keyboard.press("e")  # edit: first without the {{<hl>}} pair, which the page must refuse
        box = row.locator(".edit-box")
        assert "{{<hl>}}" in box.input_value()  # the editor gets the markup to keep
        box.fill("For the city, the goal is still to make every street cyclable by 2026.")
        page.keyboard.press("Control+Enter")
        problems = row.locator(".problems")
        problems.wait_for(state="visible")
        assert "{{<hl>}}…{{</hl>}}" in problems.text_content()
        assert row.locator(".chip.status").text_content() == "pending"

        box.fill(EDIT)
        page.keyboard.press("Control+Enter")  # save, approve, next
        expect(row.locator(".chip.status")).to_have_text("approved")
        assert row.locator(".editor").is_hidden()
        assert row.locator(".chip.edited").is_visible()
        assert row.locator(".tgt .text").text_content() == EDIT
        expect(page.locator("[data-count=approved]")).to_have_text("1")

        assert "current" in row.get_attribute("class")  # the last pair: no next one to go to
        page.keyboard.press("k")
        assert "current" not in row.get_attribute("class")
        page.keyboard.press("Home")
        page.keyboard.press("a")  # approve the title: the page moves to the next pair
        page.keyboard.press("r")  # reject the next one
        expect(page.locator("[data-count=rejected]")).to_have_text("1")

        page.locator("#status-filter").select_option("approved")
        expect(page.locator("article.pair:visible")).to_have_count(2)
        page.locator("#status-filter").select_option("")

        page.get_by_role("button", name="Rebuild articles").click()
        expect(page.locator("#toast")).to_contain_text("Rebuilt 1 of 1", timeout=10_000)
        page.locator("#toast").evaluate("el => el.hidden = true")
        row.locator(".src").click()
        row.scroll_into_view_if_needed()
        shots = ROOT / "outputs"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / "review.png"))

    article = run / "velo.en.md"
    text = article.read_text(encoding="utf-8")
    assert EDIT in text
    assert_structure_kept(ARTICLE, text)  # every shortcode (and URL, tag, front matter key) kept
    for shortcode in ("{{<hl>}}", "{{</hl>}}", "{{< figure", "{{< callout warning >}}", "{{< /callout >}}", '{{< badge color="vert" >}}'):
        assert shortcode in text
    tmx = ET.parse(run / "velo.fr.md.bitext" / "pairs.tmx").getroot()
    notes = [n.text for n in tmx.iter("note")]
    assert notes == ["Vérifier le titre exact de l'adjoint."]
    [tu] = [tu for tu in tmx.iter("tu") if tu.find("note") is not None]
    assert EDIT in ["".join(seg.itertext()) for seg in tu.iter("seg")]  # inline <bpt>/<ept> hold the markup


def test_a_stale_pair_shows_what_changed_and_offers_the_old_edit(page, tmp_path):
    """The author changed an approved paragraph: the page shows old and new source with the difference
    marked, and one click puts the old edit in the editor to adapt (the memory offers it too)."""
    from playwright.sync_api import expect

    from pipeline.cli import main

    run = make_run(tmp_path)
    with serving(run) as base:
        page.goto(base + "/articles/0")
        row = page.locator("article.pair", has_text="l'objectif reste")
        row.locator(".src").click()
        page.keyboard.press("e")
        row.locator(".edit-box").fill(EDIT)
        page.keyboard.press("Control+Enter")
        expect(row.locator(".chip.status")).to_have_text("approved")
    source = tmp_path / "velo.fr.md"
    source.write_text(ARTICLE.replace("d'ici 2026", "d'ici 2030"), encoding="utf-8")
    assert main(["run", str(source), "--to", "en", "--backend", "pseudo", "--config", str(tmp_path / "fast.yaml"),
                 "--out", str(run), "--quiet"]) == 0
    with serving(run) as base:
        page.goto(base + "/articles/0")
        row = page.locator("article.pair", has_text="l'objectif reste")
        expect(row.locator(".chip.status")).to_have_text("stale")
        expect(row.locator(".stale-src .diff del")).to_have_text("2026{{</hl>}}, ")
        expect(row.locator(".stale-src .diff ins")).to_have_text("2030{{</hl>}}, ")
        assert row.locator(".flag-review_stale").count() == 1
        assert row.locator(".offer.suggestion").count() == 0  # the memory's match is the old edit, offered once
        row.locator(".offer.old-edit button").click()
        box = row.locator(".edit-box")
        assert box.input_value() == EDIT
        box.fill(EDIT.replace("2026", "2030"))
        page.keyboard.press("Control+Enter")
        expect(row.locator(".chip.status")).to_have_text("approved")
        assert row.locator(".stale-src").is_hidden() and row.locator(".offers").is_hidden()
        page.locator("#status-filter").select_option("stale")
        expect(page.locator("article.pair:visible")).to_have_count(0)


def test_hostile_article_text_renders_as_text(page, tmp_path):
    run = make_run(tmp_path, HOSTILE, "hostile.fr.md")
    with serving(run) as base:
        page.goto(base + "/articles/0")
        page.wait_for_selector("article.pair")
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.getAttribute('src'))")
        assert scripts == ["/static/review.js"]  # no script element came from the article
        assert page.locator("img").count() == 0
        handlers = page.evaluate(
            "Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)"
            ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
        )
        assert handlers == []
        body = page.locator("main").inner_text()
        assert "<script>alert(1)</script>" in body
        assert '" onmouseover="x' in body
        assert '<img src=x onerror="alert(2)">' in body
        page.locator("article.pair", has_text="onmouseover").first.hover()

        # An editor's note with markup is text too, after saving and after reloading.
        row = page.locator("article.pair").first
        row.locator(".src").click()
        page.keyboard.press("n")
        row.locator(".note-box").fill('<img src=x onerror="alert(3)"><script>alert(4)</script>')
        page.keyboard.press("Enter")
        page.wait_for_selector("#toast:has-text('Note saved')")
        page.reload()
        page.wait_for_selector("article.pair")
        assert page.locator("article.pair").first.locator(".note-text").text_content() == '<img src=x onerror="alert(3)"><script>alert(4)</script>'
        assert page.locator("img").count() == 0
        assert page.eval_on_selector_all("script", "els => els.length") == 1
    # the `page` fixture fails the test if any dialog (alert) opened or the page raised

