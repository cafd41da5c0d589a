"""Fixtures shared by the writers' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from anki.collection import Collection


@pytest.fixture
def collection(tmp_path) -> Iterator[Collection]:
    """A fresh, empty Anki collection (Anki does not create the parent folder itself)."""
    folder = tmp_path / "anki-profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()
