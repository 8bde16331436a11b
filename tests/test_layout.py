"""The package's layout (issue 13): short modules, notebooks that import only what they have taught,
and one base class under every widget."""
from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import json
import pkgutil
import re
from pathlib import Path

import ipywidgets
import pytest

import gptlab
import gptlab.widgets
from gptlab.widgets.base import Explorer

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
STAGED = ("gptlab.widgets", "gptlab.exercises")  # packages with one module per stage


def _notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _imported_modules(notebook: Path) -> set[str]:
    """Every gptlab module a notebook's code cells import (from ... import x, import a.b)."""
    modules = set()
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gptlab"):
                modules.add(node.module)
                modules.update(f"{node.module}.{a.name}" for a in node.names)  # from gptlab.widgets import tokens
            elif isinstance(node, ast.Import):
                modules.update(a.name for a in node.names if a.name.startswith("gptlab"))
    return modules


def stage_of(module_name: str) -> int:
    """The first notebook a stage module serves: its NOTEBOOKS constant, or the 'Notebook NN' that opens
    its docstring."""
    module = importlib.import_module(module_name)
    if hasattr(module, "NOTEBOOKS"):
        return min(module.NOTEBOOKS)
    first = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
    found = re.match(r"Notebooks? (\d+)", first)
    assert found, (f"{module_name} says neither NOTEBOOKS = (...) nor 'Notebook NN' in its docstring's first "
                   "line: add one so the layout test knows its stage.")
    return int(found.group(1))


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "gptlab").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by concept): {long}"


def test_stage_module_names_a_stage():
    for package in STAGED:
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            name = f"{package}.{info.name}"
            if info.name in ("base", "html", "common"):
                continue
            assert 0 <= stage_of(name) <= 99, name


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.name[:2])
def test_notebook_imports_only_its_own_and_earlier_stages(notebook):
    number = int(notebook.name[:2])
    late = {}
    for module in _imported_modules(notebook):
        parts = module.split(".")
        if ".".join(parts[:2]) not in STAGED or len(parts) < 3:
            continue
        name = ".".join(parts[:3])
        if parts[2] in ("base", "html", "common") or importlib.util.find_spec(name) is None:
            continue
        if (stage := stage_of(name)) > number:
            late[name] = stage
    assert not late, f"notebook {number:02d} imports modules of later stages: {late}"


def test_the_stage_table_catches_a_later_stage():
    """The check above can fail: notebook 01 importing the sampling widgets would be caught."""
    assert stage_of("gptlab.widgets.sampling") == 9 > 1
    assert stage_of("gptlab.widgets.tokens") == 1


def test_every_widget_class_derives_from_the_base():
    strays = []
    for info in pkgutil.iter_modules(gptlab.widgets.__path__):
        module = importlib.import_module(f"gptlab.widgets.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, ipywidgets.Widget) and not issubclass(cls, Explorer):
                strays.append(f"{module.__name__}.{name}")
    assert not strays, f"widget classes that do not derive from gptlab.widgets.base.Explorer: {strays}"


def test_every_builder_returns_an_explorer():
    """Lower-case public functions that return a widget are annotated with an Explorer subclass."""
    for info in pkgutil.iter_modules(gptlab.widgets.__path__):
        module = importlib.import_module(f"gptlab.widgets.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            returned = inspect.signature(fn).return_annotation
            cls = getattr(module, returned, None) if isinstance(returned, str) else returned
            if inspect.isclass(cls) and issubclass(cls, ipywidgets.Widget):
                assert issubclass(cls, Explorer), f"{module.__name__}.{name} returns {cls.__name__}"


def test_no_flat_widgets_module_is_left():
    assert not (ROOT / "gptlab" / "widgets.py").exists()
    assert gptlab.widgets.__doc__ and not [n for n in vars(gptlab.widgets) if not n.startswith("_")
                                           and not inspect.ismodule(getattr(gptlab.widgets, n))]


def test_every_subpackage_is_packaged():
    """pyproject's package list finds every folder of gptlab, so a wheel (a non-editable install) has them all."""
    import tomllib

    from setuptools import find_packages

    root = Path(__file__).resolve().parent.parent
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    found = set(find_packages(where=str(root), include=config["include"]))
    folders = {str(p.parent.relative_to(root)).replace("/", ".") for p in (root / "gptlab").rglob("__init__.py")}
    assert folders <= found, f"not packaged: {sorted(folders - found)}"
