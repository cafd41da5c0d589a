"""A run's private work folder: where a writer makes what it then writes to its place (an Anki
deck's collection, zipped into the deck), removed after.

It is beside the output's lock (:mod:`excerpta.locks`), in excerpta's state folder, not in the
shared temporary folder: the files hold the user's highlights, and a run killed outright
(``kill -9``) cannot remove them; the next run into the output, which holds the lock too, does
first.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_folder(staging: Path | None) -> Iterator[Path]:
    """A private folder for a run's work files, removed after: beside the output's lock
    (``staging``, its :func:`~excerpta.locks.staging_list`; see the module docstring).
    ``staging`` None (a dry run, which takes no lock): a temporary folder."""
    if staging is None:
        with tempfile.TemporaryDirectory(prefix="excerpta-") as made:
            yield Path(made)
        return
    folder = staging.with_suffix(".scratch")
    shutil.rmtree(folder, ignore_errors=True)  # a killed run's
    folder.mkdir(mode=0o700, parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
