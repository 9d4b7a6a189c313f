"""Types of the data fixtures (tests/conftest.py): a source or build name -> its folder."""

from collections.abc import Callable
from pathlib import Path

DataSource = Callable[[str], Path]
BuiltData = Callable[[str], Path]
