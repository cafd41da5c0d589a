"""Benchmark: one book from two sources (``excerpta.store.unify``) in a state database.

Generates (deterministically) books of Kindle clippings and their Readwise copies as canonical
documents, merges the clippings into an in-memory library, then times the merge of the
Readwise copies (the first match: no alias known yet) and of the same copies again (matched
by alias). Cases:

* ``same title``: one book of ``--highlights`` highlights on each side, the same title;
* ``main title``: the same, Readwise showing the main title only (``Book 0`` for ``Book 0: A
  Subtitle``): the title index's related lookup and the shared-passage evidence run too;
* ``library``: ``--library`` highlights in books of 100, every book pulled from Readwise under
  its title, then (another library) under its main title.

Usage::

    PYTHONPATH=src python benchmarks/unify_match.py [--highlights 8000] [--library 100000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime

from excerpta.identity import document_id, highlight_id
from excerpta.model import Document, Highlight
from excerpta.store import MergeRules, SQLiteStore

WORDS = ["river", "light", "stone", "quiet", "morning", "letter", "garden", "winter", "field", "window",
         "harbour", "silence", "thunder", "meadow", "lantern", "orchard", "valley", "candle"]
WHEN = datetime(2024, 1, 1, tzinfo=UTC)


def _passage(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + "."


def books(count: int, per_book: int, seed: int = 1) -> tuple[list[Document], list[Document]]:
    """(Kindle documents, their Readwise copies under the main title) of ``count`` books."""
    rng = random.Random(seed)
    kindle, readwise = [], []
    for number in range(count):
        title, author = f"Book {number}: A Subtitle", "Ann Author"
        texts = [_passage(rng) for _ in range(per_book)]
        doc_id = document_id(title, author)
        kindle.append(Document(id=doc_id, title=title, author=author, highlights=[
            Highlight(id=highlight_id(doc_id, text, at * 10), text=text, location=at * 10,
                      end_location=at * 10 + 2, location_type="location", highlighted_at=WHEN)
            for at, text in enumerate(texts)]))
        readwise.append(Document(id=f"readwise-{number}", title=f"Book {number}", author=author, highlights=[
            Highlight(id=f"readwise-{number}-{at}", text=text, location=at * 10, location_type="location",
                      highlighted_at=WHEN, updated_at=WHEN) for at, text in enumerate(texts)]))
    return kindle, readwise


def timed(store: SQLiteStore, documents: list[Document]) -> float:
    start = time.perf_counter()
    store.merge(iter(documents), MergeRules(unify=True))
    return time.perf_counter() - start


def run(name: str, kindle: list[Document], readwise: list[Document], same_title: bool) -> None:
    if same_title:
        readwise = [d.model_copy(update={"title": k.title}) for d, k in zip(readwise, kindle, strict=True)]
    store = SQLiteStore(":memory:")
    timed(store, kindle)
    first, again = timed(store, readwise), timed(store, readwise)
    documents = store.counts()["documents"]
    store.close()
    print(f"{name}: {sum(len(d.highlights) for d in readwise):,} highlights in {len(readwise):,} books: "
          f"first match {first:.2f} s, again {again:.2f} s; library {documents:,} documents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--highlights", type=int, default=8000)
    parser.add_argument("--library", type=int, default=100_000)
    options = parser.parse_args()
    kindle, readwise = books(1, options.highlights)
    run("same title", kindle, readwise, same_title=True)
    run("main title", kindle, readwise, same_title=False)
    kindle, readwise = books(options.library // 100, 100, seed=2)
    run("library, same title", kindle, readwise, same_title=True)
    run("library, main title", kindle, readwise, same_title=False)


if __name__ == "__main__":
    main()
