"""Interactive controls for the notebooks (ipywidgets).

Each builder returns a widget whose picture or text comes from pure functions elsewhere in gptlab,
so tests can set `.value` on a control and check what changed, with no browser. Controls that
re-run a model use continuous_update=False. A bad value typed by a learner shows a message in the
widget, never a traceback.
"""
from __future__ import annotations

import asyncio
import html
import io
import time
from typing import Iterator

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Image, display

WIDGET_DPI = 100  # pixels per inch of a widget's picture


def show_error(out: w.Output, error: Exception) -> None:
    """Show a learner's mistake inside the widget as one readable line."""
    out.clear_output(wait=True)
    with out:
        display(w.HTML(f"<b style='color:#D55E00'>{type(error).__name__}:</b> {error}"))


def show_figure(fig: plt.Figure) -> None:
    """Show a matplotlib figure in the current output as one PNG, then close it.

    In a notebook set to 'retina', plt.show() draws a figure twice (once to find its tight bounding
    box) at twice the resolution, four times the pixels: 3x slower. A widget redraws whenever a control
    moves, so it draws once at WIDGET_DPI instead (benchmarks/widget_latency.py measures both).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=WIDGET_DPI)
    plt.close(fig)
    display(Image(data=buffer.getvalue()))


def signed_bars_html(rows: list[tuple[str, float | None, str]], title: str = "", half_px: int = 110,
                     bold: int | None = None) -> str:
    """Horizontal bars that may be negative, as HTML: one row per (label, value, note); value None draws a
    grey "masked" row. Zero sits in the middle; the longest bar spans half_px."""
    from .viz import OKABE_ITO

    largest = max((abs(v) for _, v, _ in rows if v is not None), default=1.0) or 1.0
    lines = [f"<div style='font-weight:bold;margin:2px 0'>{html.escape(title)}</div>"] if title else []
    for i, (label, value, note) in enumerate(rows):
        weight = "bold" if i == bold else "normal"
        if value is None:
            neg = pos = ""
            note = note or "masked (future)"
        else:
            length = max(1, round(half_px * abs(value) / largest))
            bar = f"<span style='display:inline-block;width:{length}px;height:12px;background:{OKABE_ITO[0]}'></span>"
            neg, pos = (bar, "") if value < 0 else ("", bar)
        lines.append(
            "<div style='display:flex;align-items:center;font-family:monospace;font-size:12px;height:18px'>"
            f"<span style='width:7em;text-align:right;padding-right:6px;font-weight:{weight}'>{html.escape(label)}</span>"
            f"<span style='width:{half_px}px;text-align:right'>{neg}</span>"
            f"<span style='width:{half_px}px;border-left:1px solid #555'>{pos}</span>"
            f"<span style='padding-left:6px;color:#555'>{html.escape(note)}</span></div>")
    return "".join(lines)


def _sequential_rgba(values: np.ndarray, vmax: float) -> np.ndarray:
    """0..vmax -> RGBA in the course's sequential colour map (cividis), for the HTML heatmaps."""
    from matplotlib import colormaps

    from .viz import SEQUENTIAL

    return colormaps[SEQUENTIAL](np.clip(values / vmax, 0.0, 1.0))


def heatmap_html(matrix, row_labels: list[str], col_labels: list[str], title: str = "", row_title: str = "",
                 col_title: str = "", cell_px: int = 13, vmax: float = 1.0) -> str:
    """A heatmap as an HTML table: one coloured cell per entry (0..vmax, cividis), labels on both axes and
    each value in the cell's tooltip. Redrawing it costs milliseconds, where a matplotlib picture of
    a 60 x 60 pattern with its labels costs a fifth of a second."""
    values = np.asarray(matrix, dtype=float)
    rgba = _sequential_rgba(values, vmax)
    colours = [["#%02x%02x%02x" % tuple(int(255 * c) for c in px[:3]) for px in row] for row in rgba]
    esc = [html.escape(label) for label in col_labels]
    cell = f"width:{cell_px}px;height:{cell_px}px;padding:0;font-size:0;"
    label = f"font:11px/{cell_px}px monospace;padding:0 4px;text-align:right;white-space:pre;"
    head = "".join(f"<th style='font:11px monospace;padding:0 0 2px 0;width:{cell_px}px;text-align:center'>{c}</th>"
                   for c in esc)
    rows = []
    for i, row_label in enumerate(row_labels):
        r = html.escape(row_label)
        cells = "".join(f"<td style='{cell}background:{colours[i][j]}' title='{r} &#8594; {esc[j]}: "
                        f"{values[i, j]:.2f}'></td>" for j in range(len(col_labels)))
        rows.append(f"<tr><th style='{label}'>{r}</th>{cells}</tr>")
    title_html = f"<div style='font-size:13px;font-weight:bold;margin:4px 0'>{html.escape(title)}</div>" if title else ""
    return (f"{title_html}<div style='font-size:11px;color:#555;margin-bottom:4px'>rows: {html.escape(row_title)}; "
            f"columns: {html.escape(col_title)}</div><table style='border-collapse:collapse'>"
            f"<tr><th></th>{head}</tr>{''.join(rows)}</table>")


def pattern_image_html(matrix, title: str = "", row_title: str = "", col_title: str = "", size_px: int = 240,
                       vmax: float = 1.0) -> str:
    """A matrix as one small PNG (one pixel per entry, cividis, 0..vmax) scaled up without blur, with a title
    and axis captions: for patterns too big to label cell by cell. Costs about a millisecond to redraw."""
    import base64

    from PIL import Image as PILImage

    rgb = (255 * _sequential_rgba(np.asarray(matrix, dtype=float), vmax)[..., :3]).astype(np.uint8)
    buffer = io.BytesIO()
    PILImage.fromarray(rgb).save(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    title_html = f"<div style='font-size:13px;font-weight:bold;margin:4px 0'>{html.escape(title)}</div>" if title else ""
    return (f"{title_html}<div style='font-size:11px;color:#555;margin-bottom:4px'>rows, top to bottom: "
            f"{html.escape(row_title)}; columns, left to right: {html.escape(col_title)}</div>"
            f"<img src='data:image/png;base64,{data}' width='{size_px}' height='{size_px}' "
            f"style='image-rendering:pixelated;border:1px solid #ccc' alt='{html.escape(title)}'>")


# ---- notebook 00: the flow ------------------------------------------------------------------------------


def visible(piece: str) -> str:
    """A token's text with space, newline and tab made visible (for labels and coloured spans)."""
    return piece.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


@torch.no_grad()
def generation_steps(model, tokenizer, prompt: str, n_tokens: int, temperature: float = 0.0,
                     top: int = 5, seed: int = 0) -> list[dict]:
    """Generate n_tokens after `prompt`, one at a time, recording each step.

    Each record: "context" (ids the model saw), "candidates" [(id, probability)] the `top` most likely
    next tokens under the model's own distribution (temperature 1), and "chosen" (the id appended,
    greedy when temperature is 0, else sampled with a generator seeded by `seed`).
    """
    from .sample import Reader, sample_next

    ids = tokenizer.encode(prompt)
    if not ids:
        raise ValueError("the prompt is empty: type at least one character.")
    block_size = model.config.block_size
    generator = torch.Generator().manual_seed(seed)
    idx = torch.tensor([ids], dtype=torch.long, device=model.device)
    was_training = model.training
    model.eval()
    records = []
    try:
        reader = Reader(model, idx)  # a prompt longer than the context raises here, saying so
        for step in range(n_tokens):
            last = reader.logits[0].float()
            probs = torch.softmax(last, dim=-1)
            p, i = probs.topk(min(top, probs.numel()))
            chosen = int(sample_next(last, temperature, generator=generator))
            records.append({"context": reader.idx[0, -block_size:].tolist(),
                            "candidates": list(zip(i.tolist(), p.tolist())), "chosen": chosen,
                            "p_chosen": float(probs[chosen])})
            if step < n_tokens - 1:
                reader.append(torch.tensor([chosen], device=idx.device))
    finally:
        model.train(was_training)
    return records


def draw_generation_step(ax, tokenizer, prompt: str, records: list[dict], step: int) -> None:
    """Bar chart of the top candidates at one generation step; the chosen token in orange."""
    rec = records[step]
    labels = [visible(tokenizer.decode([i])) for i, _ in rec["candidates"]]
    probs = [p for _, p in rec["candidates"]]
    colors = ["#E69F00" if i == rec["chosen"] else "#0072B2" for i, _ in rec["candidates"]]
    ax.barh(range(len(probs))[::-1], probs, color=colors)
    ax.set_yticks(range(len(probs))[::-1], [repr(s)[1:-1] for s in labels])
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability of the next token")
    so_far = tokenizer.decode([r["chosen"] for r in records[:step]])
    tail = visible((prompt + so_far)[-40:])
    ax.set_title(f"step {step}: after '…{tail}'", fontsize=9, loc="left")


class GenerationStepper(w.VBox):
    """Step through generation token by token at a chosen training checkpoint and temperature.

    Controls: `checkpoint` (a training step), `temperature`, `prompt`, `step`. `last` holds what is
    shown: the checkpoint, the text so far, the candidates [(token text, probability)] and the chosen token.
    """

    def __init__(self, model, tokenizer, snapshots: dict[int, dict], prompt: str = "ROMEO:\n",
                 n_tokens: int = 60, top: int = 5):
        import copy

        self.model = copy.deepcopy(model).eval()
        self.tokenizer, self.snapshots, self.n_tokens, self.top = tokenizer, snapshots, n_tokens, top
        steps = sorted(snapshots)
        self.checkpoint = w.Dropdown(options=steps, value=steps[-1], description="trained steps")
        self.temperature = w.FloatSlider(value=0.0, min=0.0, max=1.5, step=0.1, description="temperature",
                                         continuous_update=False)
        self.prompt = w.Text(value=prompt, description="prompt", continuous_update=False)
        self.step = w.IntSlider(value=0, min=0, max=n_tokens - 1, description="step", continuous_update=True)
        self.text = w.HTML()
        self.bars = w.HTML()
        self.out = w.Output()
        self.last: dict = {}
        self.records: list[dict] = []
        for control in (self.checkpoint, self.temperature, self.prompt):
            control.observe(lambda _: self._regenerate(), names="value")
        self.step.observe(lambda _: self._show(), names="value")
        super().__init__([w.HBox([self.checkpoint, self.temperature]), self.prompt, self.step,
                          self.text, self.bars, self.out])
        self._regenerate()

    def _regenerate(self) -> None:
        try:
            self.model.load_state_dict(self.snapshots[self.checkpoint.value])
            self.records = generation_steps(self.model, self.tokenizer, self.prompt.value, self.n_tokens,
                                            self.temperature.value, self.top)
        except (ValueError, TypeError) as error:
            self.records = []
            self.text.value, self.bars.value = "", ""
            self.last = {"error": str(error)}
            show_error(self.out, error)
            return
        self.out.clear_output()
        self._show()

    def _show(self) -> None:
        if not self.records:
            return
        s = self.step.value
        tok = self.tokenizer
        rec = self.records[s]
        so_far = tok.decode([r["chosen"] for r in self.records[:s]])
        chosen = tok.decode([rec["chosen"]])
        self.text.value = (
            "<pre style='white-space:pre-wrap;font-size:13px'>"
            f"<span style='color:#777'>{html.escape(self.prompt.value)}</span>{html.escape(so_far)}"
            f"<span style='background:#E69F00'>{html.escape(visible(chosen))}</span></pre>")
        rows = []
        for i, p in rec["candidates"]:
            label = html.escape(visible(tok.decode([i])))
            color = "#E69F00" if i == rec["chosen"] else "#0072B2"
            rows.append(f"<tr><td style='font-family:monospace;text-align:right'>{label}</td><td>"
                        f"<div style='background:{color};width:{max(1, round(300 * p))}px;height:12px'></div>"
                        f"</td><td>{p:.2f}</td></tr>")
        self.bars.value = "<table>" + "".join(rows) + "</table>"
        self.last = {"checkpoint": self.checkpoint.value, "temperature": self.temperature.value, "step": s,
                     "text_so_far": self.prompt.value + so_far, "chosen": chosen,
                     "candidates": [(tok.decode([i]), p) for i, p in rec["candidates"]]}


def generation_stepper(model, tokenizer, snapshots: dict[int, dict], prompt: str = "ROMEO:\n",
                       n_tokens: int = 60) -> GenerationStepper:
    """The notebook 00 widget: see the top candidates at every step of generation."""
    return GenerationStepper(model, tokenizer, snapshots, prompt, n_tokens)


# ---- notebook 01: tokens --------------------------------------------------------------------------------

# Okabe-Ito colours (black left out) as light backgrounds for token spans.
TOKEN_COLORS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]


