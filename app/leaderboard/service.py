"""Leaderboard rows from the database: rank, model, aggregate and the benchmark tree's values.

One query loads every score; the tree is aggregated in memory by ``scoring.benchmarks.tree``
and the result cached per (preset, excluded benchmarks) until the scores version changes.
Visibility, source and metadata filters, ranking, sorting and paging run per request on the
cached values, so a private model is only ever seen by its owner and admins.

One row per model per view: a view without a source shows its preset's default sources (the
paper's table under paper-2019, the 2019 website under leaderboard, plus the models computed
here); a model another source also lists is marked with those rows' names (``same_model``).
"""

from __future__ import annotations

import bisect
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.catalog.visibility import Viewer, can_see, is_admin
from app.leaderboard import repository
from app.leaderboard.entries import ModelEntry, model_entry
from app.leaderboard.ready import covers
from app.leaderboard.single_flight import SingleFlight
from foundation import board_version
from foundation.board_version import BoardVersion
from foundation.db import create_db_engine
from foundation.models import ScoreStatus, Source
from scoring.benchmarks.presets import PRESETS, benchmark_tree, computable_default, get_preset
from scoring.benchmarks.tree import BenchmarkTree, NodeValue, Preset, aggregate

SortOrder = Literal["asc", "desc"]
MAX_LIMIT = 5000
MAX_OFFSET = 1_000_000_000


class UnknownPresetError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")


class UnknownColumnError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown column {name!r}")


@dataclass(frozen=True)
class Cell:
    """One stored score as the board shows it (``ScoreLike`` for the tree)."""

    raw: float | None
    ceiled: float | None
    error: float | None
    ceiling: float | None
    status: ScoreStatus
    source: Source = Source.computed
    decoder: str | None = None
    by_decoder: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    """Values against each decoder's targets (Kar2019), for presets that name one."""
    reason: str | None = None
    """Why a failed score failed (or that its data are not installed)."""


@dataclass(frozen=True)
class Column:
    identifier: str
    parent: str | None
    level: int
    is_leaf: bool


@dataclass(frozen=True)
class LeaderboardQuery:
    """Everything that selects a view of the board (all of it lives in the page's URL). An
    empty ``preset`` is the installation's default; empty ``sources`` the preset's."""

    preset: str = ""
    sources: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    text: str = ""
    family: str = ""
    training_data: str = ""
    min_depth: float | None = None
    max_depth: float | None = None
    min_parameters: float | None = None
    max_parameters: float | None = None
    sort: str = "rank"
    order: SortOrder = "asc"
    offset: int = 0
    limit: int = 100


@dataclass(slots=True)
class LeaderboardRow:
    rank: int | None
    model: ModelEntry
    aggregate: NodeValue
    values: Mapping[str, NodeValue]
    cells: Mapping[str, Cell]
    same_model: tuple[str, ...] = ()
    """Rows of other sources that list the same network (by normalized name)."""


@dataclass
class Leaderboard:
    preset: Preset
    columns: list[Column]
    rows: list[LeaderboardRow]
    total: int
    query: LeaderboardQuery
    families: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    payloads: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Cached API payload of each model's row (without its rank), per scores version."""
    rendered: dict[Any, bytes] = field(default_factory=dict)
    """Cached renderings of this board (API JSON, CSV, the page's board fragment), filled by
    the routes; nothing viewer- or session-specific goes in here."""
    tag: str = ""
    """Names this board's content (board version, query, visible models): the HTTP ETag."""


@dataclass
class _Snapshot:
    """Everything read at one board version (``foundation.board_version``), in one consistent
    read: every model's row and entry, every score, the default preset; filled lazily: the
    visible model ids per viewer, aggregated values and API payloads per (preset, excluded
    benchmarks), and built boards. Visibility is computed from these same rows, so a board
    never pairs one version's ids with another version's names."""

    version: BoardVersion
    built_at: float
    rows: dict[int, Any]
    entries: dict[int, ModelEntry]
    cells: dict[int, dict[str, Cell]]
    default_preset: str
    visible: dict[Any, tuple[int, ...]] = field(default_factory=dict)
    values: dict[tuple[str, tuple[str, ...]], dict[int, dict[str, NodeValue]]] = field(
        default_factory=dict
    )
    payloads: dict[tuple[str, tuple[str, ...]], dict[int, dict[str, Any]]] = field(
        default_factory=dict
    )
    boards: OrderedDict[tuple[Any, ...], Leaderboard] = field(default_factory=OrderedDict)
    listings: OrderedDict[ListingKey, _Listing] = field(default_factory=OrderedDict)


