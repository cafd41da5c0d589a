"""The ``readwise`` writer: highlights sent to a Readwise account through its API.

Modules: :mod:`.payload` (a highlight as Readwise's CREATE fields, within its limits) and
:mod:`.writer` (the adapter: what changed since the last run, batches, refusals).
"""

from __future__ import annotations

from excerpta.writers.readwise.writer import ReadwiseWriter

__all__ = ["ReadwiseWriter"]
