"""The benchmark registry: ``@register_benchmark``, ``list_benchmarks``, ``load_benchmark``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from scoring.benchmarks.base import Benchmark, BenchmarkInfo, DataDirs
from scoring.registry import Registry

BENCHMARKS: Registry[BenchmarkInfo] = Registry("benchmark")
F = TypeVar("F", bound=Callable[..., Benchmark])


def register_benchmark(identifier: str, info: BenchmarkInfo) -> Callable[[F], F]:
    """Register a factory ``(info, data_dir, **params) -> Benchmark`` under ``identifier``."""
    if info.identifier != identifier:
        raise ValueError(f"info.identifier {info.identifier!r} differs from {identifier!r}")
    return BENCHMARKS.register(identifier, info)


def list_benchmarks(pattern: str = "*", include_synthetic: bool = True) -> list[str]:
    _import_all()
    names = BENCHMARKS.names(pattern)
    return [n for n in names if include_synthetic or not BENCHMARKS.metadata(n).synthetic]


def benchmark_info(identifier: str) -> BenchmarkInfo:
    _import_all()
    return BENCHMARKS.metadata(identifier)


def load_benchmark(identifier: str, data_dir: DataDirs | None = None, **params: Any) -> Benchmark:
    """The benchmark object; its data is checked when it is called (``DataNotInstalled``)."""
    _import_all()
    factory = BENCHMARKS.factory(identifier)
    benchmark = factory(BENCHMARKS.metadata(identifier), data_dir, **params)
    assert isinstance(benchmark, Benchmark)
    return benchmark


def _import_all() -> None:
    """Importing the package registers every benchmark module."""
    import scoring.benchmarks  # noqa: F401