@dataclass
class _Listing:
    """Every row one (preset, excluded benchmarks, sources, visible set) lists, in rank order:
    scored rows best first, then the unscored by name; the first ``scored`` rows are ranked
    1, 2, ... Rows carry no rank (a board's page gets copies with theirs), so a listing can be
    carried to the next snapshot after score writes with only the changed models' rows moved
    (``_moved``): a write no longer re-ranks every model."""

    order: list[LeaderboardRow]
    keys: list[tuple[Any, ...]]
    """``_rank_key`` of each row of ``order`` (sorted)."""
    key_of: dict[int, tuple[Any, ...]]
    """Each listed model's rank key: where its row is found by bisection."""
    scored: int
    twins: dict[int, tuple[str, ...]]
    families: list[str]
    origins: list[str]

    def rank(self, row: LeaderboardRow) -> int | None:
        position = bisect.bisect_left(self.keys, self.key_of[row.model.id])
        return position + 1 if position < self.scored else None


_CACHE: OrderedDict[str, _Snapshot] = OrderedDict()
"""The newest snapshot of each database (its URL and random instance)."""
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 8
_BOARDS_PER_SNAPSHOT = 256
_LISTINGS_PER_SNAPSHOT = 64
_SNAPSHOTS: SingleFlight[_Snapshot] = SingleFlight(_CACHE_LOCK)
_BOARDS: SingleFlight[Leaderboard] = SingleFlight(_CACHE_LOCK)
FULL_REBUILD_AFTER_S = 3600.0
"""A snapshot older than this is rebuilt from scratch (the change log keeps a day)."""


def leaderboard(session: Session, viewer: Viewer, query: LeaderboardQuery) -> Leaderboard:
    """The ranked, filtered, sorted and paged board that ``viewer`` may see.

    Cached per board version, query and the exact set of model ids the viewer may see, so two
    viewers share a board only if they see the same models. The version is read on every
    request and bumped by the database on every write that can change the board, so nothing
    is ever served from before a committed change.
    """
    snapshot = current_snapshot(session)
    return board_of(snapshot, viewer, query)


def board_of(snapshot: _Snapshot, viewer: Viewer, query: LeaderboardQuery) -> Leaderboard:
    query = replace(query, preset=query.preset or snapshot.default_preset)
    preset = _preset(query.preset)
    exclude = tuple(sorted(set(query.exclude)))
    _check_known(exclude, columns(benchmark_tree(), preset))
    visible = _visible(snapshot, viewer)
    key = (replace(query, exclude=exclude), visible)

    def build() -> Leaderboard:
        board = _build(snapshot, preset, key[0], visible)
        board.tag = hashlib.sha256(repr((snapshot.version, key)).encode()).hexdigest()[:32]
        with _CACHE_LOCK:
            snapshot.boards[key] = board
            while len(snapshot.boards) > _BOARDS_PER_SNAPSHOT:
                snapshot.boards.popitem(last=False)
        return board

    return _BOARDS.run((id(snapshot), key), lambda: snapshot.boards.get(key), build)


def _viewer_key(viewer: Viewer) -> Any:
    if viewer is None:
        return None
    return "admin" if is_admin(viewer) else ("user", viewer.id)


def _visible(snapshot: _Snapshot, viewer: Viewer) -> tuple[int, ...]:
    """``can_see`` on the snapshot's own rows (never a fresher query that an id reused since
    could fool)."""
    key = _viewer_key(viewer)
    found = snapshot.visible.get(key)
    if found is None:
        found = tuple(i for i, row in snapshot.rows.items() if can_see(row, viewer))
        snapshot.visible[key] = found
    return found


