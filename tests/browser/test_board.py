"""The leaderboard, model, compare and plots pages in a real browser."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.app.board import PRIVATE_MODEL
from tests.browser.board_site import (
    base_url,
    board_database,
    board_factory,
    board_settings,
    page,
    people,
)

# The fixtures this module uses.
__all__ = [
    "base_url",
    "board_database",
    "board_factory",
    "board_settings",
    "page",
    "people",
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("VENTRAL_UPDATE_SCREENSHOTS") == "1"


def cell_values(page: Page, column: str) -> list[float | None]:
    index = page.locator("#leaderboard thead th").evaluate_all(
        f"(cells) => cells.findIndex(c => c.dataset.col === {column!r})"
    )
    texts = page.locator(f"#leaderboard tbody tr td:nth-child({index + 1})").all_inner_texts()
    return [None if text.strip() == "—" else float(text) for text in texts]


def keep(page: Page, name: str, tmp_path: Path, locator: str | None = None) -> None:
    path = tmp_path / f"{name}.png"
    if locator:
        page.locator(locator).screenshot(path=path)
    else:
        page.screenshot(path=path)
    assert path.stat().st_size > 10_000
    if UPDATE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / path.name)


def test_sort_by_a_column(page: Page):
    page.goto("/?preset=paper-2019&source=neurips2019-table")
    page.locator('#leaderboard th[data-col="MajajHong2015.IT-pls"] a.sort').click()
    expect(page).to_have_url(re.compile(re.escape("sort=MajajHong2015.IT-pls")))
    page.wait_for_load_state()
    values = [v for v in cell_values(page, "MajajHong2015.IT-pls") if v is not None]
    assert len(values) == 100 and values == sorted(values, reverse=True)


def test_text_filter_and_source_filter(page: Page):
    page.goto("/?preset=paper-2019&source=all")
    page.fill('input[name="q"]', "densenet")
    page.click('#filters button[type="submit"]')
    expect(page).to_have_url(re.compile(re.escape("q=densenet")))
    page.wait_for_load_state()
    names = page.locator("#leaderboard tbody td.model").all_inner_texts()
    assert names and all("densenet" in name.lower() for name in names)
    page.select_option('select[name="source"]', "brainscore-leaderboard-2019")
    expect(page).to_have_url(re.compile(re.escape("source=brainscore-leaderboard-2019")))
    page.wait_for_load_state()
    origins = page.locator("#leaderboard tbody td .badge").evaluate_all(
        "(b) => b.map(x => x.title)"
    )
    assert origins and set(origins) == {"brainscore-leaderboard-2019"}


def test_collapse_a_parent_and_share_the_url(page: Page):
    page.goto("/?preset=leaderboard")
    child = page.locator('#leaderboard th[data-col="MajajHong2015.IT-pls"]')
    expect(child).to_be_visible()
    page.locator('button.toggle[data-toggle="IT"]').click()
    expect(child).to_be_hidden()
    expect(page.locator('#leaderboard th[data-col="IT"]')).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape("collapsed=IT")))
    page.reload()
    expect(child).to_be_hidden()
    page.locator('button.toggle[data-toggle="IT"]').click()
    expect(child).to_be_visible()


def test_switch_preset(page: Page, tmp_path: Path):
    page.goto("/")  # no primate data installed: the board opens on what it can compute
    expect(page.locator("a.preset.active")).to_have_text("offline")
    page.click('a.preset[data-preset="paper-2019"]')
    expect(page.locator("a.preset.active")).to_have_text("paper-2019")
    keep(page, "leaderboard-paper-2019", tmp_path)
    page.click('a.preset[data-preset="leaderboard"]')
    expect(page.locator("a.preset.active")).to_have_text("leaderboard")
    expect(page.locator("#leaderboard th.headline")).to_have_attribute("data-col", "average_vision")
    keep(page, "leaderboard", tmp_path)


def test_open_a_model_page(page: Page, tmp_path: Path):
    page.goto("/?q=CORnet-S&source=neurips2019-table")
    page.locator("#leaderboard td.model a", has_text="CORnet-S").first.click()
    expect(page).to_have_url(re.compile(r"/models/CORnet-S$"))
    expect(page.locator("h1")).to_contain_text("CORnet-S")
    expect(page.locator("#model-scores tbody tr")).to_have_count(6)
    expect(page.locator('[data-spec="spec-model"]')).to_have_attribute("data-rendered", "true")
    keep(page, "model", tmp_path)


def test_compare_two_models(page: Page, tmp_path: Path):
    page.goto("/compare")
    page.fill('input[name="models"]', "CORnet-S,AlexNet")
    page.click('#compare-form button[type="submit"]')
    headers = page.locator("#compare-table thead th").all_inner_texts()
    assert len(headers) == 3 and "CORnet-S" in headers[1] and "AlexNet" in headers[2]
    expect(page.locator('[data-spec="spec-compare"]')).to_have_attribute("data-rendered", "true")
    keep(page, "compare", tmp_path)


def test_download_the_csv_of_the_view(page: Page):
    page.goto("/?q=resnet&preset=leaderboard")
    with page.expect_download() as download:
        page.click("#export-csv")
    text = Path(download.value.path()).read_text()
    lines = text.splitlines()
    assert lines[0].startswith("rank,model,display_name,source,origin,average_vision")
    assert len(lines) > 5 and all("resnet" in line.split(",")[1].lower() for line in lines[1:])


def test_every_available_plot_draws(page: Page, tmp_path: Path):
    page.goto("/plots")
    charts = page.locator("div.vega")
    assert charts.count() == 4
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-rendered", "true")
    for name in ("brainscore-vs-imagenet", "generalization", "depth", "benchmark-vs-benchmark"):
        keep(page, f"plot-{name}", tmp_path, f"#plot-{name}")
    expect(page.locator("#plot-ost .absent")).to_contain_text("Kar2019")
    assert PRIVATE_MODEL not in page.content()


def test_the_model_name_stays_in_sight_when_the_board_scrolls(page: Page):
    page.goto("/?preset=leaderboard&source=all")
    wrap = page.locator(".table-wrap")
    sizes = wrap.evaluate("(w) => [w.scrollWidth, w.clientWidth, document.body.scrollWidth]")
    assert sizes[0] > sizes[1] + 500  # the table is wider than its container: it scrolls inside
    assert sizes[2] <= 1400  # and the page itself does not (viewport 1400 px)
    wrap.evaluate("(w) => { w.scrollLeft = w.scrollWidth; }")
    first = page.locator("#leaderboard tbody tr").first
    name = first.locator("td.model a")
    box = name.bounding_box()
    assert box is not None and 0 <= box["x"] < 600
    # what the reader sees at the name's place is the name, not a score cell scrolled over it
    seen = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('td').className",
        [box["x"] + 5, box["y"] + box["height"] / 2],
    )
    assert seen == "model"
    expect(first.locator("td.rank")).to_be_in_viewport()


def test_figure_1_fills_its_column(page: Page):
    page.goto("/plots")
    chart = page.locator("#plot-brainscore-vs-imagenet div.vega")
    expect(chart).to_have_attribute("data-rendered", "true")
    column = page.locator("main").evaluate("(m) => m.clientWidth")
    drawn = chart.locator("svg").first.evaluate("(svg) => svg.getBoundingClientRect().width")
    assert drawn > 900 and drawn >= 0.9 * (column - 48)  # main's padding: 2 × 1.5 rem
