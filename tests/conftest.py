import os

import pytest
import torch

os.environ.setdefault("GPTLAB_DEVICE", "cpu")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
    yield


@pytest.fixture
def tiny_config():
    from gptlab import GPTConfig

    return GPTConfig.preset("tiny")


@pytest.fixture(scope="module")
def small_model():
    """A 1-layer, 16-wide untrained character GPT and its tokenizer, enough to drive the widgets."""
    from gptlab import GPTConfig
    from gptlab.model import GPT
    from gptlab.tokenizers import CharTokenizer

    tok = CharTokenizer("\n :ABCDEMORabcdeo")
    torch.manual_seed(0)
    model = GPT(GPTConfig(block_size=16, vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16))
    return model, tok
