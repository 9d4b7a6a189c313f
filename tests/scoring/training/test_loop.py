"""The per-step meter of the training loop: exact running means, no host-to-device copy."""

from __future__ import annotations

import pytest
import torch

from scoring.training.loop import EpochMeter


def test_meter_means_are_exact_and_a_step_builds_no_tensor_from_host_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meter = EpochMeter(torch.device("cpu"))
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 1.0]])
    losses, labels = torch.tensor([0.5, 2.0]), torch.tensor([0, 1, 1])

    def host_copy(*_args: object, **_kwargs: object) -> torch.Tensor:
        raise AssertionError("torch.tensor in a step: on CUDA a host-to-device copy and a sync")

    with monkeypatch.context() as patched:
        patched.setattr(torch, "tensor", host_copy)
        meter.add(losses[0], logits, labels)  # 2 of 3 right
        meter.add(losses[1], logits[:1], labels[:1])  # 1 of 1
    loss, accuracy, _rate = meter.read()
    assert loss == pytest.approx((0.5 * 3 + 2.0 * 1) / 4)
    assert accuracy == pytest.approx(3 / 4)
