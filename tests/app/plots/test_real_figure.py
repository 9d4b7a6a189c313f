"""The small Figure 1 computed here: the real offline composite against ImageNet-sample top-1,
over the ImageNet-trained models (a test-only ImageNet-sample-top1 row where the catalogue has
none)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.plots import service
from foundation.models import Benchmark
from scoring.benchmarks.presets import benchmark_tree, get_preset
from tests.app.board import add_scored_model, delete_model

NAME = "real-vs-imagenet-sample"
PREFIX = "real-figure-"


def plot(client: TestClient) -> dict:
    response = client.get(f"/api/v1/plots/{NAME}")
    assert response.status_code == 200, response.text
    return response.json()


def real_leaves() -> list[str]:
    preset = get_preset("real-offline")
    tree = benchmark_tree()
    return [leaf for root in preset.roots for leaf in tree.leaves(root)]


def test_without_the_benchmark_the_plot_says_it_needs_it(
    board_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "SAMPLE_TOP1", "ImageNet-sample-top1-nowhere")
    body = plot(board_client)
    assert not body["available"] and body["points"] == []
    assert body["reason"].startswith("This plot needs the benchmark ImageNet-sample-top1-nowhere")
    page = board_client.get("/plots").text
    assert "This plot needs the benchmark ImageNet-sample-top1-nowhere" in page


@pytest.fixture
def imagenet_models(board_factory: sessionmaker[Session]) -> Iterator[dict[str, float]]:
    """Ten ImageNet models with every real leaf at one value (so that value is the composite),
    a CIFAR model and an ImageNet model missing a leaf; a test-only ImageNet-sample-top1 row
    where the catalogue has none. Everything added is removed afterwards."""
    needed = [*real_leaves(), service.SAMPLE_TOP1]
    expected: dict[str, float] = {}
    with board_factory() as session:
        present = set(session.scalars(sa.select(Benchmark.identifier)))
        added = [name for name in needed if name not in present]
        session.add_all([Benchmark(identifier=name, version=1) for name in added])
        session.flush()
        rng = np.random.default_rng(0)
        for i in range(10):
            composite, top1 = float(rng.uniform(0.1, 0.6)), float(rng.uniform(0.3, 0.8))
            name = f"{PREFIX}imagenet-{i}"
            scores = {leaf: composite for leaf in real_leaves()} | {service.SAMPLE_TOP1: top1}
            add_scored_model(session, name, scores, model_metadata={"training_data": "ImageNet"})
            expected[name] = composite
        everything = {leaf: 0.5 for leaf in real_leaves()} | {service.SAMPLE_TOP1: 0.5}
        add_scored_model(
            session, f"{PREFIX}cifar", everything, model_metadata={"training_data": "CIFAR-10"}
        )
        partial = dict(everything)
        partial.pop(real_leaves()[0])
        add_scored_model(
            session, f"{PREFIX}partial", partial, model_metadata={"training_data": "ImageNet"}
        )
        session.commit()
    try:
        yield expected
    finally:
        with board_factory() as session:
            for name in [*expected, f"{PREFIX}cifar", f"{PREFIX}partial"]:
                delete_model(session, name)
            session.execute(sa.delete(Benchmark).where(Benchmark.identifier.in_(added)))
            session.commit()


def test_the_composite_against_sample_top1_over_imagenet_models(
    board_client: TestClient, imagenet_models: dict[str, float]
) -> None:
    body = plot(board_client)
    assert body["available"], body["reason"]
    mine = {p["model"]: p for p in body["points"] if p["model"].startswith(PREFIX)}
    # CIFAR-trained models and incomplete composites are not drawn
    assert set(mine) == set(imagenet_models)
    for name, composite in imagenet_models.items():
        assert mine[name]["y"] == pytest.approx(composite)
    statistic = body["statistics"][0]
    assert statistic["n"] == len(body["points"])
    xs = [p["x"] for p in body["points"]]
    ys = [p["y"] for p in body["points"]]
    assert statistic["r"] == pytest.approx(np.corrcoef(xs, ys)[0, 1])
    assert body["y"] == "real brains (real_vision, real-offline)"
    page = board_client.get("/plots").text
    assert "Real brains vs ImageNet-sample top-1" in page