def token_pieces(tokenizer, text: str) -> list[tuple[str, int]]:
    """(how the token reads, id) for each token of `text`.

    Works for a CharTokenizer, a BPETokenizer and a tiktoken Encoding. A token holding part of a
    multi-byte character reads as its bytes in hex, e.g. '<e4 bd>'.
    """
    if hasattr(tokenizer, "decode_single_token_bytes"):  # tiktoken
        ids = tokenizer.encode(text, allowed_special="all")
        raw = [tokenizer.decode_single_token_bytes(i) for i in ids]
    elif hasattr(tokenizer, "vocab") and isinstance(getattr(tokenizer, "vocab"), list):  # BPETokenizer
        ids = tokenizer.encode(text)
        raw = [tokenizer.vocab[i] for i in ids]
    else:  # CharTokenizer: ValueError names an unknown character
        ids = tokenizer.encode(text)
        return [(tokenizer.chars[i], i) for i in ids]
    pieces = []
    for b, i in zip(raw, ids):
        try:
            pieces.append((b.decode("utf-8"), i))
        except UnicodeDecodeError:
            pieces.append(("<" + b.hex(" ") + ">", i))
    return pieces


def tokens_html(pieces: list[tuple[str, int]], show_ids: bool = True) -> str:
    """Tokens as coloured HTML spans (Okabe-Ito backgrounds), each with its id underneath."""

    spans = []
    for k, (piece, i) in enumerate(pieces):
        color = TOKEN_COLORS[k % len(TOKEN_COLORS)]
        ident = f"<br><small style='color:#333'>{i}</small>" if show_ids else ""
        spans.append(f"<span style='display:inline-block;background:{color}66;border-radius:3px;margin:1px;"
                     f"padding:1px 2px;text-align:center;font-family:monospace'>{html.escape(visible(piece))}"
                     f"{ident}</span>")
    return "".join(spans)


class TokenViewer(w.VBox):
    """Type text, see it cut into tokens by several tokenizers.

    `text` is the input box; `last[name]` is the list of (piece, id) per tokenizer, or None with
    `last["errors"][name]` holding the message (e.g. a character the char tokenizer has never seen).
    """

    def __init__(self, tokenizers: dict, text: str = "To be, or not to be: that is the question."):
        self.tokenizers = tokenizers
        self.text = w.Textarea(value=text, description="text", continuous_update=False,
                               layout=w.Layout(width="95%", height="60px"))
        self.view = w.HTML()
        self.last: dict = {}
        self.text.observe(lambda _: self._update(), names="value")
        super().__init__([self.text, self.view])
        self._update()

    def _update(self) -> None:

        text = self.text.value
        rows, last, errors = [], {"text": text}, {}
        for name, tok in self.tokenizers.items():
            try:
                pieces = token_pieces(tok, text)
            except (ValueError, TypeError) as error:
                last[name], errors[name] = None, str(error)
                rows.append(f"<p><b>{html.escape(name)}</b>: <span style='color:#D55E00'>cannot encode this text: "
                            f"{html.escape(str(error))}</span></p>")
                continue
            last[name] = pieces
            rows.append(f"<p><b>{html.escape(name)}</b>: {len(pieces)} tokens for {len(text)} characters</p>"
                        f"<div style='line-height:1.2'>{tokens_html(pieces)}</div>")
        last["errors"] = errors
        self.last = last
        self.view.value = "".join(rows)


def token_viewer(tokenizers: dict, text: str = "To be, or not to be: that is the question.") -> TokenViewer:
    """The notebook 01 widget: one text, coloured by token, for each tokenizer in `tokenizers`."""
    return TokenViewer(tokenizers, text)


def draw_token_rows(ax, rows: list[tuple[str, list[tuple[str, int]]]], chars_per_line: int = 60) -> None:
    """A static picture of token_viewer: one band of coloured boxes (token text over its id) per tokenizer."""
    y = 0.0
    ax.axis("off")
    for name, pieces in rows:
        ax.text(0, y, f"{name}: {len(pieces)} tokens", fontsize=9, fontweight="bold", va="top")
        y -= 1.0
        x = 0
        for k, (piece, i) in enumerate(pieces):
            label = visible(piece)
            width = max(len(label), len(str(i))) + 0.6
            if x + width > chars_per_line:
                x, y = 0, y - 2.0
            ax.add_patch(plt.Rectangle((x, y - 1.7), width - 0.2, 1.6, color=TOKEN_COLORS[k % len(TOKEN_COLORS)],
                                       alpha=0.45, lw=0))
            ax.text(x + (width - 0.2) / 2, y - 0.55, label, ha="center", va="center", family="monospace", fontsize=9)
            ax.text(x + (width - 0.2) / 2, y - 1.35, str(i), ha="center", va="center", fontsize=6, color="#333")
            x += width
        y -= 2.8
    ax.set_xlim(-0.5, chars_per_line + 1)
    ax.set_ylim(y + 0.5, 0.8)


# ---- notebook 02: embeddings ----------------------------------------------------------------------------


def char_label(c: str) -> str:
    """A printable label for a character token: space and newline become visible."""
    return {" ": "␣", "\n": "\\n", "\t": "\\t"}.get(c, c)


def cosine_similarities(matrix: torch.Tensor) -> torch.Tensor:
    """(V, C) -> (V, V): the cosine of the angle between every pair of rows."""
    unit = torch.nn.functional.normalize(matrix.detach().float(), dim=-1)
    return unit @ unit.T


def project_2d(matrix: torch.Tensor) -> torch.Tensor:
    """(V, C) -> (V, 2): the rows on their two main directions (PCA through an SVD of the centred rows).

    Each direction's sign is fixed (its largest coordinate is positive) so the picture is reproducible.
    """
    x = matrix.detach().float()
    x = x - x.mean(dim=0)
    _, _, vh = torch.linalg.svd(x, full_matrices=False)
    directions = vh[:2]  # (2, C)
    coords = x @ directions.T  # (V, 2)
    flip = torch.sign(coords.gather(0, coords.abs().argmax(dim=0, keepdim=True)))
    return coords * flip


def nearest_tokens(matrix: torch.Tensor, index: int, k: int = 8,
                   candidates: list[int] | None = None) -> tuple[list[int], list[float]]:
    """The k rows most cosine-similar to row `index` (itself excluded), most similar first, with their cosines.

    `candidates` restricts the search to some rows (e.g. tokens frequent enough to be well trained).
    """
    sims = cosine_similarities(matrix)[index]
    pool = [i for i in (candidates if candidates is not None else range(matrix.size(0))) if i != index]
    order = sorted(pool, key=lambda i: -float(sims[i]))[:k]
    return order, [float(sims[i]) for i in order]


def draw_embedding_map(ax_map: plt.Axes, ax_bar: plt.Axes, coords: torch.Tensor, labels: list[str], index: int,
                       neighbours: list[int], sims: list[float], shown: list[int] | None = None) -> None:
    """Left: every token in the 2-D projection, the chosen one and its neighbours highlighted.
    Right: the neighbours' cosine similarities."""
    from .viz import OKABE_ITO

    shown = list(range(len(labels))) if shown is None else shown
    xy = coords.numpy()
    pad = 0.05 * (xy[shown].max(axis=0) - xy[shown].min(axis=0)) + 1e-6
    ax_map.set_xlim(xy[shown, 0].min() - pad[0], xy[shown, 0].max() + pad[0])
    ax_map.set_ylim(xy[shown, 1].min() - pad[1], xy[shown, 1].max() + pad[1])
    for i in shown:
        colour = OKABE_ITO[5] if i == index else OKABE_ITO[0] if i in neighbours else "0.45"
        weight = "bold" if i == index or i in neighbours else "normal"
        ax_map.annotate(labels[i], xy[i], fontsize=9, color=colour, weight=weight, ha="center", va="center")
    ax_map.set_title(f"2-D projection (PCA): {labels[index]!r} and its neighbours")
    ax_map.set_xlabel("direction 1")
    ax_map.set_ylabel("direction 2")
    names = [labels[i] for i in neighbours]
    ax_bar.barh(range(len(names))[::-1], sims, color=OKABE_ITO[0])
    ax_bar.set_yticks(range(len(names))[::-1], names)
    ax_bar.set_xlim(min(0.0, min(sims, default=0.0)), 1.0)
    ax_bar.set_xlabel("cosine similarity")
    ax_bar.set_title(f"nearest to {labels[index]!r}")


