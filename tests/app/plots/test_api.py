import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from foundation.models import Model, Visibility
from tests.app.board import PRIVATE_MODEL, People, add_scored_model, viewing_as


def plot(client: TestClient, name: str, **params: str) -> dict:
    response = client.get(f"/api/v1/plots/{name}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_figure_1_statistics_of_the_paper_table(board_client: TestClient):
    """scoring.md §9: r = .90 below 70 % ImageNet top-1, no correlation above."""
    body = plot(board_client, "brainscore-vs-imagenet", source="neurips2019-table")
    below, above = body["statistics"][0], body["statistics"][1]
    assert abs(below["r"] - 0.90) < 0.005
    assert below["p"] < 1e-10
    assert abs(above["r"]) < 0.1 and above["p"] > 0.5
    assert below["n"] + above["n"] == len(body["points"]) == 238
    cornet = next(p for p in body["points"] if p["model"] == "CORnet-S")
    assert abs(cornet["y"] - 0.4705) < 1e-4 and cornet["x"] == 0.731


def test_figure_2_panels_each_have_a_pearson_r(board_client: TestClient):
    body = plot(board_client, "generalization")
    labels = [s["label"] for s in body["statistics"]]
    assert labels == [
        "IT vs IT (new neurons)",
        "IT vs IT (new images)",
        "Behavior vs Behavior (new data)",
        "Brain-Score vs CIFAR-100",
    ]
    assert all(s["n"] >= 30 and s["r"] > 0.5 for s in body["statistics"])


def test_figure_2_excludes_cornet_s_and_prints_the_papers_values(board_client: TestClient):
    """Issue 16: the paper excludes CORnet-S; expected r = .870 / .568 / .851 / .645 with
    n = 44 / 44 / 44 / 35 (today .865 / .580 / .854 / .603, n = 45 / 45 / 45 / 36)."""
    body = plot(board_client, "generalization", source="neurips2019-table")
    assert "CORnet-S" not in {p["model"] for p in body["points"]}
    for s in body["statistics"]:
        assert (round(s["r"], 3), s["n"]) == (s["paper_r"], s["paper_n"]), s
    assert [s["paper_r"] for s in body["statistics"]] == [0.870, 0.568, 0.851, 0.645]
    page = board_client.get("/plots", params={"source": "neurips2019-table"}).text
    assert "the paper: r = 0.870, n = 44" in page


def test_any_vs_any_counts_complete_composites_only(board_client: TestClient):
    """Issue 16: partial composites made it r = .64 over n = 243 instead of Figure 1's 238."""
    params = {"preset": "paper-2019", "source": "neurips2019-table"}
    body = plot(
        board_client, "benchmark-vs-benchmark", x="ImageNet-top1", y="brain_score_2019", **params
    )
    assert body["statistics"][0]["n"] == len(body["points"]) == 238


def test_no_r_is_drawn_from_fewer_than_ten_models(
    board_client: TestClient, board_factory: sessionmaker[Session]
):
    """Issue 16: the offline "any vs any" plot reported r = -1.00, p = 0 from 3 points."""
    with board_factory() as session:
        for i in range(3):
            name = f"three-points-{i}"
            if session.scalar(sa.select(Model.id).where(Model.name == name)) is None:
                add_scored_model(
                    session, name, {"CIFAR10-top1": 0.5 + i / 10, "CIFAR10H-i2n": 0.3 - i / 10}
                )
        session.commit()
    params = {"preset": "offline", "source": "computed", "x": "CIFAR10-top1", "y": "CIFAR10H-i2n"}
    body = plot(board_client, "benchmark-vs-benchmark", **params)
    statistic = body["statistics"][0]
    assert 3 <= statistic["n"] < 10
    assert statistic["r"] is None and statistic["p"] is None
    assert "fewer than 10" in statistic["reason"]


def test_figure_3_depth_panels(board_client: TestClient):
    body = plot(board_client, "depth")
    assert {p["panel"] for p in body["points"]} == {
        "Brain-Score",
        "ImageNet top-1",
        "CIFAR-100 transfer",
    }
    assert len(body["statistics"]) == 3


def test_absent_figures_say_why(board_client: TestClient):
    ost = plot(board_client, "ost")
    assert not ost["available"] and "Kar2019" in ost["reason"]
    circuitry = plot(board_client, "circuitry")
    assert not circuitry["available"] and "circuitry" in circuitry["reason"]


def test_any_benchmark_against_any_other_and_csv(board_client: TestClient):
    params = {
        "preset": "leaderboard",
        "source": "all",
        "x": "MajajHong2015.V4-pls",
        "y": "MajajHong2015.IT-pls",
    }
    body = plot(board_client, "benchmark-vs-benchmark", **params)
    assert len(body["points"]) >= 77
    csv = board_client.get(
        "/api/v1/plots/benchmark-vs-benchmark", params={**params, "format": "csv"}
    )
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "model,source,panel,x,y"
    assert len(csv.text.splitlines()) == len(body["points"]) + 1


def test_bad_plot_requests_are_json_4xx(board_client: TestClient):
    assert board_client.get("/api/v1/plots/nope").status_code == 404
    bad = board_client.get("/api/v1/plots/benchmark-vs-benchmark", params={"x": "nope"})
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]


