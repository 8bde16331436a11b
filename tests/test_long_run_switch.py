"""Issue 6: one switch (GPTLAB_LONG=1, or LONG_RUN = True in the setup cell) trains longer in every
notebook that trains a language model."""
import json
from pathlib import Path

import pytest

from gptlab.device import long_run

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TRAINING = ["00", "02", "04", "06", "07", "08", "10", "11", "12", "13", "15"]


def _code(number: str) -> list[str]:
    path = next(NOTEBOOKS.glob(f"{number}-*.ipynb"))
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("number", TRAINING)
def test_setup_cell_reads_the_switch_and_training_uses_it(number):
    cells = _code(number)
    setup = next(c for c in cells if "set_seed" in c)
    assert "LONG_RUN = " in setup and "long_run()" in setup, "the setup cell must read GPTLAB_LONG"
    later = "\n".join(cells[cells.index(setup) + 1:])
    assert "LONGER" in later or "LONG_RUN" in later, "no training cell scales its steps with the switch"


def test_switch_follows_the_environment(monkeypatch):
    monkeypatch.setenv("GPTLAB_LONG", "1")
    assert long_run()
    for off in ("0", "", "false"):
        monkeypatch.setenv("GPTLAB_LONG", off)
        assert not long_run()
    monkeypatch.delenv("GPTLAB_LONG")
    assert not long_run()
