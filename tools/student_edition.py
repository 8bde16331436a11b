"""The student edition of every notebook (00-15) and its grading with nbgrader (README, "Teaching a class").

    python tools/student_edition.py OUT/              # nbgrader course directory: source/ and release/
    python tools/student_edition.py OUT/ NB.ipynb ... # only these notebooks
    python tools/student_edition.py --mark            # write nbgrader cell metadata into notebooks/
    python tools/student_edition.py --course-map      # rewrite the exercise tables of docs/COURSE_MAP.md

How an exercise is marked (--mark, idempotent). In the course an exercise is one code cell: the stub
the learner fills (it raises NotImplementedError) followed by its `check_*(...)` call, then a collapsed
cell that imports the reference solution from gptlab.exercises and checks it. Marking
- splits the stub cell in two: the stub becomes an nbgrader *solution* cell (grade_id = the function or
  class name) and the check call an *autograded test* cell (grade_id = the check's name, locked, with points);
- locks the setup cell (it imports the checks), so autograde restores it if a student breaks it;
- tags the collapsed solution cell, and the "Solution" line above it, `gptlab-solution`.
Building OUT/ copies each marked notebook to source/<stem>/ with the stub's `raise NotImplementedError`
replaced by `### BEGIN SOLUTION` / a call of the package's reference / `### END SOLUTION`, so the
instructor's version runs; then `nbgrader generate_assignment` (configured by OUT/nbgrader_config.py)
drops the tagged cells and puts the stub back, so the release matches the course minus its solutions.
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib
import importlib.util
import json
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE_MAP = ROOT / "docs" / "COURSE_MAP.md"
SOLUTION_TAG = "gptlab-solution"
STUB = "raise NotImplementedError"
CHECK_CALL = re.compile(r"^(check_\w+)\(")
REFERENCE_IMPORT = re.compile(r"from gptlab\.(exercises\.\w+|solutions) import (?!check_)\w+")
SOLUTION_LEAD = re.compile(r"^\s*(\*\*)?(the )?solutions?\b", re.IGNORECASE)
# Points per exercise: 1 for a few lines, 2 for a whole mechanism, 3 for attention inside the real GPT.
POINTS = {"my_generate": 2, "causal_softmax": 2, "head_update": 2, "multi_head_attention": 2,
          "pre_norm_block": 2, "count_weights": 2, "generate_until_stop": 2, "cross_attention": 2,
          "MyAttention": 3}

NBGRADER_CONFIG = '''"""nbgrader settings for the gptlab course (written by tools/student_edition.py; README, "Teaching a class")."""
from nbconvert.preprocessors import TagRemovePreprocessor
from nbgrader.converters import GenerateAssignment

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "gptlab"
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError"}  # the course's own stub
c.TagRemovePreprocessor.remove_cell_tags = {"%s"}  # the collapsed solution cells
c.TagRemovePreprocessor.enabled = True
c.GenerateAssignment.preprocessors = [TagRemovePreprocessor] + GenerateAssignment.class_traits()["preprocessors"].default()
# Grading kernels run in gptlab's grading mode: a failing check raises AssertionError with its message
c.Execute.extra_arguments = ["--IPKernelApp.exec_lines=import os; os.environ['GPTLAB_GRADING'] = '1'"]
c.Execute.timeout = 900  # seconds per cell: notebook 10 trains a GPT
c.OverwriteCells.add_missing_cells = True  # a deleted check cell is put back and run, so deleting never helps
'''


@dataclass(frozen=True)
class Exercise:
    """One marked exercise: the solution cell's grade_id (the name the learner defines), its check, its points."""

    name: str
    check: str
    points: int


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return dict(sorted(meta.items()))  # nbformat writes keys sorted; so do we, to keep diffs small


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _defined_name(stub: str) -> str:
    """The function or class a stub cell defines (its last top-level def or class)."""
    names = [node.name for node in ast.parse(stub).body
             if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    if not names:
        raise ValueError(f"an exercise stub defines no function or class:\n{stub}")
    return names[-1]


def _split_stub_cell(cell: dict) -> tuple[str, str] | None:
    """(stub, check call) if `cell` is an unmarked exercise: a NotImplementedError stub, then a top-level check_ call."""
    text = _source(cell)
    if cell["cell_type"] != "code" or STUB not in text:
        return None
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if CHECK_CALL.match(line)]
    if not starts:
        return None
    stub = "\n".join(lines[:starts[-1]]).rstrip()
    return stub, "\n".join(lines[starts[-1]:]).rstrip()


