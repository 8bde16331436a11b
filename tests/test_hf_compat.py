import pytest
import torch

from gptlab import GPTConfig
from gptlab.model import GPT

transformers = pytest.importorskip("transformers")


def test_loads_hf_gpt2_state_dict_same_logits():
    hf_config = transformers.GPT2Config(vocab_size=50, n_positions=16, n_embd=32, n_layer=2, n_head=4,
                                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    hf = transformers.GPT2LMHeadModel(hf_config).eval()
    config = GPTConfig(block_size=16, vocab_size=50, n_layer=2, n_head=4, n_embd=32, activation="gelu_tanh")
    ours = GPT.from_hf_state_dict(hf.state_dict(), config).eval()
    idx = torch.randint(0, 50, (2, 16))
    with torch.no_grad():
        expected = hf(idx).logits
    logits, _ = ours(idx)
    assert torch.allclose(logits, expected, atol=1e-4)


def test_gpt2_weights_need_the_tanh_gelu():
    with pytest.raises(ValueError, match="gelu_tanh"):
        GPT.from_hf_state_dict({}, GPTConfig.preset("tiny"))


def test_wrong_state_dict_is_explained():
    config = GPTConfig.preset("tiny", activation="gelu_tanh")
    with pytest.raises(ValueError, match="missing"):
        GPT.from_hf_state_dict({}, config)
