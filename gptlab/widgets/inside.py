"""Notebook 14 (inside the model): one prompt's path through the whole model, its logit lens, which parts
push the next token up or down, and what switching heads or MLPs off does to the prediction and the loss.

Three layers, as everywhere: gptlab.interpret.lens computes, the *_html functions and draw_inside render,
InsideWidget wires the controls to both.
"""
from __future__ import annotations

import contextlib
import html
from typing import Iterator

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import torch

from ..interpret import lens
from ..tokenizers import unit
from ..viz import OKABE_ITO
from .base import Explorer
from .html import sequential_rgba

NOTEBOOKS = (14,)
UP, DOWN, GREY = OKABE_ITO[0], OKABE_ITO[5], "#999999"  # blue pushes a logit up, vermillion down
ROW = "display:flex;align-items:center;font:12px monospace;min-height:18px;margin:1px 0"
LABEL = "width:11em;text-align:right;padding-right:8px;flex:none"


def part_names(model) -> list[str]:
    """Every part that can be switched off: "L0H0" ... (layer, head) then "MLP0" ... (notebook 14)."""
    n_layer, n_head = len(model.transformer.h), model.config.n_head
    return [f"L{l}H{h}" for l in range(n_layer) for h in range(n_head)] + [f"MLP{l}" for l in range(n_layer)]


def split_parts(names) -> tuple[list[tuple[int, int]], list[int]]:
    """["L0H3", "MLP1"] -> ([(0, 3)], [1]): the heads and MLPs that `lens.ablate` takes."""
    heads = [tuple(int(v) for v in name[1:].split("H")) for name in names if not name.startswith("MLP")]
    return heads, [int(name[3:]) for name in names if name.startswith("MLP")]


def encode_prompt(tokenizer, text: str, block_size: int) -> list[int]:
    """Token ids of a prompt, or a ValueError saying what to change (characters or BPE pieces)."""
    if not isinstance(text, str) or not text:
        raise ValueError("type a prompt of at least one character.")
    ids = tokenizer.encode(text)  # a character model names an unknown character in its ValueError
    if len(ids) > block_size:
        raise ValueError(f"the prompt has {len(ids)} tokens; this model reads at most {block_size}. Shorten it.")
    return ids


