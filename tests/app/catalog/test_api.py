from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.app.board import PRIVATE_MODEL, People, viewing_as


def test_benchmark_tree_with_ceilings_and_data_availability(board_client: TestClient):
    roots = {node["identifier"]: node for node in board_client.get("/api/v1/benchmarks").json()}
    assert {"average_vision", "engineering_vision", "brain_score_2019"} <= set(roots)
    neural = next(
        n for n in roots["average_vision"]["children"] if n["identifier"] == "neural_vision"
    )
    it = next(n for n in neural["children"] if n["identifier"] == "IT")
    leaves = {n["identifier"]: n for n in it["children"]}
    assert set(leaves) == {"MajajHong2015.IT-pls", "Kar2019-ost"}
    assert abs(leaves["Kar2019-ost"]["ceiling"] - 0.79) < 1e-6
    assert leaves["Kar2019-ost"]["data_installed"] is False
    assert it["is_aggregate"] and not leaves["Kar2019-ost"]["is_aggregate"]


def test_models_are_paged_and_filtered(board_client: TestClient):
    page = board_client.get("/api/v1/models", params={"limit": 10, "offset": 5}).json()
    assert page["total"] >= 320 and len(page["items"]) == 10 and page["offset"] == 5
    found = board_client.get("/api/v1/models", params={"q": "cornet-s"}).json()["items"]
    assert {m["name"] for m in found} == {"CORnet-S", "CORnet-S--bs2019"}
    assert board_client.get("/api/v1/models", params={"source": "nope"}).status_code == 422


def test_model_detail_has_scores_ranks_and_citation(board_client: TestClient):
    model = board_client.get("/api/v1/models/CORnet-S").json()
    assert model["origin"] == "neurips2019-table" and model["depth"] == 15
    assert {s["benchmark"] for s in model["scores"]} >= {"MajajHong2015.IT-pls", "Kar2019-ost"}
    assert model["ranks"]["paper-2019"] is not None
    assert "NeurIPS 2019" in model["citation"]
    assert model["jobs"] is None  # job history: owner and admins only
    assert board_client.get("/api/v1/models/nope").status_code == 404


def test_scores_as_json_and_csv(board_client: TestClient):
    params = {"benchmark": "Kar2019-ost", "limit": 5}
    page = board_client.get("/api/v1/scores", params=params).json()
    assert page["total"] >= 320 and len(page["items"]) == 5
    csv = board_client.get("/api/v1/scores", params={**params, "format": "csv"})
    assert csv.text.startswith("model,benchmark,version,raw,ceiled")
    assert len(csv.text.strip().splitlines()) == 6


def test_benchmark_detail_ranks_models(board_client: TestClient):
    detail = board_client.get("/api/v1/benchmarks/MajajHong2015.IT-pls").json()
    values = [r["value"] for r in detail["ranking"]]
    assert values == sorted(values, reverse=True) and len(values) >= 77
    assert detail["bibtex"].startswith("@article{majaj2015")
    assert board_client.get("/api/v1/benchmarks/nope").status_code == 404


def test_compare_keeps_the_order_asked(board_client: TestClient):
    body = board_client.get(
        "/api/v1/compare", params={"models": "CORnet-S--bs2019,CORnet-S"}
    ).json()
    assert [row["model"] for row in body["rows"]] == ["CORnet-S--bs2019", "CORnet-S"]
    assert (
        board_client.get("/api/v1/compare", params={"models": "CORnet-S,nope"}).status_code == 404
    )


def test_pages_render(board_client: TestClient):
    for url in (
        "/models/CORnet-S",
        "/benchmarks/MajajHong2015.IT-pls",
        "/benchmarks/IT",
        "/compare?models=CORnet-S,AlexNet",
        "/compare",
    ):
        response = board_client.get(url)
        assert response.status_code == 200, url
    assert board_client.get("/models/nope").status_code == 404


def test_a_private_model_is_hidden_from_others_everywhere(
    board_app: FastAPI,
    board_client: TestClient,
    board_factory: sessionmaker[Session],
    people: People,
):
    urls = {
        "models": "/api/v1/models?limit=5000",
        "scores": "/api/v1/scores?limit=5000",
        "scores_csv": "/api/v1/scores?limit=5000&format=csv",
        "benchmark": "/api/v1/benchmarks/MajajHong2015.IT-pls",
        "benchmark_page": "/benchmarks/IT",
        "leaderboard_bib": "/exports/leaderboard.csv",
    }
    for user_id, sees in (
        (None, False),
        (people.other_id, False),
        (people.owner_id, True),
        (people.admin_id, True),
    ):
        with viewing_as(board_app, board_factory, user_id):
            for name, url in urls.items():
                assert (PRIVATE_MODEL in board_client.get(url).text) is sees, (name, user_id)
            detail = board_client.get(f"/api/v1/models/{PRIVATE_MODEL}")
            page = board_client.get(f"/models/{PRIVATE_MODEL}")
            compare = board_client.get("/api/v1/compare", params={"models": PRIVATE_MODEL})
        expected = 200 if sees else 404
        assert (detail.status_code, page.status_code, compare.status_code) == (expected,) * 3
        if sees:
            assert detail.json()["jobs"][0]["kind"] == "score"


def test_inputs_the_database_would_refuse_are_422(board_client: TestClient):
    for url, params in (
        ("/api/v1/models", {"offset": 2**63}),
        ("/api/v1/models", {"q": "a\x00b"}),
        ("/api/v1/scores", {"model": "\x00"}),
        ("/api/v1/models/a%00b", {}),
        ("/api/v1/benchmarks/a%00b", {}),
        ("/api/v1/leaderboard", {"offset": 2**63}),
    ):
        response = board_client.get(url, params=params)
        assert response.status_code == 422, (url, params, response.text)
        assert response.json()["detail"]


def test_benchmark_page_shows_sample_stimuli_of_installed_data(board_client: TestClient):
    page = board_client.get("/benchmarks/CIFAR10-top1").text
    assert page.count('<img src="/benchmarks/CIFAR10-top1/stimuli/') == 8
    first = page.split('<img src="')[1].split('"')[0]
    image = board_client.get(first)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.content[:2] == b"\xff\xd8"
    assert board_client.get("/benchmarks/CIFAR10-top1/stimuli/nope").status_code == 404
    assert (
        "Shown once the stimulus set is installed"
        in board_client.get("/benchmarks/Kar2019-ost").text
    )
