"""The base every widget of gptlab.widgets derives from, and show_figure (notebooks 00-15).

Every widget repeats one cycle: a control changes, the widget recomputes and redraws; a bad value
typed by a learner shows as a red message inside the widget, never a traceback; and `last` keeps
what is shown, so pytest can set `.value` on a control and check what changed, with no browser.
"""
from __future__ import annotations

import io
from typing import Callable

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import HTML, Image, display

WIDGET_DPI = 100  # pixels per inch of a widget's picture


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


class Explorer(w.VBox):
    """Controls wired to a view: observe, recompute, redraw, show an error in place, keep `last`.

    A subclass calls `super().__init__()` first, builds its controls and views, sets `self.children`
    (placing `self.out`, where error messages appear), calls `self.watch(*controls)` and then
    `self.refresh()`. It writes `draw()`: recompute, redraw and set `self.last`, raising one of
    ERRORS on bad input. `refresh()` turns such an error into a message: it empties the `views`
    (the HTML widgets that show results) and sets `last` to `error_view(error)`.
    """

    ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError)  # what a learner's input may raise

    def __init__(self) -> None:
        super().__init__()
        self.out = w.Output()  # error messages
        self.last: dict = {}
        self.views: tuple[w.HTML, ...] = ()

    def watch(self, *controls: w.ValueWidget, then: Callable[[], None] | None = None) -> None:
        """Call `then` (by default refresh) whenever one of the controls' value changes."""
        action = then or self.refresh
        for control in controls:
            control.observe(lambda _change: action(), names="value")

    def draw(self) -> None:
        """Recompute and redraw from the controls, setting `self.last`; raise one of ERRORS on bad input."""
        raise NotImplementedError(f"{type(self).__name__} must define draw()")

    def refresh(self) -> None:
        """Run draw(); a learner's mistake becomes a message in the widget instead of a traceback."""
        try:
            self.draw()
        except self.ERRORS as error:
            self.show_error(error)
            return
        self.out.clear_output()

    def error_view(self, error: Exception) -> dict:
        """What `last` holds after a bad input (subclasses may keep more than the message)."""
        return {"error": str(error)}

    def show_error(self, error: Exception) -> None:
        """Empty the views, record the error in `last` and show it as one readable red line."""
        for view in self.views:
            view.value = ""
        self.last = self.error_view(error)
        self.out.clear_output(wait=True)
        with self.out:
            display(HTML(f"<b style='color:#D55E00'>{type(error).__name__}:</b> {error}"))