def _build(
    snapshot: _Snapshot, preset: Preset, query: LeaderboardQuery, visible: tuple[int, ...]
) -> Leaderboard:
    tree = benchmark_tree()
    sources = query.sources or preset.default_sources
    listing = _listing(snapshot, preset, (preset.name, query.exclude, sources, visible))
    if _filtered(query):
        shown = [row for row in listing.order if _matches(row.model, query)]
    else:
        shown = listing.order
    shown = _sorted(shown, query, preset, tree, listing.rank)
    page = shown[query.offset : query.offset + query.limit]
    return Leaderboard(
        preset=preset,
        columns=columns(tree, preset, query.exclude),
        rows=[replace(row, rank=listing.rank(row)) for row in page],
        total=len(shown),
        query=query,
        payloads=snapshot.payloads.setdefault((preset.name, query.exclude), {}),
        families=listing.families,
        origins=listing.origins,
    )


ListingKey = tuple[str, tuple[str, ...], tuple[str, ...], tuple[int, ...]]
"""(preset name, excluded benchmarks, sources, visible model ids)."""


def _listing(snapshot: _Snapshot, preset: Preset, key: ListingKey) -> _Listing:
    with _CACHE_LOCK:
        found = snapshot.listings.get(key)
    if found is None:
        found = _full_listing(snapshot, preset, key)
        with _CACHE_LOCK:
            _remember_listing(snapshot, key, found)
    return found


def _remember_listing(snapshot: _Snapshot, key: ListingKey, listing: _Listing) -> None:
    snapshot.listings[key] = listing
    snapshot.listings.move_to_end(key)
    while len(snapshot.listings) > _LISTINGS_PER_SNAPSHOT:
        snapshot.listings.popitem(last=False)


def _full_listing(snapshot: _Snapshot, preset: Preset, key: ListingKey) -> _Listing:
    _, exclude, sources, visible = key
    models = [snapshot.entries[i] for i in visible if i in snapshot.entries]
    twins = _same_models(models)
    rows = _rows(snapshot, preset, exclude, sources, models, twins)
    ordered = sorted(zip(map(_rank_key, rows), rows, strict=True), key=lambda pair: pair[0])
    keys = [key for key, _ in ordered]
    return _Listing(
        order=[row for _, row in ordered],
        keys=keys,
        key_of={key[-1]: key for key in keys},
        scored=sum(row.aggregate.value is not None for row in rows),
        twins=twins,
        families=sorted({m.family for m in models if m.family}),
        origins=sorted({m.origin for m in models}),
    )


def _rows(
    snapshot: _Snapshot,
    preset: Preset,
    exclude: tuple[str, ...],
    sources: tuple[str, ...],
    models: list[ModelEntry],
    twins: dict[int, tuple[str, ...]],
) -> list[LeaderboardRow]:
    """The rows of ``models`` that the listing shows (source and listing rules), unranked."""
    values = _values(snapshot, preset, benchmark_tree(), exclude, models)
    return [
        LeaderboardRow(
            None,
            model,
            values[model.id][preset.headline],
            values[model.id],
            snapshot.cells.get(model.id, {}),
            twins.get(model.id, ()),
        )
        for model in models
        if _source_matches(model, sources) and _listed(model, snapshot.cells.get(model.id, {}))
    ]


def _rank_key(row: LeaderboardRow) -> tuple[Any, ...]:
    """Best headline aggregate first (ties by name, then id); rows without one last, by name."""
    value = row.aggregate.value
    if value is None:
        return (1, 0.0, row.model.name.lower(), row.model.id)
    return (0, -value, row.model.name, row.model.id)


def _moved(
    listing: _Listing, snapshot: _Snapshot, listing_key: ListingKey, changed: set[int]
) -> _Listing:
    """``listing`` (of the previous snapshot) with the rows of the ``changed`` models taken
    out and put back where their new scores rank them; the listing's models, names and
    visibility are the same (score-only writes), so every other row stays as it was."""
    preset_name, exclude, sources, visible = listing_key
    keys, order, key_of = list(listing.keys), list(listing.order), dict(listing.key_of)
    for model_id in changed & key_of.keys():
        position = bisect.bisect_left(keys, key_of.pop(model_id))
        del keys[position], order[position]
    shown = changed & set(visible)
    models = [snapshot.entries[i] for i in sorted(shown) if i in snapshot.entries]
    for row in _rows(snapshot, _preset(preset_name), exclude, sources, models, listing.twins):
        key = key_of[row.model.id] = _rank_key(row)
        position = bisect.bisect_left(keys, key)
        keys.insert(position, key)
        order.insert(position, row)
    scored = bisect.bisect_left(keys, (1,))
    return replace(listing, order=order, keys=keys, key_of=key_of, scored=scored)


