"""End to end in a real browser: JupyterLab on localhost, headless Chromium driven by Playwright.

Opens notebook 09, runs every cell, moves the temperature slider and checks that the sampled
continuation on the page changed; then moves the length slider of notebook 10's sampler (a cell the
test appends to its copy) and checks that the longer text streams in to completion. Then opens a
generated "widget gallery" notebook (tests/widget_gallery.py) that builds every widget builder of
gptlab.widgets, moves each one's main control and checks that its view changed, failing on "Error
displaying widget", a Python traceback in an output or a JavaScript error. Screenshots go to
tests/artifacts/. Needs Debian's chromium (`.ci/run` installs it); Playwright's own browser download is
not used.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from labserver import nudge_slider_until_text_changes, serve_lab
from widget_gallery import GALLERY, css_class, write_gallery

ROOT = Path(__file__).resolve().parent.parent
GALLERY_NOTEBOOK = "widget-gallery.ipynb"
NOTEBOOK_PATH = Path(os.environ.get("GPTLAB_BROWSER_NOTEBOOK", ROOT / "notebooks" / "09-temperature-and-sampling.ipynb"))
NOTEBOOK = NOTEBOOK_PATH.name
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT = int(os.environ.get("GPTLAB_BROWSER_TIMEOUT_MS", "240000"))

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run should have installed it (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


# Appended to the copy of notebook 09 (which has `model` and `tok`): notebook 10's sampler, whose later
# updates stream from an asyncio task on the kernel's event loop, a path only a live kernel exercises.
STREAMING_CELL = """from gptlab.widgets.sampling import sampling_explorer
streamer = sampling_explorer(model, tok, prompt="JULIET:\\n", temperature=0.8, length=200, seed=0)
streamer"""



@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebooks."""
    root = tmp_path_factory.mktemp("lab")
    notebook = json.loads(NOTEBOOK_PATH.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                              "source": STREAMING_CELL.splitlines(keepends=True)})
    (root / NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")
    write_gallery(root / GALLERY_NOTEBOOK, {k: notebook["metadata"][k] for k in ("kernelspec", "language_info")
                                            if k in notebook["metadata"]})
    # every cell stays rendered (JupyterLab would otherwise skip drawing cells scrolled out of view)
    settings = root / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    token = "gptlab-browser-test"
    with serve_lab(root, token, start_timeout=60) as base:
        yield base, token


def test_temperature_slider_changes_the_sample(lab, tmp_path):
    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        page.locator(".jp-Notebook").first.wait_for()
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
        # Run > Run All Cells
        page.get_by_role("menuitem", name="Run", exact=True).click()
        run_all = page.locator("li[data-command='runmenu:run-all']")
        run_all.wait_for(state="visible")
        run_all.click()
        slider = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="temperature")).first
        try:
            slider.wait_for(timeout=TIMEOUT)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "browser-09-failed.png"))
            raise
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=TIMEOUT)
        slider.scroll_into_view_if_needed()
        widget_area = slider.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        before, after, value_before, value_after = nudge_slider_until_text_changes(page, slider, widget_area)
        page.screenshot(path=str(ARTIFACTS / "browser-09-temperature.png"), full_page=False)

        # Notebook 10's sampler (appended cell): a longer length streams in, then is complete.
        length = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="length")).last
        length.scroll_into_view_if_needed()
        area = length.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        first_text = area.locator("pre.gptlab-sample").first.inner_text()
        knob = length.locator(".noUi-handle").first
        knob.focus()
        knob.press("ArrowRight")  # 200 -> 220 characters
        page.wait_for_function(
            """([area, old]) => {
                const pre = area.querySelector('pre.gptlab-sample');
                return pre !== null && pre.dataset.state === 'done' && pre.innerText !== old;
            }""",
            arg=[area.element_handle(), first_text], timeout=60_000)
        streamed = area.locator("pre.gptlab-sample").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "browser-10-sampler.png"), full_page=False)
        browser.close()
    assert value_after != value_before, "the slider did not move"
    assert after.strip() and after != before, "moving the temperature slider did not change the sampled text"
    assert len(streamed) > len(first_text), "the sampler did not finish the longer text it was asked for"


