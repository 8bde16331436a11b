"""gptlab.exercises (notebooks 00-13): every check passes on its stage's reference solution, the grading
switch turns failures into AssertionErrors, and the notebooks import exercises from their own stage."""
from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

import pytest
import torch

import gptlab.checks
import gptlab.exercises
import gptlab.solutions
from gptlab.exercises import common
from gptlab.exercises.common import CheckResult
from gptlab.exercises.masking import check_causal_softmax
from gptlab.exercises.prompting import generate_until_stop

ROOT = Path(__file__).resolve().parent.parent
# A check grades the reference named like it (check_x -> x), except where the notebook names it otherwise.
REFERENCE_NAMES = {"check_generate": "my_generate", "check_my_attention": "MyAttention",
                   "check_logit_lens": "logit_lens_by_hand"}


def _stage_modules() -> list:
    names = sorted(m.name for m in pkgutil.iter_modules(gptlab.exercises.__path__) if m.name != "common")
    return [importlib.import_module(f"gptlab.exercises.{name}") for name in names]


def _stages() -> dict[str, str]:
    """Notebook number -> stage module, read from each module's first words ("Notebook 04 ...")."""
    stages: dict[str, str] = {}
    for module in _stage_modules():
        name = module.__name__.rsplit(".", 1)[1]
        match = re.match(r"Notebook (\d\d) ", module.__doc__ or "")
        assert match, f"gptlab/exercises/{name}.py must start with 'Notebook NN (...)'"
        assert match.group(1) not in stages, f"two stage modules for notebook {match.group(1)}"
        stages[match.group(1)] = name
    return stages


STAGES = _stages()


def _check_table() -> list[tuple[str, str, object, object]]:
    """(module, check name, check, reference) for every check_* function defined in a stage module."""
    table = []
    for module in _stage_modules():
        for name, check in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("check_") or check.__module__ != module.__name__:
                continue
            reference = getattr(module, REFERENCE_NAMES.get(name, name.removeprefix("check_")), None)
            table.append((module.__name__.rsplit(".", 1)[1], name, check, reference))
    return table


TABLE = _check_table()


def test_every_stage_module_has_a_check_and_a_line_in_the_package_map():
    core = {"00": "flow", "01": "tokens", "02": "embeddings", "03": "queries_keys", "04": "masking",
            "05": "values", "06": "multi_head", "07": "mlp", "08": "unembedding", "09": "sampling",
            "10": "training", "11": "scale", "12": "prompting", "13": "seq2seq"}
    assert core.items() <= STAGES.items()
    assert {stage for stage, *_ in TABLE} == set(STAGES.values())
    listed = re.findall(r"^    (\w+) +(\d\d) ", gptlab.exercises.__doc__, flags=re.M)
    assert sorted(listed) == sorted((name, number) for number, name in STAGES.items())


@pytest.mark.parametrize("stage, name, check, reference", TABLE, ids=[f"{s}.{n}" for s, n, *_ in TABLE])
def test_every_check_passes_on_its_reference(stage, name, check, reference):
    assert reference is not None, (f"gptlab/exercises/{stage}.py has {name} but no reference solution named "
                                   f"{name.removeprefix('check_')} (or an entry in REFERENCE_NAMES)")
    result = check(reference)
    assert isinstance(result, CheckResult)
    assert result.ok, result.message
    assert repr(result).startswith("✅ ")


def test_old_modules_re_export_the_exercises_of_notebooks_00_to_13():
    by_name = {name: (check, reference) for _, name, check, reference in TABLE}
    old_checks = [n for n in gptlab.checks.__all__ if n.startswith("check_")]
    assert len(old_checks) == 21
    for name in old_checks:
        check, reference = by_name[name]
        assert getattr(gptlab.checks, name) is check
        assert getattr(gptlab.solutions, reference.__name__) is reference