def _same_models(models: list[ModelEntry]) -> dict[int, tuple[str, ...]]:
    """Per model listed by another source too, the names of those sources' rows."""
    by_identity: dict[str, list[ModelEntry]] = {}
    for model in models:
        by_identity.setdefault(model.identity, []).append(model)
    return {
        model.id: names
        for group in by_identity.values()
        if len(group) > 1
        for model in group
        if (names := tuple(twin.name for twin in group if twin.origin != model.origin))
    }


def default_preset(session: Session) -> str:
    """The preset the board opens on: the first of the preference list this installation can
    compute (``scoring.benchmarks.presets.DEFAULT_PRESET_PREFERENCE``)."""
    installed = set(repository.installed_benchmarks(session))
    return computable_default(lambda identifier: identifier in installed)


def columns(tree: BenchmarkTree, preset: Preset, exclude: Iterable[str] = ()) -> list[Column]:
    """The preset's nodes in reading order: each parent before its children."""
    skipped = set(exclude)
    seen: dict[str, Column] = {}

    def visit(node: str, parent: str | None, level: int) -> None:
        if node in skipped or node in seen:
            return
        seen[node] = Column(node, parent, level, tree.is_leaf(node))
        for child in tree.children.get(node, ()):
            visit(child, node, level + 1)

    for root in [*preset.roots, *preset.also_shown]:
        visit(root, None, 0)
    return list(seen.values())


def leaf_identifiers(board: Leaderboard) -> list[str]:
    return [column.identifier for column in board.columns if column.is_leaf]


def _preset(name: str) -> Preset:
    try:
        return get_preset(name)
    except KeyError:
        raise UnknownPresetError(name) from None


def current_snapshot(session: Session) -> _Snapshot:
    """The snapshot at (at least) the board version this session reads now: one caller
    refreshes it, the others wait; a refresh after score writes only reloads the models whose
    scores changed (``foundation.board_version``)."""
    engine = session.get_bind().engine
    wanted = board_version.read(session)
    database = f"{engine.url}#{wanted.instance}"

    def lookup() -> _Snapshot | None:
        found = _CACHE.get(database)
        if found is None or not covers(found.version, wanted):
            return None
        _CACHE.move_to_end(database)
        return found

    def build() -> _Snapshot:
        with _CACHE_LOCK:
            previous = _CACHE.get(database)
        fresh = _refresh(engine, previous)
        with _CACHE_LOCK:
            current = _CACHE.get(database)
            if current is None or covers(fresh.version, current.version):
                _CACHE[database] = fresh
                _CACHE.move_to_end(database)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return fresh

    return _SNAPSHOTS.run(database, lookup, build)


_READERS: dict[str, Engine] = {}
_VERSION_READERS: dict[URL, Engine] = {}


def current_version(session: Session) -> BoardVersion:
    """The board version committed now, in one round trip on PostgreSQL: a pool of its own in
    autocommit without the checkout ping (a ping, BEGIN and COMMIT would triple the cost of a
    request that then serves ready bytes); a connection found dead is retried once."""
    engine = session.get_bind().engine
    if engine.dialect.name != "postgresql":
        return board_version.read(session)
    reader = _version_reader(engine)
    for attempt in (1, 2):
        try:
            with reader.connect() as connection:
                return board_version.read(connection)
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def _version_reader(engine: Engine) -> Engine:
    reader = _VERSION_READERS.get(engine.url)
    if reader is None:
        with _CACHE_LOCK:
            reader = _VERSION_READERS.get(engine.url)
            if reader is None:
                reader = _VERSION_READERS[engine.url] = sa.create_engine(
                    engine.url, isolation_level="AUTOCOMMIT", pool_size=5, max_overflow=5
                )
    return reader