def embedding_map_svg(coords: torch.Tensor, labels: list[str], index: int, neighbours: list[int],
                      shown: list[int] | None = None, width: int = 560, height: int = 340) -> str:
    """The 2-D projection as a small SVG: every token's label at its place, the chosen one in orange and
    its neighbours in blue (what draw_embedding_map draws, in a form a browser redraws instantly)."""
    from .viz import OKABE_ITO

    shown = list(range(len(labels))) if shown is None else shown
    xy = coords.numpy()[shown]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    margin = 24
    items = []
    for (x, y), i in zip(xy, shown):
        px = margin + (x - lo[0]) / span[0] * (width - 2 * margin)
        py = height - margin - (y - lo[1]) / span[1] * (height - 2 * margin)  # up is up
        colour = OKABE_ITO[5] if i == index else OKABE_ITO[0] if i in neighbours else "#737373"
        weight = "bold" if i == index or i in neighbours else "normal"
        items.append(f"<text x='{px:.1f}' y='{py:.1f}' fill='{colour}' font-weight='{weight}'>"
                     f"{html.escape(labels[i])}</text>")
    title = html.escape(f"2-D projection (PCA): {labels[index]!r} and its neighbours")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height + 18}' "
            f"font-family='monospace' font-size='12' text-anchor='middle' dominant-baseline='middle'>"
            f"<text x='{width / 2}' y='9' font-family='sans-serif' font-size='13'>{title}</text>"
            f"<g transform='translate(0,18)'><rect x='1' y='1' width='{width - 2}' height='{height - 2}' "
            f"fill='none' stroke='#bbb'/>{''.join(items)}</g></svg>")


def embedding_explorer(matrix: torch.Tensor, labels: list[str], k: int = 8,
                       candidates: list[int] | None = None, start: int | None = None) -> w.VBox:
    """Pick a token: see its k nearest neighbours by cosine similarity and its place in the 2-D projection.

    `.token` is the Dropdown (value = row index), `.last` holds what is drawn:
    {"index", "label", "neighbours" (indices), "neighbour_labels", "similarities", "xy"}.
    """
    coords = project_2d(matrix)
    shown = list(range(len(labels))) if candidates is None else list(candidates)
    options = [(labels[i], i) for i in shown]
    token = w.Dropdown(options=options, value=start if start is not None else shown[0], description="token")
    out = w.Output()  # error messages
    picture = w.HTML()  # the map and the bars, as SVG and HTML (instant to redraw)
    box = w.VBox([token, out, picture])
    box.token, box.out, box.picture, box.last = token, out, picture, {}

    def update(*_):
        try:
            i = int(token.value)
            neighbours, sims = nearest_tokens(matrix, i, k, shown)
            box.last = {"index": i, "label": labels[i], "neighbours": neighbours,
                        "neighbour_labels": [labels[j] for j in neighbours], "similarities": sims,
                        "xy": tuple(round(float(v), 4) for v in coords[i])}
            bars = signed_bars_html([(labels[j], sim, f"{sim:.2f}") for j, sim in zip(neighbours, sims)],
                                    title=f"nearest to {labels[i]!r} (cosine similarity)", half_px=90)
            out.clear_output()
            picture.value = (f"<div style='display:flex;gap:16px;align-items:flex-start'>"
                             f"{embedding_map_svg(coords, labels, i, neighbours, shown)}<div>{bars}</div></div>")
        except Exception as error:  # noqa: BLE001 - a learner's bad input becomes a message
            picture.value = ""
            show_error(out, error)

    token.observe(update, names="value")
    update()
    return box


# ---- notebook 03: queries and keys ----------------------------------------------------------------------


@torch.no_grad()
def query_scores(head, ids: torch.Tensor, index: int) -> tuple[list[float], list[float]]:
    """One query's scaled scores q.k/sqrt(d_k) against every key (future keys -inf) and its attention row.

    head: a gptlab.toy.ToyHead; ids: (T,) token ids; index: the query's position.
    """
    run = head.run(ids[None])
    scores = run["scores"][0, index].clone()
    scores[index + 1:] = float("-inf")  # a key after the query is hidden by the causal mask (notebook 04)
    return scores.tolist(), run["pattern"][0, index].tolist()


def draw_query_scores(axes, words: list[str], index: int, rows: dict[str, tuple[list[float], list[float]]]) -> None:
    """One bar chart per head ("before"/"after" training): the query's score for every key, with the
    attention weight written on each bar; keys after the query are greyed out."""
    from .viz import OKABE_ITO

    for ax, (title, (scores, pattern)) in zip(axes, rows.items()):
        allowed = [j <= index for j in range(len(words))]
        heights = [s if ok else 0.0 for s, ok in zip(scores, allowed)]
        colours = [OKABE_ITO[0] if ok else "0.85" for ok in allowed]
        bars = ax.bar(range(len(words)), heights, color=colours)
        for j, bar in enumerate(bars):
            if allowed[j]:
                y = bar.get_height()
                ax.annotate(f"{pattern[j]:.2f}", (bar.get_x() + bar.get_width() / 2, y), ha="center",
                            va="bottom" if y >= 0 else "top", fontsize=8)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_xticks(range(len(words)), words, rotation=45, ha="right")
        ax.get_xticklabels()[index].set_fontweight("bold")
        ax.set_title(f"{title}: query {words[index]!r}")
        ax.set_ylabel("score q·k/√d_k (number: attention)")


def query_key_explorer(untrained, trained, sentences: list[str] | None = None) -> w.VBox:
    """Choose a toy sentence (or type one in toy words) and a token: see its query's score against every
    key, for the head before and after training.

    Controls: `.sentence` (Dropdown), `.typed` (Text, overrides the dropdown when not empty), `.token`
    (Dropdown of positions). `.last`: {"sentence", "words", "index", "before": (scores, pattern),
    "after": (scores, pattern)}, or {"error": message} after bad input.
    """
    from . import toy

    sentences = sentences or toy.EXAMPLES
    sentence = w.Dropdown(options=sentences, value=sentences[0], description="sentence",
                          layout=w.Layout(width="420px"))
    typed = w.Text(value="", placeholder="or type toy words, e.g. 'the fluffy red cat'", description="typed",
                   continuous_update=False, layout=w.Layout(width="420px"))
    token = w.Dropdown(description="token")
    out = w.Output()  # error messages
    picture = w.HTML()  # the two bar charts, as HTML (instant to redraw)
    box = w.VBox([sentence, typed, token, out, picture])
    box.sentence, box.typed, box.token, box.out, box.picture, box.last = sentence, typed, token, out, picture, {}

    def current_words() -> list[str]:
        text = typed.value.strip() or sentence.value
        return toy.words(toy.encode(text))

    def set_tokens(*_):
        try:
            ws = current_words()
        except Exception as error:  # noqa: BLE001
            box.last = {"error": str(error)}
            show_error(out, error)
            return
        options = [(f"{i}: {word}", i) for i, word in enumerate(ws)]
        nouns = [i for i, word in enumerate(ws) if word in toy.NOUNS]
        default = nouns[-1] if nouns else len(ws) - 1
        token.unobserve(draw, names="value")  # draw once, after both changes
        token.options = options
        token.value = default
        token.observe(draw, names="value")
        draw()

    def draw(*_):
        try:
            ws = current_words()
            i = token.value
            if i is None or not 0 <= i < len(ws):
                raise ValueError("choose a token from the list.")
            ids = torch.tensor(toy.encode(" ".join(ws)))
            rows = {"before training": query_scores(untrained, ids, i), "after training": query_scores(trained, ids, i)}
            box.last = {"sentence": " ".join(ws), "words": ws, "index": i,
                        "before": rows["before training"], "after": rows["after training"]}
            panels = []
            for title, (scores, pattern) in rows.items():
                bars = [(word, scores[j], f"attention {pattern[j]:.2f}") if j <= i else (word, None, "")
                        for j, word in enumerate(ws)]
                panels.append(f"<div>{signed_bars_html(bars, f'{title}: query {ws[i]!r}', bold=i)}</div>")
            out.clear_output()
            picture.value = ("<div style='font-size:11px;color:#555'>bar: the score q·k/√d_k of the query "
                             "against each key; number: the attention weight after softmax</div>"
                             f"<div style='display:flex;gap:24px'>{''.join(panels)}</div>")
        except Exception as error:  # noqa: BLE001
            box.last = {"error": str(error)}
            picture.value = ""
            show_error(out, error)

    sentence.observe(set_tokens, names="value")
    typed.observe(set_tokens, names="value")
    token.observe(draw, names="value")
    set_tokens()
    return box


# ---- notebook 04: causal masking ------------------------------------------------------------------------

CONTEXT_CHOICES = [2 ** i for i in range(18)]  # 1 ... 131,072 (128k); 2,048 is GPT-3's context
GPT3_LAYERS, GPT3_HEADS = 96, 96
_DRAW_UP_TO = 64  # larger patterns are shown as numbers only


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB' (binary units, as memory is sold to programs)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def context_cost(context: int, n_head: int = GPT3_HEADS, n_layer: int = GPT3_LAYERS,
                 bytes_per_number: int = 4) -> dict[str, int]:
    """Size of the attention pattern for one sequence of `context` tokens (fp32 by default).

    entries: context^2 numbers in one head's pattern; bytes_one_head: their memory;
    bytes_all_heads: every head of every layer (GPT-3: 96 x 96), if all were stored at once.
    """
    from .params import attention_pattern_bytes

    if isinstance(context, bool) or not isinstance(context, (int, np.integer)) or context < 1:
        raise ValueError(f"the context length must be a whole number >= 1, got {context!r}.")
    context = int(context)
    return {"context": context, "entries": context * context,
            "bytes_one_head": attention_pattern_bytes(context, 1, 1, bytes_per_number),
            "bytes_all_heads": attention_pattern_bytes(context, n_head, n_layer, bytes_per_number)}


def example_causal_pattern(context: int, head_size: int = 16, seed: int = 0) -> torch.Tensor:
    """A causal pattern (T, T) from random queries and keys: what a head's pattern looks like before training."""
    from .attention import attention_pattern

    g = torch.Generator().manual_seed(seed)
    q = torch.randn(context, head_size, generator=g)
    k = torch.randn(context, head_size, generator=g)
    return attention_pattern(q, k, causal=True)


def _parse_context(text: str) -> int:
    cleaned = text.strip().replace(",", "").replace("_", "").lower()
    scale = 1
    if cleaned.endswith("k"):
        cleaned, scale = cleaned[:-1], 1024
    if not cleaned.isdigit() or int(cleaned) < 1:
        raise ValueError(f"{text!r} is not a context length; type a whole number such as 2048 or 32k.")
    value = int(cleaned) * scale
    if value > 1 << 24:
        raise ValueError(f"{value:,} tokens is more than this widget shows (16,777,216 = 16M); type a smaller number.")
    return value


