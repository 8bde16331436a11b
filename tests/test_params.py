import pytest

from gptlab import GPTConfig
from gptlab.model import GPT
from gptlab.params import count_parameters, gpt_parameter_formula, total_matrices, total_weights, weight_groups


def test_gpt3_accounting_matches_the_notes():
    groups = {g.name: g for g in weight_groups(GPTConfig.preset("gpt3"))}
    assert list(groups) == ["embedding", "key", "query", "value", "output", "up-projection",
                            "down-projection", "unembedding"]
    assert groups["embedding"].weights == groups["unembedding"].weights == 617_558_016
    for name in ("key", "query", "value", "output"):
        assert groups[name].weights == 14_495_514_624
    assert groups["up-projection"].weights == groups["down-projection"].weights == 57_982_058_496
    assert total_weights(GPTConfig.preset("gpt3")) == 175_181_291_520
    assert total_matrices(GPTConfig.preset("gpt3")) == 27_938


@pytest.mark.parametrize("preset", ["tiny", "shakespeare_char", "gpt2"])
def test_formula_equals_real_model(preset):
    config = GPTConfig.preset(preset)
    assert gpt_parameter_formula(config)["total"] == count_parameters(GPT(config))


def test_formula_without_bias():
    config = GPTConfig.preset("tiny", bias=False)
    assert gpt_parameter_formula(config)["total"] == count_parameters(GPT(config))


def test_count_parameters_counts_frozen_ones_unless_asked_and_tied_ones_once():
    from torch import nn

    model = GPT(GPTConfig.preset("tiny"))
    everything = count_parameters(model)
    assert model.lm_head.weight is model.transformer.wte.weight  # tied: counted once
    assert everything == sum(p.numel() for p in set(model.parameters()))
    model.transformer.wpe.weight.requires_grad_(False)  # freeze the positions
    assert count_parameters(model) == everything
    assert count_parameters(model, trainable_only=True) == everything - model.transformer.wpe.weight.numel()

    # tied as two Parameter objects over one memory block (as a .to(device) can leave them): still once
    pair = nn.Module()
    pair.embed = nn.Embedding(10, 4)
    pair.unembed = nn.Linear(4, 10, bias=False)
    pair.unembed.weight = nn.Parameter(pair.embed.weight.data)
    assert pair.unembed.weight is not pair.embed.weight
    assert count_parameters(pair) == 40
    untied = nn.Module()
    untied.a, untied.b = nn.Linear(4, 10, bias=False), nn.Linear(4, 10, bias=False)
    assert count_parameters(untied) == 80
