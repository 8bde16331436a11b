"""The student edition and its grading with nbgrader (tools/student_edition.py; README, "Teaching a class").

Builds a small course from the exercises of notebooks 01 and 09 (their marked cells under a one-line setup
cell, so grading executes in seconds, not the whole notebook), generates the student version, grades
simulated students with `nbgrader autograde` (GPTLAB_GRADING=1: failing checks raise) and reads the points
and the feedback. Bad submissions (a deleted check cell, a syntax error) must score 0 without stopping the batch.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import student_edition  # noqa: E402

COURSE_NOTEBOOKS = ["01-tokens.ipynb", "09-temperature-and-sampling.ipynb"]
SETUP = "import torch\nimport torch.nn.functional as F\n"

# A student's answers: right for count_pairs and apply_temperature, wrong for merge (the last id is lost)
COUNT_PAIRS = """def count_pairs(ids):
    counts = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts"""
MERGE_LOSES_LAST = """def merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids) - 1:
        if (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out"""
APPLY_TEMPERATURE = """def apply_temperature(logits, T):
    if T == 0:
        return F.one_hot(logits.argmax(-1), logits.size(-1)).to(logits.dtype)
    return torch.softmax(logits / T, dim=-1)"""


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _small_course_notebook(name: str) -> dict:
    """The notebook's marked exercise cells and collapsed solutions, under a setup cell importing its checks."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    student_edition.mark_notebook(nb)  # a no-op once the notebooks are marked
    setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
    imports = [line for line in _source(setup).splitlines() if line.startswith("from gptlab.exercises")]
    keep = [c for c in nb["cells"] if c is not setup and ("nbgrader" in c.get("metadata", {})
            or student_edition.SOLUTION_TAG in c.get("metadata", {}).get("tags", []))]
    cells = [{"cell_type": "code", "execution_count": None, "id": "setup", "metadata": {}, "outputs": [],
              "source": SETUP + "\n".join(imports)}] + keep
    return dict(nb, cells=cells)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("grading")
    for name in COURSE_NOTEBOOKS:
        (tmp / "nbs").mkdir(exist_ok=True)
        (tmp / "nbs" / name).write_text(json.dumps(_small_course_notebook(name)), encoding="utf-8")
    student_edition.build(tmp / "course", sorted((tmp / "nbs").glob("*.ipynb")))
    return tmp / "course"


def _release(course: Path, name: str) -> dict:
    stem = Path(name).stem
    return json.loads((course / "release" / stem / name).read_text(encoding="utf-8"))


def _submit(course: Path, student: str, name: str, answers: dict[str, str], delete: tuple[str, ...] = ()) -> None:
    """Write a student's copy of the release: solution cells replaced by `answers`, cells in `delete` removed."""
    nb = _release(course, name)
    cells = []
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in delete:
            continue
        if grade_id in answers:
            cell["source"] = answers[grade_id]
        cells.append(cell)
    target = course / "submitted" / student / Path(name).stem / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(dict(nb, cells=cells)), encoding="utf-8")


def _expected_message(check: str, module: str, code: str) -> str:
    """What the course's check says about `code`, asked in grading mode in this process."""
    import importlib

    from gptlab.exercises import common

    namespace: dict = {}
    exec(compile(code, "<student>", "exec"), namespace)  # noqa: S102 (the test's own student code)
    function = next(v for k, v in namespace.items() if callable(v) and not k.startswith("__"))
    old, common.GRADING = common.GRADING, True
    try:
        with pytest.raises(AssertionError) as failure:
            getattr(importlib.import_module(module), check)(function)
    finally:
        common.GRADING = old
    return str(failure.value)


def test_release_removes_solutions_and_keeps_checks(course):
    for name in COURSE_NOTEBOOKS:
        nb = _release(course, name)
        text = "\n".join(_source(c) for c in nb["cells"])
        assert "solution" not in re.sub(r"#.*", "", text).lower().replace("nbgrader", ""), \
            f"{name}: the student edition still reaches a solution"
        assert "from gptlab.exercises" in text and "import check_" in text, f"{name}: the check imports went"
        found = student_edition.exercises(nb)
        assert [e.check for e in found] == [m for m in re.findall(r"^(check_\w+)\(", text, re.M)]
        assert len(found) == 2 and all(e.points == 1 for e in found)
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution"):
                assert _source(cell).rstrip().endswith("raise NotImplementedError"), _source(cell)
            assert not cell.get("outputs"), "the release should carry no outputs (they would show the answers)"
    source = json.loads((course / "source" / "01-tokens" / "01-tokens.ipynb").read_text(encoding="utf-8"))
    assert "### BEGIN SOLUTION" in "\n".join(_source(c) for c in source["cells"]), "the instructor's version runs"