class ContextCostWidget(w.VBox):
    """A context-length slider (and a box to type any length): the pattern, its entries and its memory.

    `last` holds what is shown: context, entries, bytes_one_head, bytes_all_heads, drawn (bool), and
    pattern (the (T, T) tensor when drawn, else None); after bad typed input, also "error" (the message).
    """

    def __init__(self, context: int = 16):
        self.context = w.SelectionSlider(options=CONTEXT_CHOICES, value=context, description="context T",
                                         continuous_update=False, layout=w.Layout(width="520px"))
        self.typed = w.Text(value="", placeholder="or type a length, e.g. 3000 or 32k", description="T =",
                            continuous_update=False)
        self.numbers = w.HTML()
        self.picture = w.HTML()  # the pattern as a picture, or why it is not drawn
        self.out = w.Output()  # error messages
        self.last: dict = {}
        super().__init__([self.context, self.typed, self.numbers, self.out, self.picture])
        self.context.observe(lambda change: self.show(change["new"]), names="value")
        self.typed.observe(self._on_typed, names="value")
        self.show(context)

    def _on_typed(self, change) -> None:
        if not change["new"].strip():
            return
        try:
            self.show(_parse_context(change["new"]))
        except ValueError as error:
            self.numbers.value = self.picture.value = ""
            self.last = {**self.last, "error": str(error)}
            show_error(self.out, error)

    def show(self, context: int) -> None:
        cost = context_cost(context)
        drawn = context <= _DRAW_UP_TO
        pattern = example_causal_pattern(context) if drawn else None
        self.last = {**cost, "drawn": drawn, "pattern": pattern}
        self.numbers.value = (
            f"<b>T = {context:,}</b>: the pattern has T x T = <b>{cost['entries']:,}</b> entries, "
            f"<b>{human_bytes(cost['bytes_one_head'])}</b> in fp32 for one head; GPT-3 stores one per head per "
            f"layer ({GPT3_HEADS} x {GPT3_LAYERS} = {GPT3_HEADS * GPT3_LAYERS:,}): "
            f"<b>{human_bytes(cost['bytes_all_heads'])}</b> per sequence.")
        self.out.clear_output()
        if drawn:
            self.picture.value = pattern_image_html(
                pattern.numpy(), title=f"causal pattern, T = {context} (0 to 1)", row_title="query (looking)",
                col_title="key (looked at)")
        else:
            self.picture.value = f"(T = {context:,} is too big to draw: {cost['entries']:,} squares.)"


def context_cost_widget(context: int = 16) -> ContextCostWidget:
    """Notebook 04: how big the attention pattern gets as the context grows."""
    return ContextCostWidget(context)


# ---- notebook 05: values --------------------------------------------------------------------------------


@torch.no_grad()
def value_contributions(head, sentence: str, position: int) -> dict:
    """What each earlier token adds to the token at `position` in one toy head (gptlab.toy.ToyHead).

    contribution_j = pattern[position, j] * value_up(value_down(E_j)), so dE = sum_j contribution_j.
    Returns words, position, word, weights (T,), contributions (T, C), along (T,): each contribution
    projected on dE's direction (they add up to |dE|), norms (T,), dE (C,) and dE_norm (float).
    """
    from .toy import encode, words

    ids = torch.tensor([encode(sentence)])
    T = ids.size(1)
    if isinstance(position, bool) or not isinstance(position, (int, np.integer)) or not 0 <= position < T:
        raise ValueError(f"position must be a whole number from 0 to {T - 1} for this sentence, got {position!r}.")
    run = head.run(ids)
    weights = run["pattern"][0, position]  # (T,): zero after `position`
    contributions = weights[:, None] * head.value_up(run["v"][0])  # (T, C)
    dE = run["dE"][0, position]
    unit = dE / dE.norm().clamp_min(1e-12)
    toks = words(ids[0])
    return {"words": toks, "position": int(position), "word": toks[position], "weights": weights,
            "contributions": contributions, "along": contributions @ unit, "norms": contributions.norm(dim=-1),
            "dE": dE, "dE_norm": dE.norm().item()}


def draw_value_contributions(info: dict, axes=None):
    """Two bar charts: the attention weights of the chosen token, and each token's part of dE."""
    n = info["position"] + 1
    labels = [f"{i}:{w}" for i, w in enumerate(info["words"][:n])]
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.5, 2.8))
    from .viz import OKABE_ITO

    axes[0].bar(range(n), info["weights"][:n].numpy(), color=OKABE_ITO[0])
    axes[0].set_ylim(0, 1)
    axes[0].set_title(f"attention of '{info['word']}' (row of the pattern)", fontsize=9)
    along = info["along"][:n].numpy()
    axes[1].bar(range(n), along, color=[OKABE_ITO[2] if a >= 0 else OKABE_ITO[5] for a in along])
    axes[1].axhline(0, color="black", lw=0.8)
    axes[1].set_title(f"each token's part of dE (along dE; sum = |dE| = {info['dE_norm']:.2f})", fontsize=9)
    for ax in axes:
        ax.set_xticks(range(n), labels, rotation=45, ha="right", fontsize=8)
    axes[0].figure.tight_layout()
    return axes


class ValueContributionWidget(w.VBox):
    """Pick a toy sentence and a token: bars show which earlier tokens its change dE comes from.

    `last` is the dict of value_contributions for what is shown (or {"error": message} after bad input).
    """

    def __init__(self, head, sentence: str | None = None, position: int | None = None):
        from .toy import EXAMPLES

        self.head = head
        self.sentence = w.Combobox(value=sentence or EXAMPLES[0], options=EXAMPLES, ensure_option=False,
                                   description="sentence", continuous_update=False, layout=w.Layout(width="560px"))
        self.token = w.Dropdown(description="token")
        self.out = w.Output()  # error messages
        self.picture = w.HTML()  # the two bar charts, as HTML (instant to redraw)
        self.last: dict = {}
        self._updating = False
        super().__init__([self.sentence, self.token, self.out, self.picture])
        self._set_sentence(self.sentence.value, position)
        self.sentence.observe(lambda change: self._set_sentence(change["new"]), names="value")
        self.token.observe(lambda change: self.show(), names="value")

    def _set_sentence(self, sentence: str, position: int | None = None) -> None:
        from .toy import NOUNS, encode, words

        try:
            toks = words(encode(sentence))
        except (TypeError, ValueError) as error:
            self.last = {"error": str(error)}
            self.picture.value = ""
            show_error(self.out, error)
            return
        nouns = [i for i, t in enumerate(toks) if t in NOUNS]
        chosen = position if position is not None else (nouns[0] if nouns else len(toks) - 1)
        self._sentence = sentence
        self._updating = True  # changing the options fires the token observer: draw once, at the end
        try:
            self.token.options = [(f"{i}: {t}", i) for i, t in enumerate(toks)]
            self.token.value = chosen if 0 <= chosen < len(toks) else len(toks) - 1
        finally:
            self._updating = False
        self.show()

    def show(self) -> None:
        if self._updating or self.token.value is None:
            return
        try:
            info = value_contributions(self.head, self._sentence, self.token.value)
        except ValueError as error:
            self.last = {"error": str(error)}
            self.picture.value = ""
            show_error(self.out, error)
            return
        self.last = info
        n = info["position"] + 1
        labels = [f"{i}:{word}" for i, word in enumerate(info["words"][:n])]
        weights = signed_bars_html([(label, float(a), f"{a:.2f}") for label, a in zip(labels, info["weights"][:n])],
                                   f"attention of '{info['word']}' (row of the pattern)", half_px=90, bold=n - 1)
        parts = signed_bars_html([(label, float(a), f"{a:+.2f}") for label, a in zip(labels, info["along"][:n])],
                                 f"each token's part of dE (along dE; sum = |dE| = {info['dE_norm']:.2f})",
                                 half_px=90, bold=n - 1)
        self.out.clear_output()
        self.picture.value = f"<div style='display:flex;gap:24px'><div>{weights}</div><div>{parts}</div></div>"


def value_widget(head, sentence: str | None = None, position: int | None = None) -> ValueContributionWidget:
    """Notebook 05: where a token's change dE comes from, token by token."""
    return ValueContributionWidget(head, sentence, position)


# ---- notebook 06: multi-head attention ------------------------------------------------------------------


def encode_for_model(tokenizer, text: str, block_size: int) -> list[int]:
    """Token ids of `text` for a character model, or a ValueError that says what to change."""
    if not isinstance(text, str) or not text:
        raise ValueError("type some text first.")
    known = set(tokenizer.chars)
    bad = sorted({c for c in text if c not in known})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:8])
        raise ValueError(f"the model has never seen {shown}; use letters, digits, spaces and .,;:!?'- only.")
    if len(text) > block_size:
        raise ValueError(f"the text has {len(text)} characters; this model reads at most {block_size}. Shorten it.")
    return tokenizer.encode(text)


@torch.no_grad()
def all_patterns(model, ids: list[int]) -> np.ndarray:
    """Every attention pattern of the model for one text: (n_layer, n_head, T, T), rows sum to 1."""
    idx = torch.tensor([ids], dtype=torch.long, device=model.device)
    return model.attention_patterns(idx)[:, 0].float().cpu().numpy()


def draw_head_pattern(ax: plt.Axes, pattern: np.ndarray, chars: list[str], title: str = "", labels: bool = True) -> None:
    """One head's (T, T) pattern: row = the query character, column = the key character it reads."""
    from .viz import SEQUENTIAL

    ax.imshow(pattern, cmap=SEQUENTIAL, vmin=0.0, vmax=1.0, aspect="equal")
    names = [char_label(c) for c in chars]
    if labels:
        ax.set_xticks(range(len(names)), names, fontsize=7)
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.set_xlabel("key (read from)")
        ax.set_ylabel("query (reads)")
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


class HeadPatternWidget(w.VBox):
    """Pick a layer, a head and a text: see that head's attention pattern.

    Controls: `.layer`, `.head` (Dropdowns), `.text` (Text). `.last` = {"layer", "head", "text", "chars",
    "pattern" (T, T numpy), "strongest" (for each query, the key it reads most)} or {"error": message}.
    The model runs once per text; changing layer or head only redraws.
    """

    def __init__(self, model, tokenizer, text: str = "ROMEO:\nBut soft, what light through yonder window breaks?"):
        cfg = model.config
        self.model, self.tokenizer = model, tokenizer
        self.layer = w.Dropdown(options=list(range(cfg.n_layer)), value=0, description="layer")
        self.head = w.Dropdown(options=list(range(cfg.n_head)), value=0, description="head")
        # a Textarea, so a learner can type the newline that ends a speaker's name
        self.text = w.Textarea(value=text, description="text", continuous_update=False,
                               layout=w.Layout(width="95%", height="4em"))
        self.out = w.Output()  # error messages
        self.picture = w.HTML()  # the pattern, as an HTML heatmap (instant to redraw)
        self.last: dict = {}
        self._patterns: tuple[str, np.ndarray] | None = None
        super().__init__([w.HBox([self.layer, self.head]), self.text, self.out, self.picture])
        for control in (self.layer, self.head, self.text):
            control.observe(self.update, names="value")
        self.update()

    def patterns_for(self, text: str) -> np.ndarray:
        if self._patterns is None or self._patterns[0] != text:
            ids = encode_for_model(self.tokenizer, text, self.model.config.block_size)
            self._patterns = (text, all_patterns(self.model, ids))
        return self._patterns[1]

    def update(self, *_) -> None:
        try:
            text = self.text.value
            pattern = self.patterns_for(text)[self.layer.value, self.head.value]
        except Exception as error:  # noqa: BLE001 - a learner's bad input becomes a message
            self.last = {"error": str(error)}
            self.picture.value = ""
            show_error(self.out, error)
            return
        chars = list(text)
        self.last = {"layer": self.layer.value, "head": self.head.value, "text": text, "chars": chars,
                     "pattern": pattern, "strongest": pattern.argmax(axis=1).tolist()}
        names = [char_label(c) for c in chars]
        self.picture.value = heatmap_html(pattern, names, names, f"layer {self.layer.value}, head {self.head.value}",
                                          row_title="the query character (reads)",
                                          col_title="the key character (read from); hover for the weight")
        self.out.clear_output()