def _launch(p):
    return p.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"])


# What a widget shows: its HTML views and Output areas, not its controls (a slider's readout changes by itself).
VIEW = """el => Array.from(el.querySelectorAll('.widget-html-content, .widget-output'))
                 .map(e => e.innerHTML).join('|')"""


def _move(page, box, kind: str, label: str, value) -> None:
    """Move one control of the widget `box` the way a learner would."""
    if kind == "click":
        box.locator("button", has_text=label).first.click()
        return
    widget_class = {"slider": ".widget-slider", "select": ".widget-dropdown", "text": ".widget-inline-hbox",
                    "textarea": ".widget-textarea", "multiselect": ".widget-select-multiple"}[kind]
    control = box.locator(widget_class, has=page.locator(".widget-label", has_text=label)).first
    control.scroll_into_view_if_needed()
    if kind == "slider":
        handle = control.locator(".noUi-handle").first
        handle.focus()
        for _ in range(value):
            handle.press("ArrowRight")
    elif kind in ("select", "multiselect"):
        control.locator("select").select_option(index=value)
    elif kind == "text":
        field = control.locator("input").first
        field.fill(str(value))
        field.press("Enter")
    else:
        field = control.locator("textarea").first
        field.fill(str(value))
        field.evaluate("e => e.blur()")


def _builders() -> list[str]:
    """Every function in gptlab.widgets' modules that returns a widget (an Explorer subclass)."""
    import importlib
    import inspect
    import pkgutil

    import gptlab.widgets
    from gptlab.widgets.base import Explorer

    names = []
    for info in pkgutil.iter_modules(gptlab.widgets.__path__):
        module = importlib.import_module(f"gptlab.widgets.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            returned = inspect.signature(fn).return_annotation
            cls = getattr(module, returned, None) if isinstance(returned, str) else returned
            if fn.__module__ == module.__name__ and inspect.isclass(cls) and issubclass(cls, Explorer):
                names.append(name)
    return names


def test_every_widget_builder_reacts_in_the_browser(lab):
    """The gallery: every builder's widget is drawn from the shipped model, and moving its main control
    changes its view, with no widget error, traceback or JavaScript error on the way."""
    missing = sorted(set(_builders()) - set(GALLERY))
    assert not missing, f"builders missing from tests/widget_gallery.py: {missing}"

    base, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    unchanged: list[str] = []
    with playwright.sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
        page.goto(f"{base}/lab/tree/{GALLERY_NOTEBOOK}?token={token}")
        page.locator(".jp-Notebook").first.wait_for()
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        run_all = page.locator("li[data-command='runmenu:run-all']")
        run_all.wait_for(state="visible")
        run_all.click()
        try:
            page.locator(f".{css_class(list(GALLERY)[-1])}").wait_for(state="attached", timeout=TIMEOUT)
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=TIMEOUT)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "browser-gallery-failed.png"))
            raise
        for builder, (_, _, actions) in GALLERY.items():
            box = page.locator(f".{css_class(builder)}").first
            box.scroll_into_view_if_needed()
            before = box.evaluate(VIEW)
            for kind, label, value in [*actions, ("check", "", None)]:
                if kind != "check":
                    _move(page, box, kind, label, value)
                    continue
                try:  # the view must differ from what it showed at the previous check
                    page.wait_for_function(f"([el, old]) => ({VIEW})(el) !== old",
                                           arg=[box.element_handle(), before], timeout=30_000)
                except playwright.TimeoutError:
                    unchanged.append(builder)
                    box.screenshot(path=str(ARTIFACTS / f"browser-gallery-{builder}.png"))
                    break
                before = box.evaluate(VIEW)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=TIMEOUT)
        outputs = page.locator(".jp-OutputArea-output").all_text_contents()
        page.screenshot(path=str(ARTIFACTS / "browser-gallery.png"), full_page=False)
        browser.close()
    broken = [text[:300] for text in outputs if "Error displaying widget" in text or "Traceback" in text]
    assert not broken, f"outputs with a widget error or a traceback: {broken}"
    assert not errors, f"JavaScript errors: {errors}"
    assert not unchanged, f"moving the main control did not change the view of: {unchanged}"