def test_a_private_model_appears_in_plots_for_its_owner_only(
    board_app: FastAPI,
    board_client: TestClient,
    board_factory: sessionmaker[Session],
    people: People,
):
    params = {"source": "all", "preset": "leaderboard", "x": "ImageNet-top1", "y": "IT"}
    for user_id, sees in ((None, False), (people.other_id, False), (people.owner_id, True)):
        with viewing_as(board_client, board_factory, user_id):
            names = [
                p["model"] for p in plot(board_client, "benchmark-vs-benchmark", **params)["points"]
            ]
            figure_1 = plot(board_client, "brainscore-vs-imagenet")["points"]
            page = board_client.get("/plots", params={"source": "all"}).text
            csv = board_client.get(
                "/api/v1/plots/brainscore-vs-imagenet", params={"format": "csv"}
            ).text
        assert (PRIVATE_MODEL in names) is sees
        assert any(p["model"] == PRIVATE_MODEL for p in figure_1) is sees
        assert (PRIVATE_MODEL in page) is sees
        assert (PRIVATE_MODEL in csv) is sees


def test_plots_page_embeds_a_chart_per_available_plot(board_client: TestClient):
    page = board_client.get("/plots").text
    for name in ("brainscore-vs-imagenet", "generalization", "depth", "benchmark-vs-benchmark"):
        assert f'id="spec-{name}"' in page
    assert "Not drawn: Kar2019 data are not installed" in page
    assert "vendor/vega-embed.min.js" in page


def test_circuitry_study_draws_each_variant_against_cornet_s(
    board_app: FastAPI,
    board_client: TestClient,
    board_factory: sessionmaker[Session],
    people: People,
):
    """Offline suite values (CIFAR-10 top-1, CIFAR10H-i2n): the deltas are variant − base."""
    with board_factory() as session:
        if session.scalar(sa.select(Model.id).where(Model.name == "circuit-base")) is None:
            for name, arch, accuracy, human in (
                ("circuit-base", "cornet_s", 0.80, 0.50),
                ("circuit-noskip", "cornet_s_noskip", 0.70, 0.45),
            ):
                add_scored_model(
                    session,
                    name,
                    {"CIFAR10-top1": accuracy, "CIFAR10H-i2n": human},
                    architecture=arch,
                    owner_id=people.owner_id,
                    visibility=Visibility.private,
                )
            session.commit()
    with viewing_as(board_client, board_factory, people.owner_id):
        body = plot(board_client, "circuitry")
    assert body["available"]
    point = next(p for p in body["points"] if p["model"] == "circuit-noskip")
    assert abs(point["x"] - (-0.10)) < 1e-9 and abs(point["y"] - (-0.05)) < 1e-9
    assert not plot(board_client, "circuitry")["available"]  # others do not see the models