def test_stages_share_helpers_only_through_common_and_stay_short():
    for path in sorted((ROOT / "gptlab" / "exercises").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert len(source.splitlines()) < 400, path.name
        assert source.startswith('"""Notebook') or path.name in ("__init__.py", "common.py"), path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                assert node.module == "common", f"{path.name} imports from .{node.module}: share through common.py"


# ---- grading mode -----------------------------------------------------------------------------------------

def _no_mask(scores: torch.Tensor) -> torch.Tensor:
    return torch.softmax(scores, dim=-1)  # forgets the causal mask


def _stub(scores: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError


@pytest.fixture
def self_study(monkeypatch):
    monkeypatch.delenv("GPTLAB_GRADING", raising=False)
    monkeypatch.setattr(common, "GRADING", None)


def test_self_study_returns_a_failed_result(self_study):
    result = check_causal_softmax(_no_mask)
    assert isinstance(result, CheckResult) and not result.ok
    assert repr(result).startswith("❌ causal_softmax: no mask")


@pytest.mark.parametrize("switch", ["flag", "environment"])
@pytest.mark.parametrize("broken", [_no_mask, _stub])
def test_grading_mode_raises_the_same_message(self_study, monkeypatch, switch, broken):
    message = check_causal_softmax(broken).message
    if switch == "flag":
        monkeypatch.setattr(common, "GRADING", True)
    else:
        monkeypatch.setenv("GPTLAB_GRADING", "1")
    with pytest.raises(AssertionError) as raised:
        check_causal_softmax(broken)
    assert str(raised.value) == message
    passed = check_causal_softmax(gptlab.exercises.masking.causal_softmax)
    assert isinstance(passed, CheckResult) and passed.ok


def test_the_flag_overrides_the_environment(self_study, monkeypatch):
    monkeypatch.setenv("GPTLAB_GRADING", "1")
    monkeypatch.setattr(common, "GRADING", False)
    assert not check_causal_softmax(_no_mask).ok
    monkeypatch.setenv("GPTLAB_GRADING", "0")
    monkeypatch.setattr(common, "GRADING", None)
    assert not check_causal_softmax(_no_mask).ok


# ---- notebook 12's reference follows the model's device ---------------------------------------------------

class _DeviceModel(torch.nn.Module):
    """Weights on the "meta" device; refuses input that is not on the same device, predicts token 1 always."""

    def __init__(self) -> None:
        super().__init__()
        self.config = gptlab.GPTConfig(block_size=4, vocab_size=5, n_layer=1, n_head=1, n_embd=2)
        self.weight = torch.nn.Parameter(torch.empty(2, device="meta"))
        self.devices: list[torch.device] = []

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        self.devices.append(idx.device)
        if idx.device != self.weight.device:
            raise RuntimeError(f"input on {idx.device}, model on {self.weight.device}")
        logits = torch.zeros(idx.size(0), idx.size(1), self.config.vocab_size)
        logits[..., 1] = 1.0
        return logits, None


def test_generate_until_stop_builds_its_context_on_the_models_device():
    model = _DeviceModel()
    assert generate_until_stop(model, [0, 2], stop_id=1, max_new_tokens=3) == []
    assert model.devices == [torch.device("meta")]


# ---- notebooks import their exercises from their own stage ------------------------------------------------

def _code_lines(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [line for cell in cells if cell["cell_type"] == "code"
            for line in "".join(cell["source"]).splitlines()]


NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.name[:2] for nb in NOTEBOOKS])
def test_notebooks_import_exercises_from_their_own_stage(notebook):
    stage = STAGES.get(notebook.name[:2])
    lines = _code_lines(notebook)
    for line in lines:
        assert not re.search(r"gptlab\.(checks|solutions)\b|from gptlab import .*\b(checks|solutions)\b", line), line
    stages = {m.group(1) for line in lines for m in re.finditer(r"gptlab\.exercises\.(\w+)", line)}
    assert stages == ({stage} if stage else set()), f"{notebook.name} imports exercises from {sorted(stages)}"
