"""The ``obsidian`` writer: Readwise-compatible notes that never destroy what the user wrote.

Modules: :mod:`.writer` (the adapter, what happens to each document), :mod:`.run` (one run
of it, carrying out what :mod:`.note_plans` decides for each note), :mod:`.options`,
:mod:`.note` (new, merged and adopted notes), :mod:`.render` and :mod:`.templates` (Jinja2,
sandboxed, with the Readwise plugin's variables from :mod:`.variables` and date codes from
:mod:`.dates`), :mod:`.frontmatter` (YAML properties), :mod:`.region` (managed regions and
re-sync policies), :mod:`.adoption` (Readwise-plugin notes), :mod:`.vault` (finding notes by
id), :mod:`.naming` (portable file names, block ids), :mod:`.atomic` (a note per highlight).
Every value the Markdown templates write is made inert by :mod:`excerpta.markdown_safety`.
"""

from __future__ import annotations

from excerpta.writers.obsidian.options import ObsidianOptions
from excerpta.writers.obsidian.writer import ObsidianWriter

__all__ = ["ObsidianOptions", "ObsidianWriter"]