def head_pattern_explorer(model, tokenizer, text: str = "ROMEO:\nBut soft, what light through yonder window breaks?") -> HeadPatternWidget:
    """The widget of notebook 06: one head's attention pattern on a text of your choice."""
    return HeadPatternWidget(model, tokenizer, text)

# ---- notebook 07: MLP, residuals, LayerNorm -------------------------------------------------------------


@torch.no_grad()
def mlp_hidden(model, windows: torch.Tensor) -> torch.Tensor:
    """The MLP neurons' activations ("blocks.{i}.mlp.hidden") for windows (N, T) of token ids.

    Returns (n_layer, N * T, 4C): one row per character of the windows, read left to right.
    """
    _, cache = model.run_with_cache(windows.to(model.device))
    hidden = [cache[f"blocks.{i}.mlp.hidden"] for i in range(model.config.n_layer)]  # each (N, T, 4C)
    return torch.stack([h.reshape(-1, h.size(-1)) for h in hidden]).float().cpu()


def corpus_windows(tokenizer, text: str, block_size: int) -> tuple[str, torch.Tensor]:
    """Cut text into consecutive windows of block_size characters: (the text they cover, (N, T) ids)."""
    n = len(text) // block_size
    used = text[: n * block_size]
    return used, torch.tensor(tokenizer.encode(used), dtype=torch.long).view(n, block_size)


def top_snippets(text: str, activations, k: int = 8, before: int = 30, after: int = 8,
                 block_size: int | None = None) -> list[dict]:
    """The k characters of `text` where a neuron fires most, each with its surroundings.

    activations: one number per character of text. With block_size, `before` stops at the start of the
    window the model actually read. Each snippet: {"pos", "activation", "before", "char", "after"}.
    """
    acts = torch.as_tensor(np.asarray(activations, dtype=np.float32))
    k = min(k, acts.numel())
    order = torch.argsort(acts, descending=True, stable=True)[:k].tolist()
    snippets = []
    for pos in order:
        start = max(0, pos - before)
        if block_size:
            start = max(start, pos - pos % block_size)
        snippets.append({"pos": pos, "activation": float(acts[pos]), "before": text[start:pos],
                         "char": text[pos], "after": text[pos + 1: pos + 1 + after]})
    return snippets


def snippet_line(snippet: dict) -> str:
    """A snippet as plain text, newlines shown as ⏎ and the firing character in [brackets]."""
    def show(s: str) -> str:
        return s.replace("\n", "⏎")
    return f"{snippet['activation']:5.2f}  {show(snippet['before']):>30}[{show(snippet['char'])}]{show(snippet['after'])}"


def activation_html(chars: list[str], activations, vmax: float | None = None) -> str:
    """Characters on a colour scale (cividis, dark = silent, yellow = fires), newlines shown as ⏎."""

    from matplotlib import colormaps

    from .viz import SEQUENTIAL

    acts = np.asarray(activations, dtype=float)
    top = vmax if vmax else max(float(acts.max()), 1e-6)
    cmap = colormaps[SEQUENTIAL]
    spans = []
    for c, a in zip(chars, acts):
        level = min(max(a / top, 0.0), 1.0)
        r, g, b, _ = cmap(level)
        ink = "black" if level > 0.55 else "white"
        shown = "⏎" if c == "\n" else html.escape(c).replace(" ", "&nbsp;")
        spans.append(f"<span title='{a:.2f}' style='background:rgb({int(255 * r)},{int(255 * g)},{int(255 * b)});"
                     f"color:{ink};font-family:monospace;padding:1px 0'>{shown}</span>" + ("<br>" if c == "\n" else ""))
    return "".join(spans)


def draw_activation_text(ax: plt.Axes, chars: list[str], activations, vmax: float | None = None,
                         per_line: int = 40, title: str = "") -> None:
    """Characters as coloured boxes (cividis: dark = silent, yellow = fires), for static pictures."""
    from matplotlib import colormaps

    from .viz import SEQUENTIAL

    acts = np.asarray(activations, dtype=float)
    top = vmax if vmax else max(float(acts.max()), 1e-6)
    cmap = colormaps[SEQUENTIAL]
    row, col = 0, 0
    for c, a in zip(chars, acts):
        level = min(max(a / top, 0.0), 1.0)
        ax.text(col, -row, "⏎" if c == "\n" else c, ha="center", va="center", family="monospace", fontsize=11,
                color="black" if level > 0.55 else "white",
                bbox=dict(boxstyle="square,pad=0.25", facecolor=cmap(level), edgecolor="none"))
        col += 1
        if c == "\n" or col >= per_line:
            row, col = row + 1, 0
    ax.set_xlim(-1, per_line)
    ax.set_ylim(-row - 1, 1)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)


class NeuronWidget(w.VBox):
    """Pick a layer and an MLP neuron: see where it fires on your text and its top snippets in the corpus.

    Controls: `.layer` (Dropdown), `.neuron` (BoundedIntText), `.text` (Textarea). `.last` = {"layer", "neuron",
    "text", "activations" (one per character), "top" (list of top_snippets dicts)} or {"error": message}.
    The corpus activations are computed once, when the widget is built.
    """

    def __init__(self, model, tokenizer, corpus: str, text: str = "KING RICHARD III:\nNow is the winter of our discontent",
                 layer: int = 0, neuron: int = 0, k: int = 6):
        cfg = model.config
        self.model, self.tokenizer, self.k = model, tokenizer, k
        self.corpus, windows = corpus_windows(tokenizer, corpus, cfg.block_size)
        self.corpus_acts = mlp_hidden(model, windows)  # (L, N*T, 4C)
        width = self.corpus_acts.size(-1)
        self.layer = w.Dropdown(options=list(range(cfg.n_layer)), value=layer, description="layer")
        self.neuron = w.BoundedIntText(value=neuron, min=0, max=width - 1, description=f"neuron (0-{width - 1})",
                                       style={"description_width": "initial"})
        self.text = w.Textarea(value=text, description="text", continuous_update=False,
                               layout=w.Layout(width="95%", height="4em"))
        self.view = w.HTML()
        self.top_view = w.HTML()
        self.out = w.Output()
        self.last: dict = {}
        self._text_acts: tuple[str, torch.Tensor] | None = None
        super().__init__([w.HBox([self.layer, self.neuron]), self.text, self.out, self.view, self.top_view])
        for control in (self.layer, self.neuron, self.text):
            control.observe(self.update, names="value")
        self.update()

    def text_activations(self, text: str) -> torch.Tensor:
        if self._text_acts is None or self._text_acts[0] != text:
            ids = encode_for_model(self.tokenizer, text, self.model.config.block_size)
            self._text_acts = (text, mlp_hidden(self.model, torch.tensor([ids])))
        return self._text_acts[1]

    def update(self, *_) -> None:
        try:
            layer, neuron, text = self.layer.value, int(self.neuron.value), self.text.value
            acts = self.text_activations(text)[layer, :, neuron].numpy()
        except Exception as error:  # noqa: BLE001 - a learner's bad input becomes a message
            self.last = {"error": str(error)}
            self.view.value, self.top_view.value = "", ""
            show_error(self.out, error)
            return
        self.out.clear_output()
        column = self.corpus_acts[layer, :, neuron]
        top = top_snippets(self.corpus, column, self.k, block_size=self.model.config.block_size)
        vmax = max(float(column.max()), float(acts.max()), 1e-6)
        self.last = {"layer": layer, "neuron": neuron, "text": text, "activations": acts.tolist(), "top": top}
        self.view.value = (f"<b>layer {layer}, neuron {neuron} on your text</b> (yellow = fires; hover for the value)"
                           f"<div style='line-height:1.8'>{activation_html(list(text), acts, vmax)}</div>")
        rows = []
        for s in top:
            chars = list(s["before"] + s["char"] + s["after"])
            row_acts = [0.0] * len(s["before"]) + [s["activation"]] + [0.0] * len(s["after"])
            rows.append(f"<div>{s['activation']:.2f}&nbsp;&nbsp;{activation_html(chars, row_acts, vmax).replace('<br>', '')}</div>")
        self.top_view.value = f"<b>where it fires most in {len(self.corpus):,} characters of the corpus</b>" + "".join(rows)


def neuron_explorer(model, tokenizer, corpus: str, text: str = "KING RICHARD III:\nNow is the winter of our discontent",
                    layer: int = 0, neuron: int = 0, k: int = 6) -> NeuronWidget:
    """The widget of notebook 07: one MLP neuron's activations on your text and its top corpus snippets."""
    return NeuronWidget(model, tokenizer, corpus, text, layer, neuron, k)

# ---- notebook 08: unembedding and softmax ---------------------------------------------------------------


def token_label(token: str) -> str:
    """A character as a readable label: a newline shows as '⏎', a space as '␣'."""
    return {"\n": "⏎", " ": "␣", "\t": "⇥"}.get(token, token)


@torch.no_grad()
def next_token_logits(model, tokenizer, prompt: str) -> torch.Tensor:
    """The model's logits (V,) for the token after `prompt`; ValueError with a clear message for bad prompts."""
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("type a prompt of at least one character (for example ROMEO: and a newline).")
    ids = tokenizer.encode(prompt)  # an unknown character raises ValueError naming it
    block_size = model.config.block_size
    if len(ids) > block_size:
        raise ValueError(f"the prompt has {len(ids)} tokens but this model sees at most {block_size}; "
                         f"shorten it to its last {block_size} characters.")
    was_training = model.training
    model.eval()
    try:
        logits, _ = model(torch.tensor([ids], device=model.device))
    finally:
        model.train(was_training)
    return logits[0, -1].float().cpu()