def _reader(engine: Engine) -> Engine:
    """A pool of its own for snapshot reads: the requests waiting for a refresh hold
    connections of the main pool, and the refresh must not wait for one of them."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return engine  # a private in-memory database: no other connection would see it
    url = engine.url.render_as_string(hide_password=False)
    with _CACHE_LOCK:
        reader = _READERS.get(url)
        if reader is None:
            reader = _READERS[url] = create_db_engine(url, pool_size=2)
        return reader


@contextmanager
def _consistent_read(engine: Engine) -> Iterator[Session]:
    """A session whose every statement sees the same committed state."""
    engine = _reader(engine)
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:  # SQLite: a deferred transaction holds one read snapshot (WAL) until its end
            session.connection().exec_driver_sql("BEGIN")
        try:
            yield session
        finally:
            session.rollback()


def _refresh(engine: Engine, previous: _Snapshot | None) -> _Snapshot:
    with _consistent_read(engine) as session:
        version = board_version.read(session)
        if (
            previous is not None
            and previous.version.instance == version.instance
            and previous.version.version == version.version
            and time.monotonic() - previous.built_at < FULL_REBUILD_AFTER_S
        ):
            changed = board_version.changed_models(session, previous.version.scores_version)
            if len(changed) <= max(100, len(previous.entries) // 4):
                return _with_new_scores(previous, version, changed, session)
        rows = {row.id: row for row in repository.all_models(session)}
        return _Snapshot(
            version,
            time.monotonic(),
            rows,
            {model_id: model_entry(row) for model_id, row in rows.items()},
            _load_cells(repository.all_scores(session)),
            default_preset(session),
        )


def _with_new_scores(
    previous: _Snapshot, version: BoardVersion, changed: set[int], session: Session
) -> _Snapshot:
    """``previous`` with the scores of ``changed`` models reloaded; the listing (models,
    visibility, benchmarks) is the same version, so rows, entries and visible sets carry over."""
    cells = _without(previous.cells, changed)
    cells.update(_load_cells(repository.scores_of(session, sorted(changed))))

    def kept(cache: dict[Any, dict[int, Any]]) -> dict[Any, dict[int, Any]]:
        return {key: _without(per_model, changed) for key, per_model in cache.items()}

    fresh = _Snapshot(
        version,
        previous.built_at,
        previous.rows,
        previous.entries,
        cells,
        previous.default_preset,
        dict(previous.visible),
        kept(previous.values),
        kept(previous.payloads),
    )
    with _CACHE_LOCK:
        listings = list(previous.listings.items())
    for key, listing in listings:
        fresh.listings[key] = _moved(listing, fresh, key, changed)
    return fresh


def _without(per_model: dict[int, Any], changed: set[int]) -> dict[int, Any]:
    kept = dict(per_model)  # a copy at C speed, then the few changed models out
    for model_id in changed:
        kept.pop(model_id, None)
    return kept


def _load_cells(rows: Iterable[Any]) -> dict[int, dict[str, Cell]]:
    cells: dict[int, dict[str, Cell]] = {}
    for row in rows:
        by_decoder = row.by_decoder if isinstance(row.by_decoder, dict) else {}
        cell = Cell(
            row.raw, row.ceiled, row.error, row.ceiling, row.status, row.source, row.decoder,
            by_decoder, row.reason,
        )  # fmt: skip
        cells.setdefault(row.model_id, {})[row.identifier] = cell
    return cells


def _check_known(identifiers: Iterable[str], known: list[Column]) -> None:
    names = {column.identifier for column in known}
    for identifier in identifiers:
        if identifier not in names:
            raise UnknownColumnError(identifier)


def _values(
    snapshot: _Snapshot,
    preset: Preset,
    tree: BenchmarkTree,
    exclude: tuple[str, ...],
    models: list[ModelEntry],
) -> dict[int, dict[str, NodeValue]]:
    """Aggregated node values per model id, computed once per scores version."""
    cached = snapshot.values.setdefault((preset.name, exclude), {})
    for model in models:
        if model.id not in cached:
            cached[model.id] = aggregate_model(
                snapshot.cells.get(model.id, {}), model, preset, tree, exclude
            )
    return cached


def aggregate_model(
    cells: Mapping[str, Cell],
    model: ModelEntry,
    preset: Preset,
    tree: BenchmarkTree,
    exclude: Iterable[str] = (),
) -> dict[str, NodeValue]:
    """Only finished scores count; a failed or pending one is missing, never zero. The paper's
    OST = 0 rule applies to a feed-forward model that has some other score under the headline:
    a model scored only elsewhere gets no composite made of the imputed zero alone."""
    finished = {
        k: chosen
        for k, c in cells.items()
        if c.status == ScoreStatus.succeeded
        and (chosen := with_decoder(c, preset.decoders.get(k))) is not None
    }
    measured = any(
        leaf in finished
        for leaf in tree.leaves(preset.headline)
        if leaf not in preset.zero_for_static
    )
    static = not model.recurrent and measured
    return aggregate(tree, finished, preset, exclude, static_model=static)


def _listed(model: ModelEntry, cells: Mapping[str, Cell]) -> bool:
    """A computed model without weights has nothing to score: it is not listed as if its scores
    were on their way (a score it already has keeps it listed)."""
    return model.has_weights or any(c.status == ScoreStatus.succeeded for c in cells.values())


def with_decoder(cell: Cell, decoder: str | None) -> Cell | None:
    """The cell's values against ``decoder``'s targets; ``None`` for a score computed here
    against another decoder only. Published values are the source's own (the paper's table is
    logistic-decoded)."""
    if decoder is None or cell.source is Source.published:
        return cell
    values = cell.by_decoder.get(decoder)
    if values is not None:
        return replace(
            cell, raw=values.get("raw"), ceiled=values.get("ceiled"), error=values.get("error")
        )
    return cell if cell.decoder in (decoder, None) and not cell.by_decoder else None


def _source_matches(model: ModelEntry, sources: tuple[str, ...]) -> bool:
    """``sources`` holds ``computed``, ``published`` or a published source's key; empty = all."""
    if not sources or "all" in sources:
        return True
    return model.source in sources or model.origin in sources


