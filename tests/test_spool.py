"""Documents drained into a temporary file come back the same, in order, of the same class."""

from __future__ import annotations

from datetime import UTC, datetime

from excerpta.model import Document, Highlight, PlaceholderDocument
from excerpta.spool import spooled


def test_documents_come_back_equal_in_order_and_of_their_class():
    read: list[str] = []

    def documents():
        for document in (
            Document(id="d1", title="Walden", author="Thoreau", tags=["nature"], highlights=[
                Highlight(id="h1", text="Simplify, simplify.\n\ttab \u2028 😀", location=10,
                          highlighted_at=datetime(2024, 3, 2, 23, 30, tzinfo=UTC))]),
            PlaceholderDocument(id="d2", title="Readwise book 2", highlights=[Highlight(id="h2", text="x")]),
        ):
            read.append(document.id)
            yield document

    with spooled(documents()) as again:
        assert read == ["d1", "d2"]  # drained on entry, before anything is merged
        back = list(again)
    assert [type(d) for d in back] == [Document, PlaceholderDocument]
    assert back[0] == next(iter(documents()))
    assert back[0].highlights[0].highlighted_at == datetime(2024, 3, 2, 23, 30, tzinfo=UTC)