def top_tokens(probs: torch.Tensor, chars, k: int) -> list[tuple[str, float]]:
    """The k most likely tokens of a distribution (V,), as (token, probability), most likely first."""
    k = max(1, min(int(k), probs.numel()))
    values, ids = probs.topk(k)
    return [(chars[i], float(p)) for p, i in zip(values.tolist(), ids.tolist())]


def bars_html(rows: list[tuple[str, float]], colour: str = "#0072B2", width_px: int = 260) -> str:
    """Horizontal probability bars as plain HTML (instant to redraw, readable by a browser test)."""
    lines = []
    for token, p in rows:
        bar = max(1, round(width_px * p))
        lines.append(
            "<div style='display:flex;align-items:center;font-family:monospace;height:18px'>"
            f"<span style='width:2.5em;text-align:right;padding-right:6px'>{html.escape(token_label(token))}</span>"
            f"<span style='display:inline-block;width:{bar}px;height:12px;background:{colour}'></span>"
            f"<span style='padding-left:6px'>{p:.3f}</span></div>")
    return "".join(lines)


class NextTokenWidget(w.VBox):
    """Type a prompt, see the trained model's top-k next tokens as bars.

    Controls: `prompt` (Text), `k` (IntSlider "top-k"). `last` holds what is shown:
    {"prompt", "tokens", "probs", "entropy", "error"}.
    """

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\n", k: int = 10):
        self.model, self.tokenizer = model, tokenizer
        self.prompt = w.Text(value=prompt, description="prompt", continuous_update=False,
                             layout=w.Layout(width="460px"))
        self.k = w.IntSlider(value=k, min=1, max=min(30, tokenizer.vocab_size), description="top-k",
                             continuous_update=True)
        self.title = w.HTML()
        self.bars = w.HTML()
        self.message = w.Output()
        self.last: dict = {}
        self._probs_cache: dict[str, torch.Tensor] = {}
        super().__init__([w.HTML("Type a prompt (press Enter; \\n means a newline). The bars show the "
                                 "model's most likely next characters."),
                          self.prompt, self.k, self.message, self.title, self.bars])
        self.prompt.observe(lambda _: self.update(), names="value")
        self.k.observe(lambda _: self.update(), names="value")
        self.update()

    def _probs(self, prompt: str) -> torch.Tensor:
        if prompt not in self._probs_cache:
            logits = next_token_logits(self.model, self.tokenizer, prompt)
            self._probs_cache[prompt] = torch.softmax(logits, dim=-1)
        return self._probs_cache[prompt]

    def update(self) -> None:
        prompt = self.prompt.value.replace("\\n", "\n")
        try:
            probs = self._probs(prompt)
        except ValueError as error:
            show_error(self.message, error)
            self.bars.value, self.title.value = "", ""
            self.last = {"prompt": prompt, "tokens": [], "probs": [], "entropy": None, "error": str(error)}
            return
        self.message.clear_output()
        rows = top_tokens(probs, self.tokenizer.chars, self.k.value)
        entropy = float(-(probs * probs.clamp_min(1e-12).log()).sum())
        self.title.value = (f"<b>next character after</b> <code>{html.escape(prompt[-40:])!s}</code> "
                            f"(entropy {entropy:.2f} nats)")
        self.bars.value = bars_html(rows)
        self.last = {"prompt": prompt, "tokens": [t for t, _ in rows], "probs": [p for _, p in rows],
                     "entropy": entropy, "error": None}


def next_token_explorer(model, tokenizer, prompt: str = "ROMEO:\n", k: int = 10) -> NextTokenWidget:
    """Notebook 08's widget: a prompt box and the top-k next tokens of the trained model."""
    return NextTokenWidget(model, tokenizer, prompt, k)

# ---- notebook 09: temperature and sampling --------------------------------------------------------------


def sampling_settings(temperature: float, top_k: int, top_p: float, vocab_size: int) -> tuple[float, int | None, float | None]:
    """Slider values -> gptlab.sample arguments: top-k at the vocabulary size and top-p at 1 mean "keep all"."""
    k = None if top_k >= vocab_size else int(top_k)
    p = None if top_p >= 1 else float(top_p)
    return float(temperature), k, p


def sampled_continuation(model, tokenizer, prompt: str, n_chars: int, temperature: float, top_k: int | None,
                         top_p: float | None, seed: int) -> str:
    """`n_chars` characters sampled after `prompt` with a fresh generator seeded `seed` (same settings, same text)."""
    from .sample import generate

    ids = torch.tensor(tokenizer.encode(prompt), device=model.device)
    generator = torch.Generator(device=model.device).manual_seed(seed)
    out = generate(model, ids, n_chars, temperature, top_k, top_p, generator=generator)
    return tokenizer.decode(out[0, len(ids):].tolist())


class SamplingWidget(w.VBox):
    """Temperature, top-k and top-p sliders; the distribution they give and a sampled continuation.

    Controls: `prompt` (Text), `temperature` (FloatSlider "temperature"), `top_k` (IntSlider "top-k",
    its maximum keeps every token), `top_p` (FloatSlider "top-p", 1 keeps every token), `resample`
    (Button: next seed). `continuation` (HTML) shows the sampled text. `last` holds what is shown:
    {"prompt", "temperature", "top_k", "top_p", "seed", "tokens", "probs", "kept", "entropy",
    "continuation", "error"}. A fixed seed means moving a slider back brings back the same text.
    """

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 1.0, n_chars: int = 60,
                 seed: int = 0, bars: int = 10):
        V = tokenizer.vocab_size
        self.model, self.tokenizer, self.n_chars, self.seed, self.n_bars = model, tokenizer, n_chars, seed, bars
        style = {"description_width": "90px"}
        self.prompt = w.Text(value=prompt, description="prompt", continuous_update=False, style=style,
                             layout=w.Layout(width="460px"))
        self.temperature = w.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.05, description="temperature",
                                         continuous_update=False, readout_format=".2f", style=style)
        self.top_k = w.IntSlider(value=V, min=1, max=V, description="top-k", continuous_update=False, style=style)
        self.top_p = w.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05, description="top-p",
                                   continuous_update=False, readout_format=".2f", style=style)
        self.resample = w.Button(description="another sample")
        self.message = w.Output()
        self.summary = w.HTML()
        self.bars = w.HTML()
        self.continuation = w.HTML()
        self.last: dict = {}
        self._logits: dict[str, torch.Tensor] = {}
        self._texts: dict[tuple, str] = {}
        super().__init__([
            w.HTML(f"Top-k at {V} and top-p at 1.00 keep every token. Press Enter after editing the prompt "
                   "(\\n means a newline)."),
            self.prompt, self.temperature, self.top_k, self.top_p, self.resample, self.message,
            self.summary, self.bars, w.HTML("<b>sampled continuation</b> (fixed seed):"), self.continuation])
        for control in (self.prompt, self.temperature, self.top_k, self.top_p):
            control.observe(lambda _: self.update(), names="value")
        self.resample.on_click(self._next_seed)
        self.update()

    def _next_seed(self, _=None) -> None:
        self.seed += 1
        self.update()

    def update(self) -> None:
        from .sample import probabilities

        prompt = self.prompt.value.replace("\\n", "\n")
        V = self.tokenizer.vocab_size
        T, k, p = sampling_settings(self.temperature.value, self.top_k.value, self.top_p.value, V)
        state = {"prompt": prompt, "temperature": T, "top_k": k, "top_p": p, "seed": self.seed}
        try:
            if prompt not in self._logits:
                self._logits[prompt] = next_token_logits(self.model, self.tokenizer, prompt)
            probs = probabilities(self._logits[prompt], T, k, p)
            key = (prompt, T, k, p, self.seed)
            if key not in self._texts:
                self._texts[key] = sampled_continuation(self.model, self.tokenizer, prompt, self.n_chars, T, k, p,
                                                        self.seed)
            text = self._texts[key]
        except ValueError as error:
            show_error(self.message, error)
            self.summary.value, self.bars.value, self.continuation.value = "", "", ""
            self.last = {**state, "tokens": [], "probs": [], "kept": 0, "entropy": None, "continuation": "",
                         "error": str(error)}
            return
        self.message.clear_output()
        rows = top_tokens(probs, self.tokenizer.chars, self.n_bars)
        kept = int((probs > 0).sum())
        entropy = max(0.0, float(-(probs[probs > 0] * probs[probs > 0].log()).sum()))
        self.summary.value = (f"T = {T:.2f}: {kept} of {V} characters can be drawn; "
                              f"entropy {entropy:.2f} nats (uniform would be {np.log(V):.2f})")
        self.bars.value = bars_html(rows, colour="#E69F00")
        self.continuation.value = ("<pre class='gptlab-continuation' style='white-space:pre-wrap;margin:0'>"
                                   f"<span style='color:#777'>{html.escape(prompt)}</span>{html.escape(text)}</pre>")
        self.last = {**state, "tokens": [t for t, _ in rows], "probs": [q for _, q in rows], "kept": kept,
                     "entropy": entropy, "continuation": text, "error": None}


def temperature_explorer(model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 1.0, n_chars: int = 60,
                         seed: int = 0) -> SamplingWidget:
    """Notebook 09's widget: temperature / top-k / top-p sliders, the distribution, a sampled continuation."""
    return SamplingWidget(model, tokenizer, prompt, temperature, n_chars, seed)

# ---- notebook 10: train a GPT ---------------------------------------------------------------------------

def sample_stream(model, tokenizer, prompt: str, length: int = 200, temperature: float = 0.8,
                  seed: int = 0, crop_prompt: bool = False) -> Iterator[int]:
    """The ids of `length` tokens sampled after `prompt`, one at a time (repeatable for a given seed).

    Checks the prompt and length at once (a ValueError that says what to change), before any token is
    generated. A prompt longer than the context is an error, unless crop_prompt=True: then the model
    reads its last block_size tokens only (the sampling explorer shows which).
    """
    from .sample import generate_stream

    if not isinstance(prompt, str) or not prompt:
        raise ValueError("type a prompt of at least one character (for example ROMEO: and a newline).")
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"the length must be a whole number >= 0, got {length!r}.")
    ids = tokenizer.encode(prompt)  # a character the tokenizer does not know raises ValueError naming it
    generator = torch.Generator().manual_seed(int(seed))
    stream = generate_stream(model, torch.tensor([ids], device=model.device), int(length), temperature=temperature,
                             generator=generator, crop_prompt=crop_prompt)  # checks everything before the first token
    return (int(t[0]) for t in stream)


def sample_text(model, tokenizer, prompt: str, length: int = 200, temperature: float = 0.8,
                seed: int = 0, crop_prompt: bool = False) -> str:
    """The `length` tokens sampled after `prompt`, decoded to text (repeatable for a given seed).

    Works with a CharTokenizer or GPT-2's tiktoken encoding (anything with encode/decode).
    A prompt longer than the context is a ValueError unless crop_prompt=True (keep its last block_size tokens).
    """
    return tokenizer.decode(list(sample_stream(model, tokenizer, prompt, length, temperature, seed, crop_prompt)))


