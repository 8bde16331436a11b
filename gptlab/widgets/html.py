"""HTML and SVG renderers shared by the widgets of notebooks 01-13: numbers in, a string out.

A browser redraws these in milliseconds, where a matplotlib picture with labels costs a fifth of a
second; and a test (or a browser test) can read them. Nothing here touches a model or a widget.
"""
from __future__ import annotations

import base64
import html
import io

import numpy as np

from ..tokenizers import visible
from ..viz import OKABE_ITO, SEQUENTIAL

# Okabe-Ito colours (black left out) as light backgrounds for token spans (notebook 01).
TOKEN_COLORS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]


def sequential_rgba(values, vmax: float) -> np.ndarray:
    """0..vmax -> RGBA (..., 4) in the course's sequential colour map (cividis), for heatmaps and activations."""
    from matplotlib import colormaps

    return colormaps[SEQUENTIAL](np.clip(np.asarray(values, dtype=float) / vmax, 0.0, 1.0))


def _hex(rgba) -> str:
    return "#%02x%02x%02x" % tuple(int(255 * c) for c in rgba[:3])


def _title(title: str) -> str:
    return f"<div style='font-size:13px;font-weight:bold;margin:4px 0'>{html.escape(title)}</div>" if title else ""


def signed_bars_html(rows: list[tuple[str, float | None, str]], title: str = "", half_px: int = 110,
                     bold: int | None = None) -> str:
    """Horizontal bars that may be negative (notebooks 02, 03, 05): one row per (label, value, note); value
    None draws a grey "masked" row. Zero sits in the middle; the longest bar spans half_px."""
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


def heatmap_html(matrix, row_labels: list[str], col_labels: list[str], title: str = "", row_title: str = "",
                 col_title: str = "", cell_px: int = 13, vmax: float = 1.0) -> str:
    """A heatmap as an HTML table (notebooks 06, 13): one coloured cell per entry (0..vmax, cividis), labels
    on both axes and each value in the cell's tooltip."""
    values = np.asarray(matrix, dtype=float)
    colours = [[_hex(px) for px in row] for row in sequential_rgba(values, vmax)]
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
    return (f"{_title(title)}<div style='font-size:11px;color:#555;margin-bottom:4px'>rows: {html.escape(row_title)}; "
            f"columns: {html.escape(col_title)}</div><table style='border-collapse:collapse'>"
            f"<tr><th></th>{head}</tr>{''.join(rows)}</table>")


def pattern_image_html(matrix, title: str = "", row_title: str = "", col_title: str = "", size_px: int = 240,
                       vmax: float = 1.0) -> str:
    """A matrix as one small PNG (notebook 04): one pixel per entry (cividis, 0..vmax), scaled up without
    blur, with a title and axis captions, for patterns too big to label cell by cell."""
    from PIL import Image as PILImage

    rgb = (255 * sequential_rgba(matrix, vmax)[..., :3]).astype(np.uint8)
    buffer = io.BytesIO()
    PILImage.fromarray(rgb).save(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f"{_title(title)}<div style='font-size:11px;color:#555;margin-bottom:4px'>rows, top to bottom: "
            f"{html.escape(row_title)}; columns, left to right: {html.escape(col_title)}</div>"
            f"<img src='data:image/png;base64,{data}' width='{size_px}' height='{size_px}' "
            f"style='image-rendering:pixelated;border:1px solid #ccc' alt='{html.escape(title)}'>")


def tokens_html(pieces: list[tuple[str, int]], show_ids: bool = True) -> str:
    """Tokens as coloured HTML spans (notebook 01; Okabe-Ito backgrounds), each with its id underneath."""
    spans = []
    for k, (piece, i) in enumerate(pieces):
        color = TOKEN_COLORS[k % len(TOKEN_COLORS)]
        ident = f"<br><small style='color:#333'>{i}</small>" if show_ids else ""
        spans.append(f"<span style='display:inline-block;background:{color}66;border-radius:3px;margin:1px;"
                     f"padding:1px 2px;text-align:center;font-family:monospace'>{html.escape(visible(piece))}"
                     f"{ident}</span>")
    return "".join(spans)


def bars_html(rows: list[tuple[str, float]], colour: str = "#0072B2", width_px: int = 260) -> str:
    """Horizontal probability bars, one per (token, probability) (notebooks 08, 09)."""
    lines = []
    longest = max((len(visible(token)) for token, _ in rows), default=1)
    label_width = "2.5em" if longest <= 3 else f"{longest + 1}ch"  # BPE pieces (GPT-2) need more room
    for token, p in rows:
        bar = max(1, round(width_px * p))
        lines.append(
            "<div style='display:flex;align-items:center;font-family:monospace;height:18px'>"
            f"<span style='width:{label_width};text-align:right;padding-right:6px'>{html.escape(visible(token))}</span>"
            f"<span style='display:inline-block;width:{bar}px;height:12px;background:{colour}'></span>"
            f"<span style='padding-left:6px'>{p:.3f}</span></div>")
    return "".join(lines)


def activation_html(chars: list[str], activations, vmax: float | None = None) -> str:
    """Characters on a colour scale (notebook 07; cividis, dark = silent, yellow = fires), newlines shown as ↵."""
    acts = np.asarray(activations, dtype=float)
    top = vmax if vmax else max(float(acts.max(initial=0.0)), 1e-6)
    spans = []
    for c, a, rgba in zip(chars, acts, sequential_rgba(acts, top)):
        ink = "black" if min(max(a / top, 0.0), 1.0) > 0.55 else "white"
        shown = html.escape(visible(c, spaces=False)).replace(" ", "&nbsp;")
        spans.append(f"<span title='{a:.2f}' style='background:{_hex(rgba)};color:{ink};font-family:monospace;"
                     f"padding:1px 0'>{shown}</span>" + ("<br>" if c.endswith("\n") else ""))
    return "".join(spans)


def group_colour(name: str) -> str:
    """A weight group's colour (notebook 11): embeddings blue, attention orange, MLP green (Okabe-Ito)."""
    kind = {"embedding": 0, "unembedding": 0, "key": 1, "query": 1, "value": 1, "output": 1,
            "up-projection": 2, "down-projection": 2}
    return OKABE_ITO[kind.get(name, 3)]


def weight_groups_html(groups: dict[str, int], width_px: int = 300) -> str:
    """The weight groups as bars with their counts (notebook 11)."""
    top = max(groups.values()) or 1
    lines = []
    for name, n in groups.items():
        bar = max(1, round(width_px * n / top))
        lines.append(
            "<div style='display:flex;align-items:center;font-size:12px;height:18px'>"
            f"<span style='width:9em;text-align:right;padding-right:6px'>{html.escape(name)}</span>"
            f"<span style='display:inline-block;width:{bar}px;height:12px;background:{group_colour(name)}'></span>"
            f"<span style='padding-left:6px;font-family:monospace'>{n:,}</span></div>")
    return "<div style='font-size:12px;font-weight:bold;margin:4px 0'>weights per group</div>" + "".join(lines)