def test_autograde_scores_and_feedback(course):
    _submit(course, "alice", "01-tokens.ipynb", {"count_pairs": COUNT_PAIRS, "merge": MERGE_LOSES_LAST})
    _submit(course, "alice", "09-temperature-and-sampling.ipynb", {"apply_temperature": APPLY_TEMPERATURE})
    # bob deleted merge's check cell and left a syntax error in count_pairs
    _submit(course, "bob", "01-tokens.ipynb", {"count_pairs": "def count_pairs(ids)\n    return {}",
                                               "merge": MERGE_LOSES_LAST}, delete=("check_merge",))
    api = student_edition.course_api(course)
    for assignment in ("01-tokens", "09-temperature-and-sampling"):
        result = api.autograde(assignment, "*")  # every student of the assignment in one batch, as the CLI does
        assert result["success"], f"autograde {assignment} stopped:\n{result.get('log')}{result.get('error')}"
        feedback = api.generate_feedback(assignment)
        assert feedback["success"], f"{feedback.get('log')}{feedback.get('error')}"

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        def score(student: str, assignment: str, grade_id: str) -> float:
            return gb.find_grade(grade_id, assignment, assignment, student).score

        alice_01 = gb.find_submission_notebook("01-tokens", "01-tokens", "alice")
        alice_09 = gb.find_submission_notebook("09-temperature-and-sampling", "09-temperature-and-sampling", "alice")
        bob_01 = gb.find_submission_notebook("01-tokens", "01-tokens", "bob")
        assert (alice_01.score, alice_01.max_score) == (1, 2)
        assert score("alice", "01-tokens", "check_count_pairs") == 1
        assert score("alice", "01-tokens", "check_merge") == 0
        assert (alice_09.score, alice_09.max_score) == (1, 2)  # top_k_filter left as the stub
        assert (bob_01.score, bob_01.max_score) == (0, 2), "a broken submission must not earn points"

    def feedback(student: str, assignment: str, name: str) -> str:
        page = (course / "feedback" / student / assignment / name.replace(".ipynb", ".html")).read_text()
        return html.unescape(re.sub(r"<[^>]+>", "", page))

    alice = feedback("alice", "01-tokens", "01-tokens.ipynb")
    assert _expected_message("check_merge", "gptlab.exercises.tokens", MERGE_LOSES_LAST) in alice
    assert "check_count_pairs" in alice and "Score: 1.0 / 2.0" in alice
    alice_09_page = feedback("alice", "09-temperature-and-sampling", "09-temperature-and-sampling.ipynb")
    assert "top_k_filter: not implemented yet" in alice_09_page
    bob = feedback("bob", "01-tokens", "01-tokens.ipynb")
    assert "SyntaxError" in bob
    assert "(id:check_merge) was missing from the submission" in bob, "a deleted check is put back, and says so"
    assert _expected_message("check_merge", "gptlab.exercises.tokens", MERGE_LOSES_LAST) in bob
    assert "Score: 0.0 / 2.0" in bob


NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem[:2] for nb in NOTEBOOKS])
def test_every_exercise_is_marked(notebook):
    """The committed notebooks carry the nbgrader metadata: marking them again changes nothing."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    before = json.dumps(nb["cells"], sort_keys=True)
    student_edition.mark_notebook(nb)
    assert json.dumps(nb["cells"], sort_keys=True) == before, \
        f"{notebook.name} has exercises without nbgrader metadata: run `python tools/student_edition.py --mark`"
    student_edition.check_solutions_removable(nb, notebook.name)


def test_course_map_is_current(tmp_path):
    course_map = tmp_path / "COURSE_MAP.md"
    shutil.copy(student_edition.COURSE_MAP, course_map)
    assert not student_edition.update_course_map(course_map, NOTEBOOKS), \
        "docs/COURSE_MAP.md is stale: run `python tools/student_edition.py --course-map`"
