"""Saved Readwise ``/export/`` pages of one book for the store tests: Dune by Frank Herbert."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_HIGHLIGHT = {"is_deleted": False, "location": 100, "location_type": "location", "note": "",
              "highlighted_at": "2023-01-02T10:00:00Z", "book_id": 42, "tags": []}


def dune_export(path: Path, *highlights: dict[str, Any]) -> Path:
    """``path``, now holding a saved ``/export/`` page of Dune (Frank Herbert, user_book_id 42)
    with ``highlights``: each a live highlight at Kindle location 100 with no note nor tags,
    highlighted 2023-01-02 10:00 UTC, but for the fields it gives."""
    path.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [{
        "user_book_id": 42, "is_deleted": False, "title": "Dune", "author": "Frank Herbert",
        "readable_title": "Dune", "source": "kindle", "category": "books", "book_tags": [],
        "highlights": [{**_HIGHLIGHT, **highlight} for highlight in highlights]}]}), encoding="utf-8")
    return path