def _matches(model: ModelEntry, query: LeaderboardQuery) -> bool:
    text = query.text.strip().lower()
    if text and text not in f"{model.name} {model.display_name} {model.family or ''}".lower():
        return False
    if query.family and model.family != query.family:
        return False
    if (
        query.training_data
        and query.training_data.lower() not in (model.training_data or "").lower()
    ):
        return False
    return _within(model.depth, query.min_depth, query.max_depth) and _within(
        model.parameters, query.min_parameters, query.max_parameters
    )


def _within(value: float | None, low: float | None, high: float | None) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _filtered(query: LeaderboardQuery) -> bool:
    return bool(
        query.text.strip()
        or query.family
        or query.training_data
        or any(
            bound is not None
            for bound in (
                query.min_depth,
                query.max_depth,
                query.min_parameters,
                query.max_parameters,
            )
        )
    )


def _sorted(
    rows: list[LeaderboardRow],
    query: LeaderboardQuery,
    preset: Preset,
    tree: BenchmarkTree,
    rank: Callable[[LeaderboardRow], int | None],
) -> list[LeaderboardRow]:
    """``rows`` come in rank order."""
    if query.sort == "rank":
        return rows if query.order == "asc" else _reverse_present(rows, rank)
    if query.sort == "model":
        return sorted(rows, key=_name_key, reverse=query.order == "desc")
    if query.sort not in {c.identifier for c in columns(tree, preset, query.exclude)}:
        raise UnknownColumnError(query.sort)
    key = lambda row: row.values[query.sort].value  # noqa: E731
    present = sorted(
        (r for r in rows if key(r) is not None),
        key=lambda r: key(r) or 0.0,
        reverse=query.order == "desc",
    )
    return [*present, *(r for r in rows if key(r) is None)]


def _reverse_present(rows: list[LeaderboardRow], key: Any) -> list[LeaderboardRow]:
    """Descending order on ``key``, rows without a value staying last."""
    present = [row for row in rows if key(row) is not None]
    return [*reversed(present), *(row for row in rows if key(row) is None)]


def _name_key(row: LeaderboardRow) -> str:
    return row.model.name.lower()


def source_choices() -> list[str]:
    return ["all", Source.computed.value, Source.published.value]