def _is_solution_cell(cell: dict) -> bool:
    """A collapsed solution: a code cell importing a reference (not a check) and not itself an nbgrader cell."""
    return (cell["cell_type"] == "code" and "nbgrader" not in cell.get("metadata", {})
            and bool(REFERENCE_IMPORT.search(_source(cell))))


def mark_notebook(nb: dict) -> list[Exercise]:
    """Add nbgrader metadata to every exercise of notebook `nb` (in place, idempotent); return its exercises.

    Serves every notebook through --mark and the build.
    """
    cells: list[dict] = []
    setup_locked = False
    for cell in nb["cells"]:
        split = _split_stub_cell(cell) if "nbgrader" not in cell.get("metadata", {}) else None
        if cell["cell_type"] == "code" and not setup_locked:
            setup_locked = True
            cell.setdefault("metadata", {}).setdefault("nbgrader", _nbgrader("setup", locked=True))
        if split is None:
            cells.append(cell)
            continue
        stub, call = split
        name, check = _defined_name(stub), CHECK_CALL.match(call).group(1)
        check_cell = {"cell_type": "code", "execution_count": cell.get("execution_count"),
                      "id": (cell.get("id", "cell") + "-check")[:64],
                      "metadata": {"nbgrader": _nbgrader(check, grade=True, locked=True, points=POINTS.get(name, 1))},
                      "outputs": cell.get("outputs", []), "source": _lines(call)}
        cell["source"], cell["outputs"], cell["execution_count"] = _lines(stub), [], None
        cell["metadata"]["nbgrader"] = _nbgrader(name, solution=True)
        cells += [cell, check_cell]
    for i, cell in enumerate(cells):
        lead = i + 1 < len(cells) and _is_solution_cell(cells[i + 1]) and cell["cell_type"] == "markdown" \
            and SOLUTION_LEAD.match(_source(cell))
        if _is_solution_cell(cell) or lead:
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if SOLUTION_TAG not in tags:
                tags.append(SOLUTION_TAG)
    for cell in cells:  # the cells marked here get their metadata keys sorted, as nbformat writes them
        if "nbgrader" in cell.get("metadata", {}) or SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            cell["metadata"] = dict(sorted(cell["metadata"].items()))
    nb["cells"] = cells
    return exercises(nb)


def exercises(nb: dict) -> list[Exercise]:
    """The marked exercises of notebook `nb`, in order: each solution cell paired with the test cell after it."""
    found, pending = [], None
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            pending = meta["grade_id"]
        elif meta.get("grade") and not meta.get("solution"):
            if pending is None:
                raise ValueError(f"test cell {meta['grade_id']} has no solution cell before it")
            found.append(Exercise(pending, meta["grade_id"], int(meta["points"])))
            pending = None
    return found


def _reference_module(name: str) -> str:
    """The gptlab.exercises module that defines the reference for `name` (exactly one must)."""
    import gptlab.exercises

    homes = []
    for info in pkgutil.iter_modules(gptlab.exercises.__path__):
        module = importlib.import_module(f"gptlab.exercises.{info.name}")
        if getattr(getattr(module, name, None), "__module__", None) == module.__name__:
            homes.append(module.__name__)
    if len(homes) != 1:
        raise LookupError(f"expected one gptlab.exercises module defining {name}, found {homes or 'none'}")
    return homes[0]


