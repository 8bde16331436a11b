"""Live slides (README, "Lectures"): notebook 09 as a RISE slideshow (jupyterlab-rise), in headless Chromium.

Opens /rise/<notebook> on a local JupyterLab: the deck follows the slideshow metadata the notebook carries, and
the setup cell runs live on the first slide (Shift+Enter). Then it moves to the slide with the temperature
explorer, runs it, moves the temperature slider and checks that the sampled text on the slide changed.
That second test ends as an expected failure (xfail) today, and only for this reason: jupyterlab-rise 0.43.1,
its latest release, runs the slides in its own app built on JupyterLab 4.3, which cannot load the widget
manager of ipywidgets 8.1.9 / JupyterLab 4.6, so the widget shows as its text form (upstream issues
jupyterlab-contrib/rise#119 and #126). Any other failure fails; once a release fixes it, the test checks the
slider for real.
Needs Debian's chromium, like test_browser.py.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from labserver import nudge_slider_until_text_changes, serve_lab

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "09-temperature-and-sampling.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run should have installed it (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("jupyterlab_rise")



@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab with jupyterlab-rise on 127.0.0.1, serving a copy of notebook 09; RISE set to a theme with no web fonts."""
    root = tmp_path_factory.mktemp("rise")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    settings = root / ".jupyter" / "lab" / "user-settings" / "jupyterlab-rise"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"theme": "white"}), encoding="utf-8")
    token = "gptlab-rise-test"
    with serve_lab(root, token) as base:
        yield base, token


def _run_cell(page, cell) -> None:
    """Run one cell of the slideshow with Shift+Enter (RISE's smart-exec) and wait until it has finished."""
    prompt = cell.locator(".jp-InputPrompt").first.element_handle()  # before Shift+Enter moves the slide on
    # focus, not click: a tall slide scrolls inside reveal.js, where Playwright's click cannot reach
    cell.locator(".jp-InputArea-editor .cm-content").first.focus()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("p => !p.innerText.includes('*')", arg=prompt, timeout=120_000)


@pytest.fixture(scope="module")
def slideshow(lab):
    """A headless Chromium page showing notebook 09 in RISE, its setup cell run; yields (page, off-machine requests)."""
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    off_machine: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)

        def only_local(route):
            if route.request.url.startswith(base + "/") or route.request.url.startswith("data:"):
                route.continue_()
            else:
                off_machine.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        page.goto(f"{base}/rise/{NOTEBOOK.name}?token={token}")
        page.locator(".reveal .slides section.present").first.wait_for()
        yield page, off_machine
        browser.close()


def test_rise_shows_the_deck_and_runs_code_live(slideshow):
    page, off_machine = slideshow
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    slides = sum(c.get("metadata", {}).get("slideshow", {}).get("slide_type") == "slide" for c in cells)
    assert page.locator(".reveal .slides > section").count() == slides, "one reveal.js slide per 'slide' cell"
    setup = page.locator(".jp-CodeCell", has_text="load_shakespeare_char(device)").first
    setup.wait_for()
    assert page.locator(".reveal .slides section.present .jp-CodeCell", has_text="load_shakespeare_char(device)"
                        ).count() == 1, "the setup cell should be on the first slide"
    setup.locator(".jp-OutputArea-output").first.evaluate("el => el.setAttribute('data-saved', '')")
    _run_cell(page, setup)
    fresh = setup.locator(".jp-OutputArea-output:not([data-saved])").first  # the run replaced the saved output
    fresh.wait_for()
    printed = fresh.inner_text()
    page.screenshot(path=str(ARTIFACTS / "rise-09-setup.png"))
    assert "context:" in printed, f"the setup cell did not run on the slide: {printed!r}"
    assert not off_machine, f"the slideshow asked the network for {off_machine}"


def test_rise_slide_widget_is_live(slideshow):
    page, _ = slideshow
    explorer = page.locator(".jp-CodeCell", has_text="temperature_explorer(model").first
    page.keyboard.press("Escape")
    for _ in range(40):  # right arrow: the next horizontal slide
        if page.locator(".reveal .slides section.present .jp-CodeCell",
                        has_text="temperature_explorer(model").count():
            break
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
    assert explorer.is_visible(), "no slide shows the temperature explorer"
    _run_cell(page, explorer)
    page.wait_for_function(  # the live widget, or its text form when no widget manager is loaded
        "cell => cell.querySelector('.widget-slider') || cell.innerText.includes('SamplingWidget(')",
        arg=explorer.element_handle(), timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "rise-09-temperature.png"))
    slider = explorer.locator(".widget-slider", has=page.locator(".widget-label", has_text="temperature")).first
    if slider.count() == 0 and "SamplingWidget(" in explorer.inner_text():
        pytest.xfail("jupyterlab-rise 0.43.1 cannot load the widget manager of ipywidgets 8.1.9 / JupyterLab 4.6 "
                     "(jupyterlab-contrib/rise#119, #126): the explorer shows as text on the slide")
    before, after, value_before, value_after = nudge_slider_until_text_changes(page, slider, explorer)
    assert value_after != value_before, "the temperature slider did not move"
    assert after.strip() and after != before, "moving the slider on the slide did not change the sampled text"
