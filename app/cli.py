"""Ventral command line (filled in by the service shell)."""


def main() -> None:
    raise SystemExit("not built yet")