def instructor_source(stub: str, name: str) -> str:
    """The stub with its `raise NotImplementedError` replaced by a solution region calling the package's reference."""
    tree = ast.parse(stub)
    lines = stub.splitlines()
    raise_lines = [i for i, line in enumerate(lines) if line.strip() == STUB]
    if len(raise_lines) != 1:
        raise ValueError(f"the stub of {name} should have one line `{STUB}`, it has {len(raise_lines)}")
    at = raise_lines[0]
    function = owner = None
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef) and child.lineno <= at + 1 <= child.end_lineno:
                if function is None or child.lineno > function.lineno:
                    function, owner = child, node if isinstance(node, ast.ClassDef) else None
    if function is None:
        raise ValueError(f"the `{STUB}` of {name} is not inside a function")
    args = [a.arg for a in function.args.posonlyargs + function.args.args]
    call_args = ", ".join(args + ([f"*{function.args.vararg.arg}"] if function.args.vararg else [])
                          + [f"{a.arg}={a.arg}" for a in function.args.kwonlyargs]
                          + ([f"**{function.args.kwarg.arg}"] if function.args.kwarg else []))
    target = f"_reference.{function.name}" if owner is not None else "_reference"
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    region = ["### BEGIN SOLUTION", f"from {_reference_module(name)} import {name} as _reference",
              f"return {target}({call_args})", "### END SOLUTION"]
    return "\n".join(lines[:at] + [indent + r for r in region] + lines[at + 1:])


def _names(code: str, *, bound: bool) -> set[str]:
    """Names a cell binds (bound=True) or reads (bound=False); IPython magics are skipped."""
    try:
        tree = ast.parse("\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if bound and isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif bound and isinstance(node, ast.alias):
            found.add((node.asname or node.name).split(".")[0])
        elif bound and isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store if bound else ast.Load):
            found.add(node.id)
    return found if bound else found - _names(code, bound=True)


def check_solutions_removable(nb: dict, where: str) -> None:
    """Fail if a later cell uses a name that only a tagged solution cell defines (the handout would break)."""
    solution_names: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            solution_names |= _names(_source(cell), bound=True)
        else:
            solution_names -= _names(_source(cell), bound=True)
            used = solution_names & _names(_source(cell), bound=False)
            if used:
                raise ValueError(f"{where}: a cell uses {sorted(used)}, defined only in a collapsed solution cell "
                                 f"that the student edition removes; define it outside that cell")


def source_notebook(nb: dict) -> dict:
    """The instructor's version of a marked notebook: every solution cell runs the package's reference."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade"):
            cell["source"] = _lines(instructor_source(_source(cell), meta["grade_id"]))
    return nb


def _write(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def verify_release(path: Path, expected: list[Exercise]) -> None:
    """Fail unless the student notebook at `path` keeps every check and stub and reaches no solution."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"cell {i} still imports a solution: {_source(c).strip().splitlines()[0]}"
                for i, c in enumerate(nb["cells"]) if REFERENCE_IMPORT.search(_source(c)) or "_reference" in _source(c)]
    if exercises(nb) != expected:
        problems.append(f"exercises {exercises(nb)} differ from the source's {expected}")
    problems += [f"solution cell {c['metadata']['nbgrader']['grade_id']} lost its stub" for c in nb["cells"]
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution") and STUB not in _source(c)]
    if problems:
        raise RuntimeError(f"{path}: " + "; ".join(problems))


def course_api(out: Path):
    """nbgrader's Python API on the course directory `out`, configured by its nbgrader_config.py (as the CLI is)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(out)).load_config()
    config.CourseDirectory.root = str(out.resolve())
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def build(out: Path, notebooks: list[Path]) -> list[tuple[str, list[Exercise]]]:
    """Write the nbgrader course directory `out` (config, source/, release/) for `notebooks`; return their exercises."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(NBGRADER_CONFIG % SOLUTION_TAG, encoding="utf-8")
    api = course_api(out)
    built = []
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        found = mark_notebook(nb)
        check_solutions_removable(nb, path.name)
        assignment = path.stem
        _write(source_notebook(nb), out / "source" / assignment / path.name)
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{result.get('log', '')}"
                               f"{result.get('error', '')}")
        verify_release(out / "release" / assignment / path.name, found)
        built.append((assignment, found))
    return built


