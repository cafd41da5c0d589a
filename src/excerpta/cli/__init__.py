"""The command line: a thin layer of click commands over :mod:`excerpta.pipeline`.

``app`` holds the group, the global options and the one error boundary; each command family
has its own module that registers itself on the group.
"""

from __future__ import annotations

from excerpta.cli import config_check, convert, daemon, info, ingest, jobs, readwise  # noqa: F401 - registers commands
from excerpta.cli.app import cli, main

__all__ = ["cli", "main"]
