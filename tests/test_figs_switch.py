"""Figures go into figs/ only when GPTLAB_WRITE_FIGS=1; running a notebook or the tests leaves figs/ alone."""
import hashlib
import json

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from gptlab import figures  # noqa: E402

NAME = "relu-vs-gelu.png"  # a registered figure that notebook 07 saves


def fingerprint(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_viz_re_exports_the_figure_functions():
    from gptlab import viz

    assert viz.save_figure is figures.save_figure and viz.FIGURES is figures.FIGURES  # notebooks call viz.save_figure


def test_without_the_switch_nothing_is_written_under_figs(monkeypatch):
    monkeypatch.delenv(figures.FIGS_ENV, raising=False)
    before = fingerprint(figures.FIGS_DIR)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = figures.save_figure(fig, NAME)
    plt.close(fig)
    assert path.is_file() and path.name == NAME
    assert figures.FIGS_DIR not in path.parents  # a temporary folder
    assert fingerprint(figures.FIGS_DIR) == before
    monkeypatch.setenv(figures.FIGS_ENV, "0")
    assert figures.figures_dir() == path.parent


def test_with_the_switch_figures_go_into_figs(monkeypatch, tmp_path):
    monkeypatch.setenv(figures.FIGS_ENV, "1")
    monkeypatch.setattr(figures, "FIGS_DIR", tmp_path)  # stands for the checkout's figs/, which stays untouched
    fig = plt.figure()
    assert figures.save_figure(fig, NAME) == tmp_path / NAME and (tmp_path / NAME).is_file()
    plt.close(fig)


def test_figs_dir_is_found_only_in_a_source_checkout(monkeypatch, tmp_path):
    assert figures.FIGS_DIR is not None and (figures.FIGS_DIR.parent / "pyproject.toml").is_file()
    installed = tmp_path / "site-packages" / "gptlab"  # a wheel's layout: no pyproject.toml, no figs/ beside it
    installed.mkdir(parents=True)
    (installed.parent / "figs").mkdir()  # even a stray figs/ there is not ours
    assert figures.checkout_figs_dir(installed) is None
    checkout = tmp_path / "clone"
    (checkout / "gptlab").mkdir(parents=True)
    (checkout / "figs").mkdir()
    (checkout / "pyproject.toml").write_text("[project]\nname = 'gptlab'\n")
    assert figures.checkout_figs_dir(checkout / "gptlab") == checkout / "figs"
    monkeypatch.setattr(figures, "FIGS_DIR", None)
    monkeypatch.setenv(figures.FIGS_ENV, "1")
    with pytest.raises(RuntimeError, match="source checkout"):
        figures.save_figure(plt.figure(), NAME)
    plt.close("all")


def test_executing_a_notebook_cell_that_saves_a_figure_leaves_figs_alone(monkeypatch, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.delenv(figures.FIGS_ENV, raising=False)  # the kernel inherits this environment
    before = fingerprint(figures.FIGS_DIR)
    cell = ("import matplotlib.pyplot as plt\nfrom gptlab import viz\n"
            "fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\n"
            f"print(viz.save_figure(fig, {NAME!r}))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    saved = nb.cells[0].outputs[0]["text"].strip()
    assert saved.endswith(NAME) and not saved.startswith(str(figures.FIGS_DIR)), json.dumps(nb.cells[0].outputs)
    assert fingerprint(figures.FIGS_DIR) == before
