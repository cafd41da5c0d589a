"""Where test inputs live: the repo's examples and the shared corpus of real export files.

Import it as ``from paths import CORPUS, EXAMPLES`` (``tests/`` is on pytest's pythonpath);
importing ``conftest`` by name is ambiguous once several test folders have one.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def _find_corpus() -> Path:
    """The shared corpus of real export files: $EXCERPTA_CORPUS, else ``shared/corpus`` beside
    the checkout or above it (CI clones elsewhere but has /work/shared)."""
    override = os.environ.get("EXCERPTA_CORPUS")
    candidates = [Path(override)] if override else []
    candidates += [parent / "shared" / "corpus" for parent in REPO.parents]
    candidates.append(Path("/work/shared/corpus"))
    for candidate in candidates:
        if (candidate / "PROVENANCE.md").is_file():
            return candidate
    raise RuntimeError("shared corpus not found: set EXCERPTA_CORPUS to shared/corpus")


CORPUS = _find_corpus()
