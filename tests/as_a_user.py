"""Running the CLI as a user, for tests of files it may not read: root reads a file at mode 000
all the same (CAP_DAC_OVERRIDE), so as root (CI) the CLI runs in a process ``setpriv`` has taken
those capabilities from; only where that cannot be done is such a test skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from excerpta.cli import cli

# What lets root read and list whatever the mode says (and change any file's mode).
AS_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


@dataclass(frozen=True)
class Ran:
    """What a run printed (standard output and error, as one) and its exit code."""

    output: str
    exit_code: int


def as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def cli_as_a_user() -> Callable[..., Ran]:
    """``run(*args)``: the CLI in-process, but for root, in a process without the capabilities
    that read what a file's mode forbids."""

    def run(*args: str | Path) -> Ran:
        if not as_root():
            result = CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)
            return Ran(result.output, result.exit_code)
        done = subprocess.run([*AS_A_USER, sys.executable, "-m", "excerpta", *map(str, args)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        return Ran(done.stdout, done.returncode)

    return run


def unreadable_to_the_cli(path: Path) -> bool:
    """Whether the CLI, as :func:`cli_as_a_user` runs it, is refused reading ``path``."""
    if not as_root():
        return not os.access(path, os.R_OK)
    if shutil.which("setpriv") is None:
        return False
    probe = [*AS_A_USER, "test", "-r", str(path)]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 1
