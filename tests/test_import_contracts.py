"""The import-linter contracts of pyproject.toml: this tree keeps them, and a wrong arrow breaks
them (checked on a copy of the packages with one bad import added)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "app", "worker", "foundation", "scoring")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def copy_of_the_packages(target: Path) -> Path:
    """The Python files of every package and the pyproject.toml that holds the contracts."""
    for package in PACKAGES:
        shutil.copytree(
            REPO_ROOT / package,
            target / package,
            ignore=lambda folder, names: [
                name for name in names
                if not name.endswith(".py") and not (Path(folder) / name).is_dir()
            ],
        )  # fmt: skip
    shutil.copy(REPO_ROOT / "pyproject.toml", target)
    return target


def test_this_tree_keeps_every_contract() -> None:
    result = lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("foundation/wrong.py", "import app.main", "The foundation imports no web"),
        ("foundation/wrong.py", "import worker.tasks", "Layers:"),
        ("app/wrong.py", "import worker.handlers", "The web never imports the worker"),
        ("worker/wrong.py", "import app.core.db", "The worker never imports the web"),
        ("scoring/wrong.py", "import sqlalchemy", "The science library imports no web"),
        ("scoring/wrong.py", "import foundation.config", "Layers:"),
    ],
)
def test_a_wrong_arrow_breaks_a_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    root = copy_of_the_packages(tmp_path)
    (root / module).write_text(f"{line}  # a wrong arrow, on purpose\n")
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout + result.stderr
    broken_lines = [text for text in result.stdout.splitlines() if text.endswith("BROKEN")]
    assert any(text.startswith(broken) for text in broken_lines), result.stdout