def heldout_windows(ids, block_size: int, max_windows: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """A held-out passage cut into up to max_windows windows of block_size tokens and their targets."""
    ids = torch.as_tensor(ids, dtype=torch.long)
    n = min(max_windows, (len(ids) - 1) // block_size)
    if n < 1:
        raise ValueError(f"the held-out passage needs at least {block_size + 1} tokens, got {len(ids)}.")
    return ids[: n * block_size].view(n, block_size), ids[1: n * block_size + 1].view(n, block_size)


# ---- renderers: numbers -> HTML -------------------------------------------------------------------------


_PALETTE: list[str] = []  # 256 cividis colours as hex, made once: a colour-map call per cell costs 2 ms


def _colour(fraction: float) -> str:
    if not _PALETTE:
        _PALETTE.extend("#%02x%02x%02x" % tuple(int(255 * c) for c in rgba[:3])
                        for rgba in sequential_rgba(np.linspace(0, 1, 256), 1.0))
    return _PALETTE[int(round(255 * min(max(fraction, 0.0), 1.0)))]


def _cell(value: float, vmax: float, text: str, tip: str, width: str = "12px") -> str:
    colour = _colour(value / (vmax or 1.0))
    ink = "#000" if value / (vmax or 1.0) > 0.55 else "#fff"
    return (f"<span title='{html.escape(tip, quote=True)}' style='display:inline-block;min-width:{width};"
            f"height:16px;line-height:16px;background:{colour};color:{ink};text-align:center;"
            f"margin-right:1px;padding:0 1px'>{html.escape(text)}</span>")


def _bar(value: float, vmax: float, tip: str, colour: str = UP, px: int = 120) -> str:
    length = max(1, round(px * abs(value) / (vmax or 1.0)))
    return (f"<span title='{html.escape(tip, quote=True)}' style='display:inline-block;width:{length}px;"
            f"height:11px;background:{colour};margin-right:6px'></span>")


def _row(label: str, content: str, tip: str = "") -> str:
    return (f"<div style='{ROW}'><span style='{LABEL}' title='{html.escape(tip, quote=True)}'>"
            f"{html.escape(label)}</span><span>{content}</span></div>")


def computation_html(tr: lens.Trace, labels: list[str], off: set[str] = frozenset(), k_show: int = 5) -> str:
    """The whole computation at one position as one HTML view, every part with a tooltip of its numbers."""
    p = tr.position
    tokens = "".join(
        f"<span title='token {j}: id {tr.ids[j]}' style='padding:0 2px;margin-right:1px;border:1px solid "
        f"{'#000' if j == p else '#ddd'};{'font-weight:bold;' if j == p else ''}'>{html.escape(labels[j])}</span>"
        for j in range(len(tr.ids)))
    biggest = max(n for _, n in tr.resid_norms)

    def length(label: str, value: float, tip: str, colour: str = UP, note: str = "") -> str:
        return _row(label, _bar(value, biggest, f"{tip}: length {value:.4f}", colour) + f"{value:.2f}{note}")

    stream = iter(tr.resid_norms[1:])
    out = [_row("prompt", tokens, "the position we follow is framed"),
           length("token embedding", float(tr.token_embedding.norm()), f"wte[{labels[p]!r}]"),
           length("position embedding", float(tr.position_embedding.norm()), f"wpe[{p}]"),
           length("residual stream", tr.embed_norm, "their sum, the stream entering block 1", GREY)]
    for i, layer in enumerate(tr.layers):
        out.append(f"<div style='font:bold 12px sans-serif;margin:6px 0 2px 0'>block {i + 1} (layer {i})</div>")
        top_write = float(layer.head_norms.max()) if layer.head_norms is not None else 1.0
        for h in range(len(layer.head_norms) if layer.head_norms is not None else 0):
            name = f"L{i}H{h}"
            cells = "" if layer.pattern is None else "".join(
                _cell(float(a), 1.0, "", f"{name} at {labels[p]!r} reads {labels[j]!r} (token {j}): {float(a):.3f}",
                      "9px") for j, a in enumerate(layer.pattern[h]))
            norm = float(layer.head_norms[h])
            status = " <b>off</b>" if name in off else ""
            out.append(_row(f"head {h}", f"{cells} " + _bar(norm, top_write, f"{name} writes a vector of length "
                            f"{norm:.4f}", GREY if name in off else UP, 60) + f"{norm:.2f}{status}",
                            f"{name}: attention over tokens 0..{p}, then the length of what it writes"))
        _, mid = next(stream)
        out.append(length("attention adds", layer.attn_norm, f"block {i + 1}'s attention, all heads and the bias"))
        out.append(length("residual stream", mid, f"the stream after block {i + 1}'s attention", GREY))
        vmax = max((abs(a) for _, a in layer.neurons), default=1.0)
        chips = "".join(_cell(abs(a), vmax, f"n{j} {a:+.2f}", f"MLP{i} neuron {j}: activation {a:+.4f}", "5em")
                        for j, a in layer.neurons[:k_show])
        mlp_off = f"MLP{i}" in off
        out.append(_row("MLP strongest", chips, f"MLP{i}'s neurons with the largest activations at this position"))
        out.append(length("MLP adds", layer.mlp_norm, f"MLP{i}'s write", GREY if mlp_off else UP,
                          " <b>off</b>" if mlp_off else ""))
        _, post = next(stream)
        out.append(length("residual stream", post, f"the stream after block {i + 1}", GREY))
    out.append(_row("final LayerNorm", f"divides by {tr.ln_f_scale:.2f}, scales and shifts: length "
                                       f"{tr.ln_f_norm:.2f}", "ln_f: (x - mean) / std * weight + bias"))
    return "".join(out)


def top_html(rows: list[tuple[str, float]], title: str) -> str:
    """Next-token probabilities as bars."""
    lines = [f"<div style='font:bold 12px sans-serif;margin:6px 0 2px 0'>{html.escape(title)}</div>"]
    for label, prob in rows:
        lines.append(_row(label, _bar(prob, 1.0, f"p({label}) = {prob:.4f}", UP, 200) + f"{prob:.3f}"))
    return "".join(lines)


def lens_html(table: lens.LensTable, vocab_labels) -> str:
    """The logit lens as a table: one row per depth, the top tokens coloured by probability (cividis)."""
    rows = []
    for d, depth in enumerate(table.depths):
        cells = "".join(_cell(float(pr), 1.0, vocab_labels(int(t)), f"{depth}, rank {r + 1}: "
                              f"{vocab_labels(int(t))!r} p = {float(pr):.4f}", "3.5em")
                        for r, (t, pr) in enumerate(zip(table.top_ids[d], table.top_probs[d])))
        rows.append(_row(depth, cells, f"the residual after {depth}, decoded by ln_f and the unembedding"))
    return ("<div style='font:bold 12px sans-serif;margin:6px 0 2px 0'>logit lens: the prediction if the model "
            "stopped here (top tokens, lighter = more likely)</div>" + "".join(rows))


def attribution_html(att: lens.Attribution, label: str) -> str:
    """Signed bars: each head's and MLP's direct push on one token's logit, then the rest, then their sum."""
    values = list(att.parts.values()) + list(att.rest.values())
    vmax = max(abs(v) for v in values) or 1.0
    half = 110
    lines = [f"<div style='font:bold 12px sans-serif;margin:6px 0 2px 0'>direct contributions to the logit of "
             f"{html.escape(repr(label))} (blue up, vermillion down)</div>"]
    for name, value in list(att.parts.items()) + list(att.rest.items()):
        colour = GREY if name in att.rest else (UP if value >= 0 else DOWN)
        bar = _bar(value, vmax, f"{name}: {value:+.4f}", colour, half)
        neg, pos = (bar, "") if value < 0 else ("", bar)
        lines.append(f"<div style='{ROW}'><span style='{LABEL}'>{html.escape(name)}</span>"
                     f"<span style='width:{half + 6}px;text-align:right;display:flex;justify-content:flex-end'>"
                     f"{neg}</span><span style='width:{half + 6}px;border-left:1px solid #555'>{pos}</span>"
                     f"<span>{value:+.2f}</span></div>")
    lines.append(_row("sum = logit", f"<b>{att.total:.2f}</b> (the model's logit: {att.logit:.2f})"))
    return "".join(lines)


def effect_html(view: dict) -> str:
    """What switching the chosen parts off did: the prediction and the held-out loss, before and after."""
    if not view["off"]:
        return "<i>nothing switched off: choose heads or MLPs above to see what the model loses without them</i>"
    (clean, clean_p), (now, now_p) = view["clean_top"][0], view["top"][0]
    esc = html.escape
    text = (f"<b>switched off ({esc(view['mode'])}):</b> {esc(', '.join(view['off']))}<br>"
            f"top prediction {esc(repr(clean))} {clean_p:.3f} &#8594; {esc(repr(now))} {now_p:.3f}; "
            f"probability of {esc(repr(clean))} now {view['clean_top_now']:.3f}")
    if view["heldout_loss"] is not None:
        before, after = view["heldout_loss"]
        text += f"<br>held-out loss {before:.3f} &#8594; {after:.3f} ({after - before:+.3f} nats per token)"
    return f"<div style='font:12px sans-serif;margin:6px 0'>{text}</div>"


# ---- analysis for one setting of the controls ----------------------------------------------------------


def heldout_loss(model, heldout: tuple[torch.Tensor, torch.Tensor], off=(), mode: str = "zero",
                 means: dict | None = None, memo: dict | None = None) -> float:
    """The mean loss on a held-out passage (windows, targets) with the parts `off` switched off.

    A widget passes its own `memo` dict: it asks for the same few losses again and again.
    """
    key = (tuple(sorted(off)), mode if off else "")
    if memo is None or key not in memo:
        heads, mlps = split_parts(off)
        loss = float(lens.run_ablated(model, *heldout, heads=heads, mlps=mlps, mode=mode, means=means)[1])
        if memo is None:
            return loss
        memo[key] = loss
    return memo[key]


def inside_view(model, tokenizer, ids: list[int], position: int = -1, off=(), mode: str = "zero",
                target: int | None = None, heldout: tuple[torch.Tensor, torch.Tensor] | None = None,
                means: dict | None = None, k: int = 5, memo: dict | None = None) -> dict:
    """Everything the widget shows for one prompt, position, set of parts switched off and target token.

    The trace, logit lens and attribution describe the model *with* those parts off; "clean_top" is
    the prediction with everything on. target None means the model's own top prediction.
    Returns the dict that InsideWidget keeps as `last` (plus the raw objects under "trace", "lens", "attribution").
    """
    heads, mlps = split_parts(off)
    labels = lens.token_labels(tokenizer, ids)
    def vocab(i: int) -> str:
        return lens.token_labels(tokenizer, [i])[0]
    clean = lens.record(model, ids)
    with lens.ablate(model, heads, mlps, mode, means=means):
        rec = lens.record(model, ids) if off else clean
        tr = lens.trace(model, ids, position, k_tokens=k, rec=rec)
        table = lens.logit_lens(model, ids, tr.position, k=k, rec=rec)
        token = tr.top[0][0] if target is None else int(target)
        att = lens.direct_attribution(model, ids, tr.position, token, rec=rec)
    clean_probs = torch.softmax(clean.logits[0, tr.position].float(), dim=-1)
    clean_top = clean_probs.topk(k)
    loss = None if heldout is None else (heldout_loss(model, heldout, memo=memo),
                                           heldout_loss(model, heldout, off, mode, means, memo))
    return {"tokens": labels, "position": tr.position, "off": list(off), "mode": mode,
            "target": vocab(token), "top": [(vocab(t), p) for t, p in tr.top],
            "clean_top": [(vocab(int(t)), float(p)) for p, t in zip(*clean_top)],
            "clean_top_now": float(torch.softmax(tr.logits, -1)[int(clean_top.indices[0])]),
            "lens": [[vocab(int(t)) for t in row] for row in table.top_ids], "depths": table.depths,
            "logit": att.logit, "parts": dict(att.parts), "rest": dict(att.rest), "heldout_loss": loss,
            "error": None, "trace": tr, "lens_table": table, "attribution": att, "vocab": vocab}


def draw_inside(view: dict) -> plt.Figure:
    """A static picture of the widget's first view, for GitHub and nbval: residual stream and head writes,
    the logit lens and the attribution bars (notebook 14)."""
    tr, table, att = view["trace"], view["lens_table"], view["attribution"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1.1, 1.2, 1.0]})
    names = [n for n, _ in tr.resid_norms]
    axes[0].plot(range(len(names)), [v for _, v in tr.resid_norms], "o-", color=GREY, label="residual stream")
    for i, layer in enumerate(tr.layers):
        if layer.head_norms is not None:
            x = 2 * i + 1 + np.linspace(-0.3, 0.3, len(layer.head_norms))
            axes[0].bar(x, layer.head_norms.numpy(), width=0.6 / len(layer.head_norms), color=UP,
                        label="each head's write" if i == 0 else None)
        axes[0].bar(2 * i + 2, layer.mlp_norm, width=0.3, color=OKABE_ITO[1], label="MLP's write" if i == 0 else None)
    axes[0].set_xticks(range(len(names)), names, rotation=30, ha="right")
    axes[0].set_ylabel("length of the vector")
    axes[0].legend(fontsize=8)
    axes[0].set_title(f"position {tr.position} ({view['tokens'][tr.position]!r})")
    probs = table.top_probs.numpy()
    axes[1].imshow(probs, cmap="cividis", vmin=0, vmax=1, aspect="auto")
    for d in range(probs.shape[0]):
        for r in range(probs.shape[1]):
            axes[1].text(r, d, view["lens"][d][r], ha="center", va="center", fontsize=10,
                         color="black" if probs[d, r] > 0.55 else "white")
    axes[1].set_yticks(range(len(table.depths)), table.depths)
    axes[1].set_xticks(range(probs.shape[1]), [f"#{r + 1}" for r in range(probs.shape[1])])
    axes[1].set_title("logit lens: top tokens by depth")
    items = list(att.parts.items()) + list(att.rest.items())
    colours = [GREY if n in att.rest else (UP if v >= 0 else DOWN) for n, v in items]
    axes[2].barh(range(len(items))[::-1], [v for _, v in items], color=colours)
    axes[2].set_yticks(range(len(items))[::-1], [n for n, _ in items], fontsize=8)
    axes[2].axvline(0, color="0.3", lw=0.8)
    axes[2].set_title(f"direct contributions to the logit of {view['target']!r}\n(sum {att.total:.2f} = logit)")
    fig.tight_layout()
    return fig


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside: a widget's forwards are small (T <= block_size), and with several
    threads on a busy CPU each of their many small operations waits for the others (benchmarks/widget_latency.py
    on this 2-core machine under load: 270-860 ms median with two threads, 31-39 ms with one)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# ---- the widget ------------------------------------------------------------------------------------------


