"""How long each notebook widget takes to react when a control moves (target: 100 ms or less).

    python benchmarks/widget_latency.py            # every widget in CASES
    python benchmarks/widget_latency.py 06 09      # only the widgets of these notebooks

Each case builds the widget the way its notebook does (the shipped Shakespeare model where the
notebook uses it, small stand-ins where the notebook trains its own), then sets one control after
another to a few values. ipywidgets runs the observers synchronously when `.value` is set, so the
time of that assignment is the time of the callback: recomputing and redrawing what the widget shows.
plt.show() renders each figure to a PNG as JupyterLab's inline backend does ('retina': twice the dpi,
cropped to its contents), so drawing is counted; sending the picture to the browser is not.
Builders in gptlab/widgets/ that no case covers are listed at the end, so a new widget is noticed.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import io
import statistics
import time
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from gptlab.tokenizers import visible  # noqa: E402
from gptlab.widgets.attention import head_pattern_explorer, query_key_explorer  # noqa: E402
from gptlab.widgets.chat import chat_box  # noqa: E402
from gptlab.widgets.embeddings import embedding_explorer  # noqa: E402
from gptlab.widgets.flow import generation_stepper  # noqa: E402
from gptlab.widgets.masking import context_cost_widget  # noqa: E402
from gptlab.widgets.mlp import neuron_explorer  # noqa: E402
from gptlab.widgets.sampling import sampling_explorer, temperature_explorer  # noqa: E402
from gptlab.widgets.scale import scale_explorer  # noqa: E402
from gptlab.widgets.seq2seq import translator_box  # noqa: E402
from gptlab.widgets.tokens import token_viewer  # noqa: E402
from gptlab.widgets.unembedding import next_token_explorer  # noqa: E402
from gptlab.widgets.values import value_widget  # noqa: E402


def _show_as_notebook(*_, **__) -> None:
    """What plt.show() costs in JupyterLab with the notebooks' 'retina' setting: every open figure
    rendered to a PNG at twice its dpi (Agg's own show() draws nothing, which would flatter the widgets)."""
    for number in plt.get_fignums():
        fig = plt.figure(number)
        fig.savefig(io.BytesIO(), format="png", dpi=2 * fig.dpi, bbox_inches="tight")


plt.show = _show_as_notebook

TARGET_MS = 100.0


def _shakespeare():
    from gptlab.pretrained import load_shakespeare_char

    model, tok, _ = load_shakespeare_char()
    return model, tok


def nb00():
    from gptlab.model import GPT

    model, tok = _shakespeare()
    untrained = GPT(model.config).state_dict()
    trained = {k: v.clone() for k, v in model.state_dict().items()}
    stepper = generation_stepper(model, tok, {0: untrained, 3000: trained}, prompt="ROMEO:\n", n_tokens=60)
    return stepper, [("step", [5, 20, 40, 59]), ("temperature", [0.8, 0.0]), ("checkpoint", [0, 3000]),
                     ("prompt", ["JULIET:\n", "ROMEO:\n"])]


def nb01():
    from gptlab.pretrained import shakespeare_tokenizer
    from gptlab.tokenizers import gpt2

    viewer = token_viewer({"characters": shakespeare_tokenizer(), "GPT-2": gpt2()}, "To be, or not to be")
    return viewer, [("text", ["the question", "Whether 'tis nobler in the mind to suffer", "naïve 🙂"])]


def nb02():
    model, tok = _shakespeare()
    matrix = model.transformer.wte.weight.detach()
    box = embedding_explorer(matrix, [visible(c) for c in tok.chars], k=8)
    values = [v for _, v in box.token.options][1:6] if hasattr(box, "token") else []
    return box, [("token", values)]


def nb03():
    from gptlab import toy

    box = query_key_explorer(toy.ToyHead(seed=0), toy.ToyHead(seed=1))
    return box, [("token", [1, 2, 3]), ("sentence", list(toy.EXAMPLES[1:4]))]


def nb04():
    box = context_cost_widget(16)
    choices = [v for v in getattr(box.context, "options", [])][:4] or [32, 2048]
    choices = [c[1] if isinstance(c, tuple) else c for c in choices]
    return box, [("context", choices), ("typed", ["32k", "4096"])]


def nb05():
    from gptlab.toy import EXAMPLES, ToyHead

    return value_widget(ToyHead(seed=0).eval(), EXAMPLES[0], 3), [("token", [1, 2, 4]),
                                                                          ("sentence", list(EXAMPLES[1:3]))]


def nb06():
    model, tok = _shakespeare()
    box = head_pattern_explorer(model, tok, "ROMEO:\nBut soft, what light through yonder window breaks?")
    return box, [("layer", [1, 0, 1]), ("head", [1, 2, 3]), ("text", ["JULIET:\nO Romeo, Romeo!", "abcabc"])]


def nb07():
    from gptlab.data import shakespeare

    model, tok = _shakespeare()
    corpus = shakespeare()[:200_000]
    box = neuron_explorer(model, tok, corpus, text="ROMEO:\nO", layer=0, neuron=3)
    return box, [("neuron", [10, 100, 300]), ("layer", [1, 0]), ("text", ["JULIET:\nGood night", "KING:\nNow"])]


def nb08():
    model, tok = _shakespeare()
    box = next_token_explorer(model, tok, prompt="ROMEO:\n", k=10)
    return box, [("k", [5, 20]), ("prompt", ["JULIET:\nO Rom", "First Citizen:\n"])]


def nb09():
    model, tok = _shakespeare()
    box = temperature_explorer(model, tok, prompt="ROMEO:\n", temperature=1.0, n_chars=60, seed=0)
    return box, [("temperature", [0.0, 0.5, 1.5]), ("top_k", [5, 20]), ("top_p", [0.5, 0.9])]


def nb10():
    model, tok = _shakespeare()
    box = sampling_explorer(model, tok, prompt="JULIET:\n", temperature=0.8, length=200, seed=0)
    return box, [("temperature", [0.5, 1.0]), ("seed", [1, 2]), ("length", [100, 200])]


def nb11():
    box = scale_explorer(n_embd=768, n_layer=12, n_head=12, vocab=50257, context=1024)
    return box, [("n_layer", [24, 48]), ("n_head", [8, 12]), ("context", [2048, 1024])]


def nb12():
    model, tok = _shakespeare()  # notebook 12 trains its own small chat model; the same size as this one
    box = chat_box(model, tok, system="Use capitals.", question="to be or not")
    return box, [("temperature", [0.5, 1.0]), ("button", ["click", "click"])]


def nb13():
    from gptlab.tokenizers import CharTokenizer
    from gptlab.transformer import Seq2SeqConfig, Seq2SeqTransformer

    months = "JanuaryFebruaryMarchAprilMayJuneJulyAugustSeptemberOctoberNovemberDecember"
    torch.manual_seed(0)
    src_tok = CharTokenizer("-0123456789")
    tgt_tok = CharTokenizer(sorted(set(months + " 0123456789^$")))
    model = Seq2SeqTransformer(Seq2SeqConfig(src_tok.vocab_size, tgt_tok.vocab_size, n_embd=64, n_head=4,
                                             n_enc_layer=2, n_dec_layer=2, d_ff=256, max_len=32)).eval()
    box = translator_box(model, src_tok, tgt_tok, "^", "$", text="2024-03-05")
    return box, [("layer", [0, 1]), ("text", ["1999-12-31", "2001-07-04"])]


def nb14():
    from gptlab.data import shakespeare
    from gptlab.widgets.inside import inside_explorer

    model, tok = _shakespeare()
    text = shakespeare()
    heldout = tok.encode(text[int(0.9 * len(text)):][:8 * 64 + 1])  # the held-out plays, as notebook 14 uses
    box = inside_explorer(model, tok, prompt="ROMEO:\nBut soft, what light through yonder", heldout=heldout)
    return box, [("position", [10, 30, 45]), ("off", [("L0H3",), ("L0H3", "MLP1"), ()]), ("mode", ["mean", "zero"]),
                 ("target", ["e", ""]), ("prompt", ["JULIET:\nO Romeo, Romeo!", "ROMEO:\nBut soft"])]


# notebook -> (builder names it covers, setup returning (widget, [(control attribute, values)]))
CASES: dict[str, tuple[tuple[str, ...], Callable[[], tuple[Any, list]]]] = {
    "00": (("generation_stepper",), nb00), "01": (("token_viewer",), nb01), "02": (("embedding_explorer",), nb02),
    "03": (("query_key_explorer",), nb03), "04": (("context_cost_widget",), nb04), "05": (("value_widget",), nb05),
    "06": (("head_pattern_explorer",), nb06), "07": (("neuron_explorer",), nb07),
    "08": (("next_token_explorer",), nb08), "09": (("temperature_explorer",), nb09),
    "10": (("sampling_explorer",), nb10), "11": (("scale_explorer",), nb11), "12": (("chat_box",), nb12),
    "13": (("translator_box",), nb13), "14": (("inside_explorer",), nb14),
}


COMPLETE: list[float] = []  # for widgets that stream: seconds until the whole text was shown


async def move(widget: Any, control: str, value: Any) -> float:
    """Seconds that setting widget.<control> to value (or clicking it) takes, callbacks included.

    This runs on an asyncio event loop, as a notebook kernel does. A widget that streams its text as
    an asyncio task (it has `task` and `first_shown`) returns from its callback at once; for it the
    time until its first text is shown counts, and the time until the whole text was shown goes
    to COMPLETE.
    """
    target = getattr(widget, control)
    start = time.perf_counter()
    if value == "click":
        target.click()
    else:
        target.value = value
    seconds = time.perf_counter() - start
    if getattr(widget, "task", None) is not None:
        await widget.task
        COMPLETE.append(time.perf_counter() - start)
        seconds = max(seconds, widget.first_shown - start)
    return seconds


async def move_all(widget: Any, controls: list) -> dict[str, list[float]]:
    times = {}
    for control, values in controls:
        if hasattr(widget, control):
            times[control] = [await move(widget, control, v) * 1000 for v in values]
    return times


def public_builders() -> list[str]:
    """Functions in the modules of gptlab.widgets that build a widget (lower-case names returning one)."""
    import importlib
    import pkgutil

    import gptlab.widgets

    names = []
    for info in pkgutil.iter_modules(gptlab.widgets.__path__):
        module = importlib.import_module(f"gptlab.widgets.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            ret = str(inspect.signature(fn).return_annotation)
            if name.endswith(("_widget", "_explorer", "_viewer", "_stepper", "_box")) or "Widget" in ret or "VBox" in ret:
                names.append(name)
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook numbers to run (default: all)")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    rows = []
    for nb, (builders, setup) in CASES.items():
        if args.notebooks and nb not in args.notebooks:
            continue
        sink = io.StringIO()  # Output widgets print their contents outside a notebook: keep the table clean
        try:
            with contextlib.redirect_stdout(sink):
                start = time.perf_counter()
                widget, controls = setup()
                build = time.perf_counter() - start
                times = asyncio.run(move_all(widget, controls))
        except Exception as error:  # a builder that changed its arguments: say so, time the rest
            rows.append((nb, builders[0], None, None, None, f"{type(error).__name__}: {str(error)[:80]}"))
            continue
        every = [t for ts in times.values() for t in ts]
        slowest = max(times, key=lambda c: statistics.median(times[c])) if times else "-"
        note = f"slowest control: {slowest}"
        if COMPLETE:
            note += (f"; streams its text: first text counted, whole text after "
                     f"{statistics.median(COMPLETE) * 1000:.0f} ms (median)")
            COMPLETE.clear()
        rows.append((nb, builders[0], build * 1000, statistics.median(every) if every else None,
                     max(every) if every else None, note))

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; target {TARGET_MS:.0f} ms per update")
    print(f"| notebook | builder | build ms | median update ms | max update ms | ok | note |")
    print("| --- | --- | ---: | ---: | ---: | --- | --- |")
    for nb, name, build, med, worst, note in rows:
        if med is None:
            print(f"| {nb} | {name} | - | - | - | error | {note} |")
            continue
        ok = "yes" if med <= TARGET_MS else "SLOW"
        print(f"| {nb} | {name} | {build:.0f} | {med:.0f} | {worst:.0f} | {ok} | {note} |")
    covered = {b for builders, _ in CASES.values() for b in builders}
    missing = [b for b in public_builders() if b not in covered]
    if missing:
        print(f"builders without a case here (add them to CASES): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