def mark_in_place(notebooks: list[Path]) -> list[tuple[str, list[Exercise]]]:
    """--mark: read, mark and write back each notebook (one read-modify-write each, no re-execution)."""
    marked = []
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        found = mark_notebook(nb)
        check_solutions_removable(nb, path.name)
        _write(nb, path)
        marked.append((path.stem, found))
    return marked


def exercise_table(nb: dict) -> str:
    """The markdown table of a notebook's marked exercises and points (docs/COURSE_MAP.md)."""
    if not exercises(nb):
        return "No graded exercise."
    rows = ["| exercise | checked by | points |", "| --- | --- | --- |"]
    rows += [f"| `{e.name}` | `{e.check}` | {e.points} |" for e in exercises(nb)]
    return "\n".join(rows)


def learning_goals(nb: dict) -> str:
    """The bullet list under "By the end ..." in a notebook's first cell (docs/COURSE_MAP.md)."""
    lines = _source(nb["cells"][0]).splitlines()
    start = next((i for i, line in enumerate(lines) if "By the end" in line), None)
    if start is None:
        raise ValueError("the first cell has no 'By the end ...' list of learning goals")
    goals: list[str] = []
    for line in lines[start + 1:]:
        if line.startswith("- ") or (goals and line.startswith("  ")):
            goals.append(line)
        elif goals:
            break
    return "\n".join(goals)


def update_course_map(course_map: Path, notebooks: list[Path]) -> bool:
    """Rewrite the generated blocks of docs/COURSE_MAP.md (goals, exercises, total); True if anything changed.

    A block sits between `<!-- KIND:NN -->` and `<!-- /KIND -->`, KIND being goals or exercises.
    """
    text = old = course_map.read_text(encoding="utf-8")
    total = 0
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        total += sum(e.points for e in exercises(nb))
        for kind, content in (("goals", learning_goals(nb)), ("exercises", exercise_table(nb))):
            block = re.compile(rf"(<!-- {kind}:{path.stem[:2]} -->\n).*?(<!-- /{kind} -->)", re.S)
            if not block.search(text):
                raise ValueError(f"{course_map} has no block <!-- {kind}:{path.stem[:2]} --> ... <!-- /{kind} -->")
            text = block.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text)
    text = re.sub(r"(<!-- total-points -->).*?(<!-- /total-points -->)", rf"\g<1>{total}\g<2>", text)
    course_map.write_text(text, encoding="utf-8")
    return text != old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="the nbgrader course directory to write")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    parser.add_argument("--mark", action="store_true", help="write nbgrader metadata into the notebooks themselves")
    parser.add_argument("--course-map", action="store_true", help=f"rewrite the exercise tables of {COURSE_MAP}")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if args.mark:
        done = mark_in_place(notebooks if args.out is None else [args.out, *args.notebooks])
    elif args.course_map:
        changed = update_course_map(COURSE_MAP, [args.out, *args.notebooks] if args.out else notebooks)
        print(f"{COURSE_MAP}: {'updated' if changed else 'already up to date'}")
        return 0
    elif args.out is None:
        parser.error("give the course directory to write (e.g. course/), or --mark, or --course-map")
    else:
        if importlib.util.find_spec("nbgrader") is None:
            parser.error("nbgrader is not installed: pip install -r requirements.txt")
        done = build(args.out, notebooks)
    for name, found in done:
        print(f"{name}: " + ", ".join(f"{e.name} ({e.points} pt)" for e in found))
    if not args.mark:
        print(f"student edition in {args.out / 'release'}; grade with: cd {args.out} && nbgrader autograde ASSIGNMENT")
    return 0


if __name__ == "__main__":
    sys.exit(main())
