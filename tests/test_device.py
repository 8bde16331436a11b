"""bf16 autocast only where the hardware has it natively (notebook 10's training)."""
import pytest
import torch

from gptlab.device import autocast_dtype, cuda_has_native_bf16


@pytest.mark.parametrize("capability, expected", [((7, 0), None),             # V100: bf16 only emulated
                                                  ((7, 5), None),             # T4: bf16 only emulated
                                                  ((8, 0), torch.bfloat16),   # A100: native
                                                  ((8, 6), torch.bfloat16),   # RTX 30xx
                                                  ((9, 0), torch.bfloat16)])  # H100
def test_cuda_bf16_needs_compute_capability_8(monkeypatch, capability, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: True)  # true on a T4 too
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    assert autocast_dtype(torch.device("cuda")) is expected
    assert cuda_has_native_bf16() is (expected is not None)


def test_no_cuda_no_bf16(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert not cuda_has_native_bf16()
    assert autocast_dtype(torch.device("mps")) is None


def test_gptlab_bf16_0_turns_bf16_off_where_it_would_be_on(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (9, 0))
    monkeypatch.setattr("gptlab.device.cpu_has_fast_bf16", lambda: True)
    assert autocast_dtype(torch.device("cuda")) is torch.bfloat16
    assert autocast_dtype(torch.device("cpu")) is torch.bfloat16
    monkeypatch.setenv("GPTLAB_BF16", "0")
    assert autocast_dtype(torch.device("cuda")) is None
    assert autocast_dtype(torch.device("cpu")) is None
