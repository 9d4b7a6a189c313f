"""A small timm-style registry: decorate factories with ``@registry.register(name)``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from typing import Generic, TypeVar

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., object])


class UnknownEntryError(KeyError):
    """Raised for a name that no factory was registered under."""

    def __str__(self) -> str:
        return str(self.args[0])


class Registry(Generic[T]):
    """Maps names to factories plus per-entry metadata of type ``T``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., object]] = {}
        self._metadata: dict[str, T] = {}

    def register(self, name: str, metadata: T) -> Callable[[F], F]:
        def decorate(factory: F) -> F:
            if name in self._factories:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._factories[name] = factory
            self._metadata[name] = metadata
            return factory

        return decorate

    def names(self, pattern: str = "*") -> list[str]:
        return sorted(name for name in self._factories if fnmatch(name, pattern))

    def factory(self, name: str) -> Callable[..., object]:
        try:
            return self._factories[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise UnknownEntryError(f"unknown {self.kind} {name!r}; known: {known}") from None

    def metadata(self, name: str) -> T:
        self.factory(name)
        return self._metadata[name]

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._factories)
