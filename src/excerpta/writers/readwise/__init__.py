"""The ``readwise`` writer: highlights sent to a Readwise account through its API.

Modules: :mod:`.payload` (a highlight as Readwise's CREATE fields, within its limits),
:mod:`.memo` (what a document's record remembers of what was sent) and :mod:`.writer` (the
adapter: what changed since the last run, what came from Readwise, batches, refusals).
"""

from __future__ import annotations

from excerpta.writers.readwise.writer import ReadwiseWriter

__all__ = ["ReadwiseWriter"]
