"""Job hooks are installed by a call at start, not by importing the module that defines them."""

import subprocess
import sys

CHECK = """
import foundation.runs.service, app.main, worker.runtime, cli.main
from foundation.jobs.hooks import registered_hooks
from foundation.startup import install_job_hooks
before = len(registered_hooks("score"))
install_job_hooks()
install_job_hooks()
print(before, len(registered_hooks("score")))
"""


def test_importing_registers_nothing_and_installing_twice_registers_once() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1"]
