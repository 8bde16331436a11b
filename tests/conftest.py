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
