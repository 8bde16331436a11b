"""Execute every notebook in notebooks/ in order and print how long each took.

    python benchmarks/notebook_times.py                  # runs copies in a temporary folder
    python benchmarks/notebook_times.py --inplace        # writes the executed notebooks back, figures into figs/
    python benchmarks/notebook_times.py 10-train-a-gpt   # only the notebooks whose name contains this
    python benchmarks/notebook_times.py --inplace --write-times  # and put the times in README and headers
    python benchmarks/notebook_times.py --fp32           # as on a laptop CPU without bf16 (GPTLAB_BF16=0)

Prints a Markdown table (notebook, seconds, limit, ok) and the total, ready to paste into the README.
Limits: each notebook under 120 s, notebook 10 under 240 s, the whole series under 12 minutes.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
README = NOTEBOOKS.parent / "README.md"
HEADER_TIME = re.compile(r"Runs in about \d+ s on a 2-core CPU \(measured\)")
LIMIT_S = 120.0
LIMITS_S = {"10": 240.0}  # notebook number -> its own limit
TOTAL_LIMIT_S = 12 * 60.0


def execute(path: Path, timeout: int, write_figs: bool = False, fp32: bool = False) -> tuple[float, str]:
    """Run one notebook where it lies (its folder is the working directory); (seconds, error or "").

    Each notebook runs in its own `jupyter nbconvert` process, as a learner's "Run all" would:
    a fresh kernel, and no state shared between notebooks. write_figs sets GPTLAB_WRITE_FIGS=1, so
    the figures it saves go into figs/ (otherwise gptlab.viz puts them in a temporary folder).
    """
    env = {**os.environ, "GPTLAB_WRITE_FIGS": "1" if write_figs else "0"}
    if fp32:
        env["GPTLAB_BF16"] = "0"  # training in float32 even where the CPU has native bf16
    command = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
               f"--ExecutePreprocessor.timeout={timeout}", path.name]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=path.parent, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    error = ""
    if done.returncode:
        lines = [l for l in done.stderr.strip().splitlines() if l.strip()]
        error = (lines[-1] if lines else f"exit code {done.returncode}")[:120]
    return seconds, error


def write_times(rows: list[tuple[str, float, float, str]]) -> None:
    """Put the measured seconds into each notebook's header line and README's table (time and total)."""
    import nbformat

    readme = README.read_text(encoding="utf-8")
    for name, seconds, _, _ in rows:
        path = NOTEBOOKS / name
        nb = nbformat.read(path, as_version=4)
        header = nb.cells[0]
        new = HEADER_TIME.sub(f"Runs in about {seconds:.0f} s on a 2-core CPU (measured)", header.source)
        if new != header.source:
            header.source = new
            nbformat.write(nb, path)
        # the README row that links this notebook ends with its time: "| 16 s |"
        readme = re.sub(rf"^(\|[^\n]*\(notebooks/{re.escape(name)}\)[^\n]*\| )\d+ s \|$",
                        lambda m: f"{m.group(1)}{seconds:.0f} s |", readme, flags=re.M)
    total_min = sum(r[1] for r in rows) / 60
    readme = re.sub(r"^(\| \| \*\*all \d+\*\* \| \| )\*\*[\d.]+ min\*\* \|$",
                    lambda m: f"{m.group(1)}**{total_min:.1f} min** |", readme, flags=re.M)
    README.write_text(readme, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("only", nargs="*", help="run only notebooks whose file name contains one of these")
    parser.add_argument("--inplace", action="store_true", help="execute the notebooks in notebooks/ themselves")
    parser.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds (default 900)")
    parser.add_argument("--fp32", action="store_true",
                        help="train in float32 even on a CPU with native bf16 (GPTLAB_BF16=0), as a common laptop does")
    parser.add_argument("--write-times", action="store_true",
                        help="with --inplace and all notebooks: write the times into README.md and the headers")
    args = parser.parse_args()
    if args.write_times and (not args.inplace or args.only):
        parser.error("--write-times needs --inplace and the whole series (no notebook names).")

    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if args.only:
        paths = [p for p in paths if any(s in p.name for s in args.only)]
    if not paths:
        print(f"no notebooks found in {NOTEBOOKS}")
        return 1
    workdir = None
    if not args.inplace:  # copy the whole folder so notebooks find the files beside them
        workdir = Path(tempfile.mkdtemp(prefix="gptlab-notebooks-"))
        shutil.copytree(NOTEBOOKS, workdir / "notebooks")
        paths = [workdir / "notebooks" / p.name for p in paths]

    rows = []
    try:
        for path in paths:
            print(f"running {path.name} ...", file=sys.stderr, flush=True)
            seconds, error = execute(path, args.timeout, write_figs=args.inplace, fp32=args.fp32)
            limit = LIMITS_S.get(path.name[:2], LIMIT_S)
            rows.append((path.name, seconds, limit, error))
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    total = sum(r[1] for r in rows)
    from gptlab.device import cpu_has_fast_bf16

    bf16 = cpu_has_fast_bf16() and not args.fp32
    print(f"CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, training in "
          f"{'bfloat16 autocast (native bf16)' if bf16 else 'float32'}")
    print("| notebook | seconds | limit | ok |")
    print("| --- | ---: | ---: | --- |")
    for name, seconds, limit, error in rows:
        ok = "error: " + error if error else ("yes" if seconds <= limit else "TOO SLOW")
        print(f"| {name} | {seconds:.0f} | {limit:.0f} | {ok} |")
    print(f"| **total** | **{total:.0f}** | {TOTAL_LIMIT_S:.0f} | {'yes' if total <= TOTAL_LIMIT_S else 'TOO SLOW'} |")
    failed = any(r[3] for r in rows)
    if args.write_times and not failed:
        write_times(rows)
        print("wrote the times into README.md and each notebook's header")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
