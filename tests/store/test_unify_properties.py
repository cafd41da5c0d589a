"""Property: one library of books read from Kindle clippings and from Readwise, in any order and
any number of times, holds each book once and each passage once, and a read again changes
nothing."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excerpta.adapters import ReadState
from excerpta.readers.kindle.clippings import KindleClippingsOptions, KindleClippingsReader
from excerpta.readers.readwise_json import ReadwiseJsonReader
from excerpta.store import MergeRules, SQLiteStore

TITLES = ["Walden", "Emma", "On Writing: A Memoir", "Dune"]
AUTHORS = {"Walden": ("Thoreau, Henry David", "Henry David Thoreau"),
           "Emma": ("Jane Austen", "Jane Austen"),
           "On Writing: A Memoir": ("King, Stephen", "Stephen King"),
           "Dune": ("Frank Herbert", "Frank Herbert")}
WORDS = ["river", "light", "stone", "quiet", "morning", "letter", "garden", "winter"]

passages = st.lists(st.sampled_from(WORDS), min_size=2, max_size=5).map(
    lambda words: " ".join(words).capitalize() + ".")
# title, location, text, on the device, in Readwise, extended in Readwise (its text longer)
entries = st.tuples(st.sampled_from(TITLES), st.integers(min_value=1, max_value=60).map(lambda n: n * 100),
                    passages, st.booleans(), st.booleans(), st.booleans())


def _readwise_text(row: tuple) -> str:
    return row[2][:-1] + " and more." if row[5] else row[2]
orders = st.lists(st.sampled_from(["kindle", "readwise"]), min_size=1, max_size=4)


def _clippings(folder: Path, rows: list[tuple]) -> Path:
    path = folder / "My Clippings.txt"
    path.write_text("".join(
        f"{title} ({AUTHORS[title][0]})\n- Your Highlight on Location {at}-{at + 2} | Added on Monday, "
        f"January 1, 2024 10:00:00 AM\n\n{text}\n==========\n" for title, at, text, *_ in rows),
        encoding="utf-8")
    return path


def _readwise(folder: Path, rows: list[tuple]) -> Path:
    books = {}
    for number, (title, at, *_) in enumerate(rows):
        text = _readwise_text(rows[number])
        book = books.setdefault(title, {"user_book_id": 100 + TITLES.index(title), "title": title,
                                        "author": AUTHORS[title][1], "category": "books", "highlights": []})
        book["highlights"].append({"id": 1000 + number, "text": text, "location": at,
                                   "location_type": "location", "highlighted_at": "2024-01-01T10:00:00Z",
                                   "updated_at": "2024-02-01T00:00:00Z"})
    path = folder / "export.json"
    page = {"count": len(books), "nextPageCursor": None, "results": list(books.values())}
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entries, min_size=1, max_size=8, unique_by=lambda e: (e[0], e[1])), orders)
def test_each_book_and_each_passage_once_in_any_order(rows, order):
    kindle_rows = [row for row in rows if row[3] or not row[4]]
    readwise_rows = [row for row in rows if row[4]]
    with tempfile.TemporaryDirectory() as folder:
        sources = {"kindle": (KindleClippingsReader(KindleClippingsOptions(timezone="UTC")),
                              _clippings(Path(folder), kindle_rows)),
                   "readwise": (ReadwiseJsonReader(), _readwise(Path(folder), readwise_rows))}
        store = SQLiteStore(":memory:")

        def merge(name: str):
            reader, path = sources[name]
            state = ReadState()
            return store.merge(reader.read(str(path), state), MergeRules(
                keep=reader.unknown_when_empty, keep_document=reader.document_unknown_when_empty,
                left_out=state.left_out, resaves=reader.resaves, unify=True))

        present = [name for name, given in (("kindle", kindle_rows), ("readwise", readwise_rows)) if given]
        for name in [*order, *present]:
            if name in present:
                merge(name)
        documents = list(store.documents())
        assert sorted(d.title for d in documents) == sorted({row[0] for row in rows})
        for document in documents:
            held = [(h.location, h.text) for h in document.highlights]
            # Readwise's copy is the later (updated_at): its text wins where both have one.
            expected = {(row[1], _readwise_text(row) if row[4] else row[2]) for row in rows
                        if row[0] == document.title}
            assert sorted(held) == sorted(expected), (order, rows)
        for name in present:  # read again: nothing changes
            stats = merge(name)
            assert (stats.documents_added, stats.highlights_added, stats.highlights_updated) == (0, 0, 0)
        store.close()
