"""Live slides inside JupyterLab (issue 17): jupyterlab-slideshow's presentation of notebook 09 keeps its widgets live.

Serves a copy of notebook 09 with the `lab` fixture of tests/test_browser.py, runs every cell in headless Chromium,
starts the deck ("Start Deck", the `deck:start` command of jupyterlab-slideshow), steps forward to the slide that
holds the temperature explorer, moves its temperature slider and checks that the sampled text on the slide changed,
that the deck is really presenting (body `data-jp-deck-mode="presenting"`, the slide's cells on screen and the first
slide's off screen), with no widget error, traceback or JavaScript error. Screenshot: tests/artifacts/.
RISE's own slideshow cannot load the widget manager (see tests/test_rise.py); this is the one whose widgets stay live.
jupyterlab-slideshow 0.3.4 hides cells whose slide type is "-" (it takes only a missing slide type as "continue the
slide"), so the notebooks leave that type out (tests/test_slides.py keeps it so) and the deck here is notebook 09 as is.
"""
from __future__ import annotations

import json
import urllib.request

import pytest
from labserver import nudge_slider_until_text_changes

from test_browser import ARTIFACTS, CHROMIUM, NOTEBOOK_PATH, _launch, lab  # noqa: F401  (lab is a fixture)

playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("jupyterlab_slideshow", reason="pip install jupyterlab-slideshow (see requirements.txt)")

IDLE = "Python 3 (ipykernel) | Idle"
# The temperature slider of notebook 09's "Try it" slide and the HTML view that shows its sampled text.
SLIDER = ".widget-slider:has(.widget-label:text-is('temperature'))"
HEADING = "Try it: temperature"
DECK_NOTEBOOK = "09-deck.ipynb"


def _explorer_slide(cells: list[dict]) -> list[int]:
    """The indices of the cells on notebook 09's "Try it" slide: its heading up to the next slide or subslide."""
    start = next(i for i, cell in enumerate(cells) if HEADING in "".join(cell["source"]))
    end = next((i for i in range(start + 1, len(cells))
                if cells[i]["metadata"].get("slideshow", {}).get("slide_type") in ("slide", "subslide")), len(cells))
    return list(range(start, end))


def _upload_deck_copy(base: str, token: str) -> None:
    """Put notebook 09, unchanged, on the server under its own name for the deck."""
    notebook = json.loads(NOTEBOOK_PATH.read_text(encoding="utf-8"))
    body = json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode()
    request = urllib.request.Request(f"{base}/api/contents/{DECK_NOTEBOOK}?token={token}", data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30)


def _run_all(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    run_all = page.locator("li[data-command='runmenu:run-all']")
    run_all.wait_for(state="visible")
    run_all.click()


def test_deck_slide_keeps_the_temperature_slider_live(lab):
    base, token = lab
    _upload_deck_copy(base, token)
    assert CHROMIUM is not None
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
        page.goto(f"{base}/lab/tree/{DECK_NOTEBOOK}?token={token}")
        page.locator(".jp-Notebook").first.wait_for()
        page.get_by_text(IDLE).wait_for(timeout=120_000)
        _run_all(page)
        slider = page.locator(SLIDER).first
        try:
            slider.wait_for(state="attached", timeout=180_000)
            page.get_by_text(IDLE).wait_for(timeout=180_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "live-slides-failed.png"))
            raise
        first_cell = page.locator(".jp-Notebook .jp-Cell").first
        first_cell.click()  # the deck starts at the active cell: the title slide

        page.locator(".jp-NotebookPanel-toolbar [data-command='deck:toggle']").first.click()
        page.wait_for_selector("body[data-jp-deck-mode='presenting']", state="attached")
        # Step forward (Space, as a lecturer would) until the explorer's slide is shown.
        heading = page.locator("h2", has_text=HEADING).first
        title = page.locator("h1", has_text="Temperature and sampling").first
        for _ in range(40):
            if heading.is_visible():
                break
            page.keyboard.press("Space")
            page.wait_for_timeout(300)
        on_slide = page.locator(SLIDER).first  # notebook 09's explorer, the first temperature slider
        on_slide.wait_for(state="visible", timeout=10_000)
        title_on_screen = title.is_visible()
        shown_cells = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'))
            .flatMap((cell, i) => getComputedStyle(cell).visibility === 'visible' ? [i] : [])""")
        area = on_slide.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        before, after, readout_before, readout_after = nudge_slider_until_text_changes(page, on_slide, area)
        still_presenting = page.evaluate("() => document.body.dataset.jpDeckMode")
        page.screenshot(path=str(ARTIFACTS / "live-slides-09-temperature.png"), full_page=False)
        outputs = page.locator(".jp-OutputArea-output").all_text_contents()
        browser.close()
    broken = [text[:300] for text in outputs if "Error displaying widget" in text or "Traceback" in text]
    assert not broken, f"outputs with a widget error or a traceback: {broken}"
    assert not errors, f"JavaScript errors: {errors}"
    assert still_presenting == "presenting", "the deck stopped presenting when the slider moved"
    assert not title_on_screen, "the title slide is still on screen: the deck shows more than one slide"
    expected = _explorer_slide(json.loads(NOTEBOOK_PATH.read_text(encoding="utf-8"))["cells"])
    assert shown_cells == expected, f"cells shown {shown_cells}, expected only the explorer's slide {expected}"
    assert readout_after != readout_before, "the slider on the slide did not move"
    assert after.strip() and after != before, "moving the slider on the slide did not change the sampled text"
