"""Notebook 14's widget (gptlab.widgets.inside) and its exercises, on tiny models: no browser, no download."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from gptlab import GPTConfig  # noqa: E402
from gptlab.interpret import lens  # noqa: E402
from gptlab.model import GPT  # noqa: E402
from gptlab.tokenizers import CharTokenizer  # noqa: E402
from gptlab.widgets.inside import draw_inside, inside_explorer, inside_view, part_names, split_parts  # noqa: E402

TEXT = "to be or not to be, that is the question.\nwhether tis nobler in the mind to suffer\n" * 4


@pytest.fixture(scope="module")
def parts():
    torch.manual_seed(0)
    tok = CharTokenizer.from_text(TEXT)
    model = GPT(GPTConfig(block_size=32, vocab_size=tok.vocab_size, n_layer=2, n_head=2, n_embd=16)).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                p.add_(0.3 * torch.randn_like(p))
    return model, tok


def test_part_names_round_trip(parts):
    model, _ = parts
    names = part_names(model)
    assert names == ["L0H0", "L0H1", "L1H0", "L1H1", "MLP0", "MLP1"]
    assert split_parts(["L1H0", "MLP1"]) == ([(1, 0)], [1])


def test_widget_follows_controls_and_shows_what_ablation_does(parts):
    model, tok = parts
    box = inside_explorer(model, tok, prompt="to be or", heldout=tok.encode(TEXT))
    assert box.last["error"] is None and box.last["position"] == 7 == box.position.value
    assert box.last["tokens"] == ["t", "o", "␣", "b", "e", "␣", "o", "r"]
    assert len(box.last["lens"]) == 3 and box.last["depths"][-1] == "block 2"
    top = box.last["top"][0][0]
    assert box.last["target"] == top and box.last["lens"][-1][0] == top
    total = sum(box.last["parts"].values()) + sum(box.last["rest"].values())
    assert total == pytest.approx(box.last["logit"], abs=1e-4)
    before, after = box.last["heldout_loss"]
    assert before == after
    box.position.value = 3
    assert box.last["position"] == 3 and "title=" in box.computation.value
    box.off.value = ("L0H1", "MLP0")
    before, after = box.last["heldout_loss"]
    assert after != before and box.last["off"] == ["L0H1", "MLP0"]
    assert "switched off" in box.effect.value and "<b>off</b>" in box.computation.value
    ablated = box.last["top"]
    box.mode.value = "mean"
    assert box.last["mode"] == "mean" and box.last["top"] != ablated
    box.target.value = "q"
    assert box.last["target"] == "q"
    box.prompt.value = "whether\\ntis"
    assert box.last["tokens"][7] == "↵" and box.position.value == box.position.max == 10
    box.prompt.value = "to be é"
    assert "é" in box.last["error"] and box.computation.value == ""
    box.prompt.value = "to be"
    box.target.value = "ab"
    assert "exactly one token" in box.last["error"]


def test_static_view_and_gpt2_labels(parts):
    from gptlab.tokenizers import gpt2

    model, tok = parts
    view = inside_view(model, tok, tok.encode("not to be"), position=4, off=("L1H1",))
    fig = draw_inside(view)
    assert len(fig.axes) >= 3
    matplotlib.pyplot.close(fig)
    enc = gpt2()
    torch.manual_seed(0)
    big = GPT(GPTConfig.preset("gpt2", n_layer=1, n_head=2, n_embd=8, block_size=16)).eval()
    box = inside_explorer(big, enc, prompt="Hello world, once more")
    assert box.last["tokens"][:2] == ["Hello", "␣world"] and box.mode.options == ("zero",)


def test_exercises_pass_on_their_solutions_and_catch_mistakes():
    from gptlab.exercises import inside as ex

    assert ex.check_logit_lens(ex.logit_lens_by_hand).ok
    assert ex.check_most_harmful_head(ex.most_harmful_head).ok

    def no_ln(model, ids, position):
        _, cache = model.run_with_cache(ids)
        xs = [cache["embed"]] + [cache[f"blocks.{i}.resid_post"] for i in range(model.config.n_layer)]
        return model.lm_head(torch.stack([x[0, position] for x in xs]))

    result = ex.check_logit_lens(no_ln)
    assert not result.ok and "ln_f" in result.message

    def least(model, x, y):
        _, losses = lens.head_ablation_losses(model, x, y, mode="zero")
        return divmod(int(losses.argmin()), model.config.n_head)

    result = ex.check_most_harmful_head(least)
    assert not result.ok and "LEAST" in result.message
    def unfinished(model, x, y):
        raise NotImplementedError

    assert "not implemented" in ex.check_most_harmful_head(unfinished).message
