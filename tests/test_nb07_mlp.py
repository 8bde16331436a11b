"""Notebook 07: the MLP and pre-norm block checks, and the neuron widget."""
import matplotlib

matplotlib.use("Agg")

import pytest
import torch
import torch.nn.functional as F

from gptlab import checks, solutions


def test_solutions_pass():
    assert checks.check_mlp(solutions.mlp).ok
    assert checks.check_pre_norm_block(solutions.pre_norm_block).ok


def test_solution_mlp_equals_gptlab_mlp(tiny_config):
    from gptlab.mlp import MLP

    m = MLP(tiny_config.replace(activation="gelu_tanh"))  # the exercise writes GPT-2's tanh GELU
    x = torch.randn(2, 3, tiny_config.n_embd)
    with torch.no_grad():
        mine = solutions.mlp(x, m.c_fc.weight.T, m.c_fc.bias, m.c_proj.weight.T, m.c_proj.bias)
        assert torch.allclose(mine, m(x), atol=1e-6)


def test_exact_and_tanh_gelu_are_close_but_not_equal():
    from gptlab.mlp import make_activation

    z = torch.linspace(-6, 6, 10001)
    gap = (make_activation("gelu")(z) - make_activation("gelu_tanh")(z)).abs()
    assert 1e-4 < gap.max() < 5e-4  # the notebook says "never more than 0.0005"
    with pytest.raises(ValueError, match="activation must be one of"):
        make_activation("swish")


@pytest.mark.parametrize("fn, expected", [
    (lambda x, Wu, bu, Wd, bd: torch.relu(x @ Wu + bu) @ Wd + bd, "ReLU"),
    (lambda x, Wu, bu, Wd, bd: F.gelu(x @ Wu + bu) @ Wd + bd, "exact GELU"),
    (lambda x, Wu, bu, Wd, bd: (x @ Wu + bu) @ Wd + bd, "no nonlinearity"),
    (lambda x, Wu, bu, Wd, bd: F.gelu(x @ Wu + bu, approximate="tanh"), "hidden layer"),
    (lambda x, Wu, bu, Wd, bd: x + solutions.mlp(x, Wu, bu, Wd, bd), "residual"),
])
def test_broken_mlps_fail_with_the_reason(fn, expected):
    result = checks.check_mlp(fn)
    assert not result.ok
    assert expected in result.message, result.message


def _post_norm(x, ln_1, attn, ln_2, mlp):
    x = ln_1(x + attn(x))
    return ln_2(x + mlp(x))


@pytest.mark.parametrize("fn, expected", [
    (_post_norm, "post-norm"),
    (lambda x, n1, a, n2, m: m(n2(a(n1(x)))), "no residual"),
    (lambda x, n1, a, n2, m: (lambda h: h + m(h))(x + a(n1(x))), "ln_2 is missing"),
    (lambda x, n1, a, n2, m: x + a(n1(x)) + m(n2(x)), "reads the old x"),
])
def test_broken_blocks_fail_with_the_reason(fn, expected):
    result = checks.check_pre_norm_block(fn)
    assert not result.ok
    assert expected in result.message, result.message


def test_top_snippets_orders_and_stays_in_the_window():
    from gptlab.interpret.probes import top_snippets

    text = "abcdefgh" * 2
    acts = [0.0] * 16
    acts[9], acts[3] = 2.0, 1.0
    top = top_snippets(text, acts, k=2, before=5, block_size=8)
    assert [s["pos"] for s in top] == [9, 3]
    assert top[0]["char"] == "b" and top[0]["before"] == "a"  # window starts at 8
    assert top[1]["before"] == "abc" and top[1]["after"].startswith("efgh")


@pytest.fixture(scope="module")
def trained():
    from gptlab.data import shakespeare
    from gptlab.pretrained import load_shakespeare_char

    model, tok, _ = load_shakespeare_char()
    text = shakespeare()
    return model, tok, text[int(0.9 * len(text)):][: 8 * model.config.block_size]


def test_neuron_widget_follows_its_controls(trained):
    from gptlab.widgets.mlp import neuron_explorer

    model, tok, corpus = trained
    wdg = neuron_explorer(model, tok, corpus, text="ROMEO:\nO", layer=0, neuron=3, k=4)
    assert wdg.corpus_acts.shape == (model.config.n_layer, len(corpus), 4 * model.config.n_embd)
    first = wdg.last
    assert first["neuron"] == 3 and len(first["activations"]) == 8 and len(first["top"]) == 4
    values = [s["activation"] for s in first["top"]]
    assert values == sorted(values, reverse=True)
    assert values[0] == pytest.approx(float(wdg.corpus_acts[0, :, 3].max()))
    wdg.neuron.value = 100
    assert wdg.last["neuron"] == 100 and wdg.last["activations"] != first["activations"]
    wdg.layer.value = model.config.n_layer - 1
    assert wdg.last["layer"] == model.config.n_layer - 1
    assert "<span" in wdg.view.value and "where it fires most" in wdg.top_view.value


def test_neuron_widget_bad_text_shows_a_message(trained):
    from gptlab.widgets.mlp import neuron_explorer

    model, tok, corpus = trained
    wdg = neuron_explorer(model, tok, corpus, text="hello")
    wdg.text.value = "naïve"
    assert "never seen" in wdg.last["error"]
    wdg.text.value = "fine"
    assert wdg.last["text"] == "fine"


def test_norm_placement_diagram_draws_both_blocks():
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    from gptlab import viz

    fig, ax = plt.subplots(figsize=(9.5, 10))
    viz.draw_norm_placement(ax)
    fig.canvas.draw()  # renders every patch and arrow: fails if any of them is malformed
    texts = [t.get_text() for t in ax.texts]
    plt.close(fig)
    assert texts.count("LayerNorm") == 4, "two on the post-norm stream, one on each pre-norm branch"
    assert "final LayerNorm (ln_f)" in texts
    assert any("ReLU" in t for t in texts) and any("GELU" in t for t in texts)
    assert any(t.startswith("post-norm") for t in texts) and any(t.startswith("pre-norm") for t in texts)
    assert sum(isinstance(p, Circle) for p in ax.patches) == 4, "one add (+) per sublayer, two per block"
    assert "block-norm-placement.png" in viz.FIGURES