class InsideWidget(Explorer):
    """Follow one position of a prompt through the whole model, and switch parts of it off (notebook 14).

    Controls: `prompt` (Text; \\n means a newline), `position` (IntSlider), `off` (SelectMultiple of
    "L0H0" ... "MLP1"), `mode` (ToggleButtons "zero"/"mean"), `target` (Text: the token whose
    attribution to show; empty = the top prediction). `last` holds what is shown (see `inside_view`).
    """

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\nBut soft, what light", heldout=None,
                 reference=None, k: int = 5):
        super().__init__()
        self.model, self.tokenizer, self.k = model, tokenizer, k
        block = model.config.block_size
        self.heldout = None if heldout is None else heldout_windows(heldout, block)
        if reference is not None:
            self.means = lens.mean_activations(model, heldout_windows(reference, block)[0])
        else:
            self.means = None if self.heldout is None else lens.mean_activations(model, self.heldout[0])
        self.prompt = w.Text(value=prompt.replace("\n", "\\n"), description="prompt", continuous_update=False,
                             layout=w.Layout(width="520px"))
        self.position = w.IntSlider(value=0, min=0, max=0, description="position", continuous_update=False)
        self.off = w.SelectMultiple(options=part_names(model), value=(), description="switch off", rows=6)
        self.mode = w.ToggleButtons(options=["zero", "mean"] if self.means is not None else ["zero"],
                                    value="zero", description="ablation")
        self.target = w.Text(value="", description="token", placeholder="top prediction", continuous_update=False,
                             layout=w.Layout(width="260px"))
        self.computation, self.lens_view, self.bars, self.effect = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.views = (self.computation, self.lens_view, self.bars, self.effect)
        right = w.VBox([self.lens_view, self.bars, self.effect], layout=w.Layout(margin="0 0 0 16px"))
        self.children = [w.HTML("Type a prompt (\\n is a newline), pick a position, and switch heads or MLPs off "
                                "(ctrl/cmd-click for several). Hover any part for its numbers."),
                         self.prompt, w.HBox([self.position, self.mode]), w.HBox([self.off, self.target]), self.out,
                         w.HBox([self.computation, right])]
        self._ids: list[int] = []
        self._silent = False
        self._losses: dict = {}  # held-out losses already computed, by parts switched off and mode
        self.watch(self.position, self.off, self.mode, self.target)
        self.watch(self.prompt, then=self._new_prompt)
        self._new_prompt()

    def _new_prompt(self) -> None:
        """A new prompt: re-encode it and follow its last token (one redraw, not two)."""
        try:
            self._ids = encode_prompt(self.tokenizer, self.prompt.value.replace("\\n", "\n"),
                                      self.model.config.block_size)
        except self.ERRORS as error:
            self._ids = []
            self.show_error(error)
            return
        self._silent = True  # moving the slider's range must not redraw with half-updated controls
        try:
            self.position.max = len(self._ids) - 1
            self.position.value = len(self._ids) - 1
        finally:
            self._silent = False
        self.refresh()

    def refresh(self) -> None:
        if getattr(self, "_silent", False):
            return
        super().refresh()

    def _target(self) -> int | None:
        text = self.target.value.replace("\\n", "\n")
        if not text:
            return None
        ids = self.tokenizer.encode(text)
        if len(ids) != 1:
            one = "one character" if unit(self.tokenizer) == "character" else "a BPE piece such as ' the', space included"
            raise ValueError(f"{text!r} is {len(ids)} tokens; type exactly one token ({one} for this model).")
        return ids[0]

    def draw(self) -> None:
        if not self._ids:
            raise ValueError("type a prompt first.")
        with one_thread():
            view = self._view()
        self.computation.value = (computation_html(view["trace"], view["tokens"], set(view["off"]))
                                  + top_html(view["top"], "next-token probabilities"))
        self.lens_view.value = lens_html(view["lens_table"], view["vocab"])
        self.bars.value = attribution_html(view["attribution"], view["target"])
        self.effect.value = effect_html(view)
        self.last = {key: value for key, value in view.items()
                     if key not in ("trace", "lens_table", "attribution", "vocab")}

    def _view(self) -> dict:
        return inside_view(self.model, self.tokenizer, self._ids, self.position.value, self.off.value,
                           self.mode.value, self._target(), self.heldout, self.means, self.k, self._losses)

    def error_view(self, error: Exception) -> dict:
        return {"error": str(error), "tokens": [], "top": [], "lens": [], "parts": {}, "heldout_loss": None}


def inside_explorer(model, tokenizer, prompt: str = "ROMEO:\nBut soft, what light", heldout=None,
                    reference=None, k: int = 5) -> InsideWidget:
    """Notebook 14's widget. heldout: token ids of a held-out passage (its loss shows what an ablation
    costs); reference: ids to average over for mean ablation (default: the held-out passage)."""
    return InsideWidget(model, tokenizer, prompt, heldout, reference, k)
