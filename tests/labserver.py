"""A JupyterLab server on 127.0.0.1 for the real-browser tests (test_browser, test_rise, test_live_slides)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_lab(root: Path, token: str, start_timeout: float = 90) -> Iterator[str]:
    """Run JupyterLab on `root` (its settings in root/.jupyter) and yield its base URL; stop it afterwards."""
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".jupyter"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=root)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + start_timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"JupyterLab did not start:\n{proc.stdout.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.5)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def nudge_slider_until_text_changes(page, slider, area, presses: int = 5) -> tuple[str, str, str, str]:
    """Press ArrowRight on an ipywidgets slider and wait until the sampled text (`pre.gptlab-continuation`
    inside `area`) changes; returns (text before, text after, readout before, readout after)."""
    before = area.locator("pre.gptlab-continuation").first.inner_text()
    readout_before = slider.locator(".widget-readout").inner_text()
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")
    # the HTML widget re-renders its <pre> on every update, so the page looks it up afresh each time
    page.wait_for_function(
        """([area, old]) => {
            const pre = area.querySelector('pre.gptlab-continuation');
            return pre !== null && pre.innerText !== old;
        }""", arg=[area.element_handle(), before], timeout=60_000)
    after = area.locator("pre.gptlab-continuation").first.inner_text()
    return before, after, readout_before, slider.locator(".widget-readout").inner_text()
