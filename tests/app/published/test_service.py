import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.published.service import family_of, model_name, seed_published
from foundation.board_version import read as board_version
from foundation.models import Benchmark, Model, Score, Source
from tests.app.board import People


def test_seeding_again_changes_nothing(board_factory: sessionmaker[Session], people: People):
    with board_factory() as session:
        before = board_version(session)
        seed_published(session)
        session.commit()
        assert board_version(session) == before


def test_benchmark_rows_form_the_tree_with_ceilings(
    board_factory: sessionmaker[Session], people: People
):
    with board_factory() as session:
        rows = {b.identifier: b for b in session.scalars(sa.select(Benchmark))}
        parent = {i: rows[i].parent.identifier if rows[i].parent else None for i in rows}
    assert parent["MajajHong2015.IT-pls"] == "IT"
    assert parent["IT"] == "neural_vision"
    assert parent["neural_vision"] == "average_vision"
    assert parent["Kar2019-ost"] == "IT"
    assert abs(rows["Kar2019-ost"].ceiling - 0.79) < 1e-6
    assert abs(rows["MajajHong2015.IT-pls"].ceiling - 0.8218) < 1e-6
    assert not rows["Kar2019-ost"].data_installed
    assert rows["CIFAR10H-i2n"].data_installed
    assert all(parent[i] is None for i in rows if rows[i].synthetic)


def test_published_scores_keep_their_citation_and_source_version(
    board_factory: sessionmaker[Session], people: People
):
    with board_factory() as session:
        score = session.scalars(
            sa.select(Score)
            .join(Score.model)
            .join(Score.benchmark)
            .where(Model.name == "CORnet-S--bs2019", Benchmark.identifier == "MajajHong2015.IT-pls")
        ).one()
        assert score.source is Source.published
        assert "Brain-Score" in (score.citation or "")
        assert score.details["source_version"] == 3
        assert abs(score.ceiled - 0.533) < 0.001


def test_both_sources_get_model_rows_and_a_taken_name_gets_a_tag():
    taken: dict[str, str] = {}
    assert model_name("ResNet-101 v2", "neurips2019-table", taken) == "ResNet-101_v2"
    assert model_name("CORnet-S", "neurips2019-table", taken) == "CORnet-S"
    assert model_name("CORnet-S", "brainscore-leaderboard-2019", taken) == "CORnet-S--bs2019"


def test_family_is_the_leading_letters_of_the_name():
    assert family_of("ResNet-101 v2") == "resnet"
    assert family_of("mobilenet_v1_0.25_128") == "mobilenet"
    assert family_of("CORnet-S") == "cornet"
