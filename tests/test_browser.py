"""End to end in a real browser: JupyterLab on localhost, headless Chromium driven by Playwright.

Opens notebook 09, runs every cell, moves the temperature slider and checks that the sampled
continuation on the page changed; then moves the length slider of notebook 10's sampler (a cell the
test appends to its copy) and checks that the longer text streams in to completion. A screenshot goes to tests/artifacts/. Needs Debian's chromium
(`.ci/run` installs it); Playwright's own browser download is not used.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebooks."""
    root = tmp_path_factory.mktemp("lab")
    notebook = json.loads(NOTEBOOK_PATH.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                              "source": STREAMING_CELL.splitlines(keepends=True)})
    (root / NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")
    port, token = _free_port(), "gptlab-browser-test"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".jupyter"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                out = proc.stdout.read().decode(errors="replace")[-3000:]
                pytest.fail(f"JupyterLab did not start:\n{out}")
            time.sleep(0.5)
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


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
        shown = widget_area.locator("pre.gptlab-continuation").first  # the sampled text
        before = shown.inner_text()
        value_before = slider.locator(".widget-readout").inner_text()
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        for _ in range(5):
            handle.press("ArrowRight")
        # The HTML widget re-renders its <pre> on every update, so look it up afresh each time.
        page.wait_for_function(
            """([area, old]) => {
                const pre = area.querySelector('pre.gptlab-continuation');
                return pre !== null && pre.innerText !== old;
            }""",
            arg=[widget_area.element_handle(), before], timeout=60_000)
        after = shown.inner_text()
        value_after = slider.locator(".widget-readout").inner_text()
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