class SamplingExplorer(w.VBox):
    """Prompt, temperature, length and seed for a trained model; shows the continuation.

    The first text is generated before the widget appears. After that, in a running notebook, a change
    of a control generates as a task on the kernel's event loop that shows the text as it grows, every
    STREAM_EVERY seconds, as chat apps do: the first characters appear at once even when 600 are asked
    for, the kernel stays free between two redraws, and a newer change stops an older generation.
    (A task on the same thread, not a background thread: a second thread would start a second pool
    of PyTorch threads, and on a 2-core machine the two pools slow each other down 2-3x.)
    Where no event loop runs (a script, a test) a change generates the whole text at once.

    `last` holds prompt, temperature, length, seed, out_of_view and text (the continuation without the
    prompt), or error (the message shown) when the input was bad; it is set when a generation is
    complete. A prompt longer than the context is not an error here: the model reads its last block_size
    tokens, and the widget says so and greys the start it does not read (`out_of_view`).
    `first_shown` is the perf_counter() time the latest generation first showed text; `task` is the
    asyncio task of the latest generation, or None.
    """

    STREAM_EVERY = 0.05  # seconds between two redraws of the growing text

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 0.8,
                 length: int = 200, seed: int = 0):
        self.model, self.tokenizer = model, tokenizer
        self.prompt = w.Textarea(value=prompt, description="prompt", continuous_update=False,
                                 layout=w.Layout(width="520px", height="60px"))
        self.temperature = w.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.05, description="temperature",
                                         continuous_update=False, readout_format=".2f")
        self.length = w.IntSlider(value=length, min=0, max=600, step=20, description="length",
                                  continuous_update=False)
        self.seed = w.IntText(value=seed, description="seed")
        self.out = w.Output()  # error messages
        self.text = w.HTML()  # the prompt and its continuation
        self.last: dict = {}
        self.first_shown = 0.0
        self.task: asyncio.Task | None = None
        self._run = 0  # which generation is the current one
        super().__init__([self.prompt, w.HBox([self.temperature, self.length]), self.seed, self.out, self.text])
        for control in (self.prompt, self.temperature, self.length, self.seed):
            control.observe(lambda change: self.update(), names="value")
        self.update(stream=False)

    def update(self, stream: bool = True) -> None:
        self._run += 1
        settings = {"prompt": self.prompt.value, "temperature": float(self.temperature.value),
                    "length": int(self.length.value), "seed": int(self.seed.value)}
        try:
            tokens = sample_stream(self.model, self.tokenizer, settings["prompt"], settings["length"],
                                   settings["temperature"], settings["seed"], crop_prompt=True)
            settings["out_of_view"] = self._out_of_view(settings["prompt"])
        except ValueError as error:
            self.last = {**settings, "out_of_view": "", "text": None, "error": str(error)}
            self.text.value = ""
            show_error(self.out, error)
            return
        self.out.clear_output()
        try:
            loop = asyncio.get_running_loop() if stream else None
        except RuntimeError:  # no event loop here: generate it all now
            loop = None
        generation = self._generate(self._run, settings, tokens)
        if loop is None:
            for _ in generation:
                pass
        else:
            self.task = loop.create_task(self._stream(generation))

    @staticmethod
    async def _stream(generation) -> None:
        for _ in generation:  # one step per redraw; between two, the kernel handles other messages
            await asyncio.sleep(0)

    def _generate(self, run: int, settings: dict, tokens: Iterator[int]) -> Iterator[None]:
        """Generate, redrawing every STREAM_EVERY seconds; yields after each redraw."""
        ids: list[int] = []
        shown_at = None
        for token in tokens:
            if run != self._run:  # a newer setting took over: stop here
                tokens.close()
                return
            ids.append(token)
            if shown_at is None or time.perf_counter() - shown_at > self.STREAM_EVERY:
                self._show(settings, self.tokenizer.decode(ids), done=False)
                shown_at = time.perf_counter()
                if len(ids) == 1:
                    self.first_shown = shown_at
                yield
        if run != self._run:
            return
        text = self.tokenizer.decode(ids)
        self._show(settings, text, done=True)
        if not ids:
            self.first_shown = time.perf_counter()
        self.last = {**settings, "text": text, "error": None}

    def _out_of_view(self, prompt: str) -> str:
        """The start of a prompt longer than the context, which the model does not read ("" if it fits)."""
        ids = self.tokenizer.encode(prompt)
        block_size = self.model.config.block_size
        return self.tokenizer.decode(ids[:-block_size]) if len(ids) > block_size else ""

    def _show(self, settings: dict, text: str, done: bool) -> None:
        cursor = "" if done else "<span style='color:#999'>▌</span>"
        state = "done" if done else "growing"
        prompt, unread = settings["prompt"], settings["out_of_view"]
        if not prompt.startswith(unread):  # a tokenizer whose pieces do not decode to a prefix: grey nothing
            unread = ""
        note = ""
        if settings["out_of_view"]:
            n = self.model.config.block_size
            note = (f"<div class='gptlab-note' style='color:#777;font-size:12px'>The model reads only the last {n} "
                    f"tokens of this prompt (its context); the grey start is out of its view.</div>")
        self.text.value = (f"{note}<pre class='gptlab-sample' data-state='{state}' "
                           "style='white-space:pre-wrap;font-size:12px'>"
                           f"<span style='color:#999'>{html.escape(unread)}</span>"
                           f"<b>{html.escape(prompt[len(unread):])}</b>{html.escape(text)}{cursor}</pre>")


def sampling_explorer(model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 0.8,
                      length: int = 200, seed: int = 0) -> SamplingExplorer:
    """Notebook 10: try prompts, temperatures and lengths on the model you just trained."""
    return SamplingExplorer(model, tokenizer, prompt, temperature, length, seed)


# ---- notebook 11: scale ---------------------------------------------------------------------------------

def scale_summary(n_embd: int, n_layer: int, n_head: int, vocab: int, context: int) -> dict:
    """Everything the scale explorer shows, from the five sizes alone (no model is built).

    groups: the eight weight groups {name: weights}; total and matrices; attention_fraction
    (key + query + value + output over the total); parameters (with biases, LayerNorms, positions);
    flops_per_token (training, forward + backward); bytes_fp32 / bytes_bf16 of the weights;
    bytes_adam_training (fp32 weights, gradients and Adam's two moments: 16 bytes per parameter);
    bytes_attention_pattern (every head's fp32 pattern of one sequence).
    Raises ValueError (with what to change) when n_head does not divide n_embd.
    """
    from .config import GPTConfig
    from .params import attention_pattern_bytes, gpt_parameter_formula, training_flops_per_token, weight_groups

    config = GPTConfig(block_size=context, vocab_size=vocab, n_layer=n_layer, n_head=n_head, n_embd=n_embd)
    groups = {g.name: g.weights for g in weight_groups(config)}
    total = sum(groups.values())
    parameters = gpt_parameter_formula(config)["total"]
    return {
        "config": config,
        "groups": groups,
        "total": total,
        "matrices": sum(g.matrices for g in weight_groups(config)),
        "attention_fraction": sum(groups[k] for k in ("key", "query", "value", "output")) / total,
        "parameters": parameters,
        "flops_per_token": training_flops_per_token(config),
        "bytes_fp32": 4 * total,
        "bytes_bf16": 2 * total,
        "bytes_adam_training": 16 * parameters,
        "bytes_attention_pattern": attention_pattern_bytes(context, n_head, n_layer),
    }


def _si(n: float) -> str:
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:,.1f}{unit}"
    return f"{n:,.0f}"


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.1f} MB"


class ScaleExplorer(w.VBox):
    """Sliders for width, layers, heads, vocabulary and context; the eight groups and the costs update live.

    `last` holds the scale_summary of what is shown, or {"error": message} for impossible sizes.
    """

    def __init__(self, n_embd: int = 12288, n_layer: int = 96, n_head: int = 96, vocab: int = 50257,
                 context: int = 2048):
        style = {"description_width": "90px"}
        layout = w.Layout(width="460px")
        self.n_embd = w.IntSlider(value=n_embd, min=64, max=16384, step=64, description="width C",
                                  continuous_update=False, style=style, layout=layout)
        self.n_layer = w.IntSlider(value=n_layer, min=1, max=128, description="layers",
                                   continuous_update=False, style=style, layout=layout)
        self.n_head = w.IntSlider(value=n_head, min=1, max=128, description="heads",
                                  continuous_update=False, style=style, layout=layout)
        self.vocab = w.IntSlider(value=vocab, min=2, max=256000, description="vocabulary",
                                 continuous_update=False, style=style, layout=layout)
        self.context = w.IntSlider(value=context, min=16, max=131072, step=16, description="context",
                                   continuous_update=False, style=style, layout=layout)
        self.table = w.HTML()
        self.bars = w.HTML()  # the eight groups as bars
        self.out = w.Output()  # error messages
        self.last: dict = {}
        controls = w.VBox([self.n_embd, self.n_layer, self.n_head, self.vocab, self.context])
        super().__init__([w.HBox([controls, self.table]), self.out, self.bars])
        for control in (self.n_embd, self.n_layer, self.n_head, self.vocab, self.context):
            control.observe(lambda change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        C, H = int(self.n_embd.value), int(self.n_head.value)
        if C % H:
            nearest = min((d for d in range(1, 129) if C % d == 0), key=lambda d: (abs(d - H), d))
            error = ValueError(f"{H} heads do not divide the width {C}: every head must get the same width "
                               f"(C / n_head). Try {nearest} heads (head size {C // nearest}), or another width.")
            self.last = {"error": str(error)}
            self.table.value = self.bars.value = ""
            show_error(self.out, error)
            return
        s = scale_summary(C, int(self.n_layer.value), H, int(self.vocab.value), int(self.context.value))
        self.last = {**s, "error": None}
        rows = "".join(f"<tr><td>{name}</td><td style='text-align:right'>{n:,}</td></tr>"
                       for name, n in s["groups"].items())
        self.table.value = (
            "<table style='font-size:12px'>" + rows +
            f"<tr><td><b>total (8 groups)</b></td><td style='text-align:right'><b>{s['total']:,}</b></td></tr>"
            f"<tr><td>matrices</td><td style='text-align:right'>{s['matrices']:,}</td></tr>"
            f"<tr><td>attention share</td><td style='text-align:right'>{s['attention_fraction']:.1%}</td></tr>"
            f"<tr><td>training FLOPs / token</td><td style='text-align:right'>{s['flops_per_token']:.3g}</td></tr>"
            f"<tr><td>weights fp32 / bf16</td><td style='text-align:right'>{_gb(s['bytes_fp32'])} / "
            f"{_gb(s['bytes_bf16'])}</td></tr>"
            f"<tr><td>training with Adam</td><td style='text-align:right'>{_gb(s['bytes_adam_training'])}</td></tr>"
            f"<tr><td>attention patterns / sequence</td><td style='text-align:right'>"
            f"{_gb(s['bytes_attention_pattern'])}</td></tr></table>")
        self.out.clear_output()
        self.bars.value = weight_groups_html(s["groups"])


def _group_colour(name: str) -> str:
    """Embeddings blue, attention orange, MLP green (Okabe-Ito), in the figure and the widget alike."""
    from .viz import OKABE_ITO

    kind = {"embedding": 0, "unembedding": 0, "key": 1, "query": 1, "value": 1, "output": 1,
            "up-projection": 2, "down-projection": 2}
    return OKABE_ITO[kind.get(name, 3)]


def weight_groups_html(groups: dict, width_px: int = 300) -> str:
    """The weight groups as HTML bars with their counts (notebook 11's widget; instant to redraw)."""
    top = max(groups.values()) or 1
    lines = []
    for name, n in groups.items():
        bar = max(1, round(width_px * n / top))
        lines.append(
            "<div style='display:flex;align-items:center;font-size:12px;height:18px'>"
            f"<span style='width:9em;text-align:right;padding-right:6px'>{html.escape(name)}</span>"
            f"<span style='display:inline-block;width:{bar}px;height:12px;background:{_group_colour(name)}'></span>"
            f"<span style='padding-left:6px;font-family:monospace'>{n:,}</span></div>")
    return "<div style='font-size:12px;font-weight:bold;margin:4px 0'>weights per group</div>" + "".join(lines)


def draw_weight_groups(ax, groups: dict) -> None:
    """Horizontal bars, one per weight group, labelled with its count (notebook 11's figure)."""
    names = list(groups)[::-1]
    values = [groups[n] for n in names]
    ax.barh(names, values, color=[_group_colour(n) for n in names])
    top = max(values)
    for i, v in enumerate(values):
        ax.text(v + top * 0.01, i, f"{v:,}", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.35)
    unit, size = next(((u, s) for u, s in (("billions", 1e9), ("millions", 1e6), ("thousands", 1e3)) if top >= s),
                      ("", 1))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x / size:g}")
    ax.set_xlabel(f"weights ({unit})" if unit else "weights")


