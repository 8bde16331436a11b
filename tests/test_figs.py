"""Every figure the notebooks save is registered with alt text, exists, and is indexed in figs/README.md."""
from gptlab.viz import FIGS_DIR, FIGURES, figures_readme

# These tests read the checkout's figs/ (gptlab.viz.FIGS_DIR); they never write it. Figures are written
# there only with GPTLAB_WRITE_FIGS=1 (tests/test_figs_switch.py).

# The pictures the source notes refer to; the notebooks draw their own version of each.
FROM_THE_NOTES = ["gpt-3-metric-groups.png", "illustrate-q-k.png", "attention-softmax.png",
                  "attention-pre-softmax.png", "context-size-cost.png", "value-metrics.png",
                  "illustarte-value.png", "gpt-3-calculate-output-prob.png"]


def test_notes_figures_are_registered():
    missing = [name for name in FROM_THE_NOTES if name not in FIGURES]
    assert not missing, f"no notebook draws {missing}"


def test_registered_figures_exist_with_alt_text():
    for name, (notebook, alt) in FIGURES.items():
        assert (FIGS_DIR / name).is_file(), (f"{name} is registered but figs/{name} is missing: run "
                                             f"python benchmarks/notebook_times.py --inplace {notebook[:2]}")
        assert len(alt) > 20, f"{name} needs a real one-line description"


def test_figs_readme_is_current():
    assert (FIGS_DIR / "README.md").read_text() == figures_readme(), "regenerate it: python -m gptlab.viz"
