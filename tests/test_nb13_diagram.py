"""Notebook 13's encoder-decoder diagram draws, with the memory of the LAST encoder layer feeding every decoder layer."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from gptlab.viz import FIGURES, draw_encoder_decoder


def test_encoder_decoder_diagram_draws():
    fig, ax = plt.subplots(figsize=(9, 10.5))
    try:
        where = draw_encoder_decoder(ax)
        fig.canvas.draw()  # renders every patch and text: fails if anything cannot be drawn
        labels = [t.get_text() for t in ax.texts]
        (enc_x, encoder_top), = where["encoder_top"]
    finally:
        plt.close(fig)
    # each column, bottom to top
    for label in ("inputs", "Input embedding", "outputs (shifted right)", "Output embedding", "Linear", "Softmax"):
        assert labels.count(label) == 1, label
    assert labels.count("positional\nencoding") == 2
    # two encoder layers drawn (1 and N) with 2 add & norms each, two decoder layers with 3 each
    assert labels.count("Self-attention (unmasked)") == 2 and labels.count("Masked self-attention") == 2
    assert labels.count("Cross-attention") == 2 and labels.count("Feed-forward") == 4
    assert labels.count("Add & norm") == 2 * 2 + 2 * 3
    # one memory arrow per decoder layer, each from the top of the last encoder layer into a cross-attention box
    crosses = where["cross_attention"]
    arrows = where["memory_arrows"]
    assert len(arrows) == len(crosses) == 2
    for (x0, y0, x1, y1), (cx, cy) in zip(arrows, crosses):
        assert (x0, y0) == (enc_x, encoder_top)
        assert y1 == cy and x0 < x1 < cx
    assert "encoder-decoder.png" in FIGURES