def scale_explorer(**sizes) -> ScaleExplorer:
    """Notebook 11: change a GPT's sizes and watch its weights, compute and memory."""
    return ScaleExplorer(**sizes)


# ---- notebook 12: prompting -----------------------------------------------------------------------------

class ChatBox(w.VBox):
    """A tiny chat: system prompt, question, temperature, and a button that asks the model.

    `last` holds what is shown: prompt (the template text the model continues), answer, temperature,
    and error (None, or the message shown for bad input).
    """

    def __init__(self, model, tokenizer, system: str = "Use capitals.", question: str = "to be or not",
                 temperature: float = 0.0, seed: int = 0):
        from .chat import answer, format_prompt

        self._answer, self._format = answer, format_prompt
        self.model, self.tokenizer, self.seed = model, tokenizer, seed
        self.system = w.Text(value=system, description="system", layout=w.Layout(width="420px"))
        self.question = w.Text(value=question, description="question", layout=w.Layout(width="420px"))
        self.temperature = w.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.1, description="temperature",
                                         continuous_update=False)
        self.button = w.Button(description="Answer", button_style="primary")
        self.out = w.Output()
        self.last: dict = {}
        self.button.on_click(lambda _: self.update())
        super().__init__([self.system, self.question, w.HBox([self.temperature, self.button]), self.out])
        self.update()

    def update(self) -> None:
        system, question, temperature = self.system.value, self.question.value, self.temperature.value
        self.last = {"system": system, "question": question, "temperature": temperature}
        try:
            generator = torch.Generator().manual_seed(self.seed)
            reply = self._answer(self.model, self.tokenizer, system, question, temperature=temperature,
                                 generator=generator)
        except ValueError as error:
            self.last.update(prompt=None, answer=None, error=str(error))
            show_error(self.out, error)
            return

        from .chat import END

        prompt = self._format(system, question)
        self.last.update(prompt=prompt, answer=reply, error=None)
        self.out.clear_output(wait=True)
        with self.out:
            display(w.HTML(
                "<pre style='font-size:14px;margin:0'>"
                f"<span style='color:#666'>{html.escape(prompt)}</span><b style='color:#0072B2'>"
                f"{html.escape(reply)}</b><span style='color:#666'>{END}</span></pre>"
                f"<div>answer: <b>{html.escape(reply) or '(empty)'}</b></div>"))


def draw_chat_template(ax, system: str, question: str, answer: str, graded: bool = True) -> None:
    """One conversation as a strip of character boxes, coloured by role; graded characters underlined.

    Markers are dark, the system prompt blue, the question orange, the answer (and ■) green: the
    only characters whose prediction the fine-tuning loss grades (marked with a bar underneath).
    """
    from .chat import ASSISTANT, END, SYSTEM, USER
    from .viz import OKABE_ITO

    parts = [(SYSTEM, "marker"), (system, "system"), (USER, "marker"), (question, "question"),
             (ASSISTANT, "marker"), (answer, "answer"), (END, "answer")]
    colours = {"marker": "#444444", "system": OKABE_ITO[0], "question": OKABE_ITO[1], "answer": OKABE_ITO[2]}
    x = 0
    for text, role in parts:
        for char in text:
            ax.add_patch(plt.Rectangle((x, 0), 0.92, 1, color=colours[role], alpha=0.9 if role == "marker" else 0.35))
            # matplotlib's DejaVu fonts have no circled letters: draw the markers Ⓢ Ⓤ Ⓐ as bold S U A
            label = {SYSTEM: "S", USER: "U", ASSISTANT: "A", " ": "␣"}.get(char, char)
            ax.text(x + 0.46, 0.5, label, ha="center", va="center", fontsize=9,
                    fontweight="bold" if role == "marker" else "normal",
                    color="white" if role == "marker" else "black", family="DejaVu Sans Mono")
            if graded and role == "answer":
                ax.plot([x + 0.05, x + 0.87], [-0.25, -0.25], color=OKABE_ITO[2], lw=2.5)
            x += 1
    ax.set_xlim(-0.2, x + 0.2)
    ax.set_ylim(-0.6, 1.2)
    ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.9 if r == "marker" else 0.35) for r, c in colours.items()]
    ax.legend(handles, ["turn markers (S, U, A)", "system prompt", "question",
                        "answer and ■ (graded)" if graded else "answer and ■"], ncol=4,
              loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=8)


def chat_box(model, tokenizer, system: str = "Use capitals.", question: str = "to be or not",
             temperature: float = 0.0, seed: int = 0) -> ChatBox:
    """Build the notebook 12 chat widget (see ChatBox)."""
    return ChatBox(model, tokenizer, system, question, temperature, seed)


# ---- notebook 13: encoder-decoder -----------------------------------------------------------------------

def draw_cross_attention(ax, pattern, input_text: str, out_tokens, title: str | None = None,
                         colorbar: bool = True, end: str = "$"):
    """Cross-attention as a heatmap: one row per output token, one column per input character."""
    from .viz import heatmap

    shown = ["<end>" if t == end else "␣" if t == " " else t for t in out_tokens]
    im = heatmap(ax, np.asarray(pattern), xlabels=["␣" if c == " " else c for c in input_text], ylabels=shown, title=title,
                 vmin=0.0, vmax=1.0, colorbar=colorbar)
    ax.tick_params(axis="x", labelrotation=0)  # single characters read best upright ("-" is not "|")
    ax.set_xlabel("input character (keys and values: the encoder's output)")
    ax.set_ylabel("output token (query: the decoder)")
    return im


class TranslatorBox(w.VBox):
    """Type an input, see the encoder-decoder's greedy output and its cross-attention.

    `last` holds input, output, tokens (the output tokens, the end token included), layer, pattern
    (the shown (T_out, S) numpy array: the chosen decoder layer's cross-attention, averaged over heads)
    and error (None, or the message shown).
    """

    def __init__(self, model, src_tok, tgt_tok, bos: str, eos: str, text: str = "2024-03-05",
                 validate=None):
        from .transformer import translate_text

        self._translate = translate_text
        self.model, self.src_tok, self.tgt_tok, self.bos, self.eos = model, src_tok, tgt_tok, bos, eos
        self.validate = validate
        self.text = w.Text(value=text, description="input", continuous_update=False)
        n = model.config.n_dec_layer
        self.layer = w.Dropdown(options=[("mean of layers", -1)] + [(f"decoder layer {i}", i) for i in range(n)],
                                value=n - 1, description="layer")
        self.out = w.Output()  # error messages
        self.picture = w.HTML()  # the output and its cross-attention, as HTML (instant to redraw)
        self.last: dict = {}
        self._cache: tuple | None = None
        self.text.observe(lambda _: self.update(), names="value")
        self.layer.observe(lambda _: self.update(), names="value")
        super().__init__([w.HBox([self.text, self.layer]), self.out, self.picture])
        self.update()

    def update(self) -> None:
        text, layer = self.text.value, self.layer.value
        self.last = {"input": text, "layer": layer}
        try:
            if self.validate is not None:
                self.validate(text)
            if self._cache is None or self._cache[0] != text:
                self._cache = (text, *self._translate(self.model, self.src_tok, self.tgt_tok, text, self.bos, self.eos))
        except ValueError as error:
            self.last.update(output=None, tokens=None, pattern=None, error=str(error))
            self.picture.value = ""
            show_error(self.out, error)
            return
        _, output, tokens, patterns = self._cache
        pattern = (patterns.mean(dim=(0, 1)) if layer == -1 else patterns[layer].mean(0)).numpy()  # (T_out, S)
        self.last.update(output=output, tokens=tokens, pattern=pattern, error=None)
        rows = ["<end>" if t == self.eos else "␣" if t == " " else t for t in tokens]
        cols = ["␣" if c == " " else c for c in text]
        self.out.clear_output()
        self.picture.value = (
            f"<p><b>{html.escape(text)}</b> &rarr; <b style='color:#0072B2'>{html.escape(output)}</b></p>"
            + heatmap_html(pattern, rows, cols, row_title="output token (query: the decoder)",
                           col_title="input character (keys and values: the encoder's output); hover for the weight",
                           cell_px=20))


def translator_box(model, src_tok, tgt_tok, bos: str, eos: str, text: str = "2024-03-05",
                   validate=None) -> TranslatorBox:
    """Build the notebook 13 translator widget (see TranslatorBox)."""
    return TranslatorBox(model, src_tok, tgt_tok, bos, eos, text, validate)
