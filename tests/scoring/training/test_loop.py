"""The per-step meter of the training loop: exact running means, no host-to-device copy."""

from __future__ import annotations

import pytest
import torch

from scoring.training.loop import EpochMeter, StepCounter, train_epoch
from scoring.training.profiles import get_profile


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


class _CountingLoader:
    """Four batches of two 1-feature examples; counts how many were fetched."""

    def __init__(self) -> None:
        self.fetched = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for _ in range(4):
            self.fetched += 1
            yield torch.randn(2, 1), torch.tensor([0, 1])


@pytest.mark.parametrize(("max_steps", "fetched", "finished"), [(2, 2, False), (4, 4, True)])
def test_max_steps_stops_without_fetching_a_batch_it_drops(
    max_steps: int, fetched: int, finished: bool
) -> None:
    model = torch.nn.Linear(1, 2)
    loader = _CountingLoader()
    counter = StepCounter(global_step=0, max_steps=max_steps)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    metrics = train_epoch(model, loader, 4, optimizer, get_profile("cpu-quick"), 0, counter, None)
    assert loader.fetched == fetched and counter.global_step == max_steps
    assert (metrics is not None) is finished  # an epoch that max_steps ends exactly is kept
