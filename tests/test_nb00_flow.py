"""Notebook 00: the generation-loop exercise check and the generation stepper widget."""
import matplotlib
import pytest
import torch

matplotlib.use("Agg")

from gptlab import GPTConfig
from gptlab.checks import check_generate
from gptlab.model import GPT
from gptlab.sample import generate
from gptlab.solutions import my_generate
from gptlab.tokenizers import CharTokenizer
from gptlab.widgets.flow import draw_generation_step, generation_stepper, generation_steps

TEXT = "ROMEO:\nBut soft, what light through yonder window breaks?\n"


@pytest.fixture(scope="module")
def tiny():
    tok = CharTokenizer.from_text(TEXT)
    torch.manual_seed(0)
    model = GPT(GPTConfig(block_size=16, vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16)).eval()
    first = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(1)
    second = GPT(model.config).state_dict()
    with torch.no_grad():  # a sharper second checkpoint, so its candidates differ clearly
        second["transformer.wte.weight"] *= 20
    return model, tok, {0: first, 100: second}


def test_solution_passes():
    result = check_generate(my_generate)
    assert result.ok, result.message


def _loop(pick, crop=True):
    @torch.no_grad()
    def gen(model, ids, n):
        for _ in range(n):
            context = ids[:, -model.config.block_size:] if crop else ids
            logits, _ = model(context)
            ids = torch.cat([ids, pick(logits).reshape(1, 1)], dim=1)
        return ids
    return gen


@pytest.mark.parametrize("broken, expected", [
    (lambda m, ids, n: (_ for _ in ()).throw(NotImplementedError()), "not implemented yet"),
    (lambda m, ids, n: my_generate(m, ids, n)[:, ids.size(1):], "only the 4 new tokens"),
    (_loop(lambda logits: logits[:, 0].argmax(-1)), "FIRST position"),
    (_loop(lambda logits: torch.multinomial(logits[:, -1].softmax(-1), 1)), "sampling"),
    (_loop(lambda logits: logits[:, -1].argmax(-1), crop=False), "block_size"),
])
def test_broken_versions_fail_with_a_precise_message(broken, expected):
    result = check_generate(broken)
    assert not result.ok
    assert expected in result.message, result.message


def test_generation_steps_greedy_matches_generate(tiny):
    model, tok, _ = tiny
    records = generation_steps(model, tok, "ROMEO:\n", 20, temperature=0.0, top=5)
    assert len(records) == 20
    chosen = [r["chosen"] for r in records]
    assert chosen == generate(model, tok.encode("ROMEO:\n"), 20, temperature=0)[0, 7:].tolist()
    for r in records:
        assert r["chosen"] == r["candidates"][0][0]  # greedy = the most likely
        assert len(r["candidates"]) == 5 and len(r["context"]) <= 16
        probs = [p for _, p in r["candidates"]]
        assert probs == sorted(probs, reverse=True)


def test_stepper_reacts_to_its_controls(tiny):
    model, tok, snapshots = tiny
    stepper = generation_stepper(model, tok, snapshots, prompt="ROMEO:\n", n_tokens=12)
    assert stepper.last["checkpoint"] == 100 and stepper.last["step"] == 0
    assert stepper.last["text_so_far"] == "ROMEO:\n"
    stepper.step.value = 5
    assert stepper.last["step"] == 5 and len(stepper.last["text_so_far"]) == len("ROMEO:\n") + 5
    candidates_at_100 = stepper.last["candidates"]
    stepper.checkpoint.value = 0
    assert stepper.last["checkpoint"] == 0 and stepper.last["candidates"] != candidates_at_100
    stepper.temperature.value = 1.0
    assert stepper.last["temperature"] == 1.0
    stepper.prompt.value = "soft"
    assert stepper.last["text_so_far"].startswith("soft")


def test_stepper_shows_unknown_characters_as_a_message(tiny):
    model, tok, snapshots = tiny
    stepper = generation_stepper(model, tok, snapshots, n_tokens=5)
    stepper.prompt.value = "ROMEO: Z"  # 'Z' is not in TEXT
    assert "error" in stepper.last and "'Z'" in stepper.last["error"]
    stepper.prompt.value = ""
    assert "empty" in stepper.last["error"]
    stepper.prompt.value = "ROMEO: But soft, what"  # 21 characters, context 16: an error, not a silent cut
    assert "reads at most 16" in stepper.last["error"]
    model.train()
    with pytest.raises(ValueError, match="at most 16"):
        generation_steps(model, tok, "ROMEO: But soft, what", 3)
    assert model.training  # an error leaves the model in the mode it was in
    model.eval()
    stepper.prompt.value = "ROMEO:\n"
    assert "error" not in stepper.last


def test_static_picture_draws(tiny):
    import matplotlib.pyplot as plt

    model, tok, _ = tiny
    records = generation_steps(model, tok, "ROMEO:\n", 3)
    fig, ax = plt.subplots()
    draw_generation_step(ax, tok, "ROMEO:\n", records, 2)
    assert len(ax.patches) == 5
    plt.close(fig)


def test_flow_shapes_solution_passes():
    from gptlab.checks import check_flow_shapes
    from gptlab.solutions import flow_shapes

    assert check_flow_shapes(flow_shapes).ok


def _shapes_with(**wrong):
    from gptlab.solutions import flow_shapes

    def broken(config, T):
        shapes = flow_shapes(config, T)
        for name, make in wrong.items():
            shapes[name.replace("__", ".")] = make(config, T)
        return shapes
    return broken


@pytest.mark.parametrize("broken, expected", [
    (_shapes_with(attn__pattern=lambda c, T: (T, T)), "(n_head, T, T)"),
    (_shapes_with(mlp__hidden=lambda c, T: (T, c.n_embd)), "four times"),
    (_shapes_with(attn__q=lambda c, T: (T, c.n_embd)), "split into heads"),
    (_shapes_with(logits=lambda c, T: (c.vocab_size,)), "every position"),
    (lambda config, T: {"embed": (T, config.n_embd)}, "missing entries"),
    (lambda config, T: {k: ... for k in ["embed", "attn.q", "attn.pattern", "mlp.hidden", "resid_post", "logits"]},
     "give a tuple"),
])
def test_flow_shapes_mistakes_are_named(broken, expected):
    from gptlab.checks import check_flow_shapes

    result = check_flow_shapes(broken)
    assert not result.ok and expected in result.message, result.message
