"""Every notebook becomes an offline reveal.js deck (tools/slides.py); build one and inspect it."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _slide_types(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in cells]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem[:2] for nb in NOTEBOOKS])
def test_every_notebook_has_slide_metadata_and_notes(notebook):
    types = _slide_types(notebook)
    assert types[0] == "slide", "the first cell should start a slide"
    assert types.count("slide") >= 4, "a lecture deck needs a slide per major section"
    assert "notes" in types, "add at least one speaker-notes cell (slide_type 'notes')"
    allowed = {"slide", "subslide", "fragment", "-", "skip", "notes"}
    assert set(types) <= allowed, f"unknown slide types {set(types) - allowed}"


def test_deck_builds_offline(tmp_path):
    if not NOTEBOOKS:
        pytest.skip("no notebooks yet")
    import slides

    notebook = NOTEBOOKS[0]
    deck = slides.build_deck(notebook, tmp_path)
    html = deck.read_text()
    types = _slide_types(notebook)
    # nbconvert wraps each slide in <section><section> and each subslide in one more <section>
    assert html.count("<section><section>") == types.count("slide")
    assert html.count("<section") == 2 * types.count("slide") + types.count("subslide")
    assert html.count('<aside class="notes">') == types.count("notes")
    links = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    remote = [u for u in links if re.match(r"(https?:)?//", u)]
    assert not remote, f"the deck would need the network for {remote}"
    for url in links:
        local = url.split("?")[0]
        if not local.startswith(("data:", "mailto:")):
            assert (tmp_path / local).exists(), f"{url} is referenced but not shipped with the deck"
    for css in (tmp_path / "assets" / "reveal.js").rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css.read_text()), f"{css} imports from the web"


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DECK_NOTEBOOK = ROOT / "notebooks" / "09-temperature-and-sampling.ipynb"


@contextlib.contextmanager
def _serve(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_deck_renders_widgets_and_tex_fonts_in_chromium(tmp_path):
    """Notebook 09's deck in headless Chromium: no failed or off-machine request, every saved widget
    view is drawn (html-manager), and MathJax typesets with its TeX fonts (not a system-font fallback)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run should have installed it", pytrace=False)
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    import slides

    deck = slides.build_deck(DECK_NOTEBOOK, tmp_path)
    failed: list[str] = []
    with _serve(tmp_path) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        def only_local(route):
            if route.request.url.startswith(base + "/") or route.request.url.startswith("data:"):
                route.continue_()
            else:
                failed.append(f"{route.request.url} (off the machine)")
                route.abort()

        page.route("**/*", only_local)
        page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} (HTTP {r.status})"))
        page.goto(f"{base}/{deck.name}")
        page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.OutputJax['HTML-CSS']"
                               " && MathJax.OutputJax['HTML-CSS'].fontInUse !== undefined", timeout=30_000)
        page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")  # typesetting finished
        font = page.evaluate("() => MathJax.OutputJax['HTML-CSS'].fontInUse")
        typeset = page.locator(".MathJax").count()
        views = page.locator(".jupyter-widgets.jp-OutputArea-output")
        view_count = views.count()
        empty_areas = """() => Array.from(document.querySelectorAll('.jupyter-widgets.jp-OutputArea-output'))
                     .filter(area => area.querySelector('.widget-subarea .lm-Widget') === null).length"""
        with contextlib.suppress(sync_api.TimeoutError):  # counted and reported below
            page.wait_for_function(f"() => ({empty_areas})() === 0", timeout=15_000)
        empty = page.evaluate(empty_areas)
        controls = page.locator(".widget-subarea .widget-slider").count()
        browser.close()
    assert not failed, f"the deck made requests that failed: {failed}"
    assert view_count >= 1, "notebook 09's deck should carry its widget's saved view"
    assert empty == 0, f"{empty} of {view_count} widget areas stayed empty (is the widget manager loaded?)"
    assert controls >= 1, "the widget area is drawn but has no slider"
    assert typeset > 0, "MathJax typeset nothing"
    assert font == "TeX", f"MathJax fell back to {font!r} fonts instead of its TeX web fonts"


def test_no_cell_is_marked_with_the_continue_type():
    """A missing slide type continues the slide in every tool; "-" (JupyterLab's own value for it) makes
    jupyterlab-slideshow 0.3.4 hide the cell, so the live deck would lose every code cell (tests/test_live_slides.py)."""
    marked = [(nb.name, i) for nb in NOTEBOOKS
              for i, c in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"])
              if c.get("metadata", {}).get("slideshow", {}).get("slide_type") == "-"]
    assert not marked, f"drop slide_type '-' from these cells (leave it out instead): {marked[:5]}"
