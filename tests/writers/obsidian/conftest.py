"""Fixtures of the obsidian writer tests: a temporary vault, a state store, a sync runner and
small canonical documents built by code."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.output import OutputSink
from excerpta.store import SQLiteStore, open_store
from excerpta.writers.obsidian import ObsidianWriter


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    path.mkdir()
    return path


SyncRunner = Callable[..., OutputSink]


@pytest.fixture
def sync(vault: Path, state: SQLiteStore) -> SyncRunner:
    """``sync(documents, **options)``: one writer run into ``vault``, manifest committed."""

    def run(documents: list[Document], *, dry_run: bool = False, job: str = "test",
            **options: Any) -> OutputSink:
        writer = ObsidianWriter.from_options(options)
        with OutputSink(vault, job, "obsidian", manifest=state, dry_run=dry_run) as sink:  # as convert does
            writer.write(documents, sink)
        if not dry_run:
            state.commit_outputs(sink.pending_records())
        return sink

    return run


def sync_once(vault: Path, state_path: Path, documents: list[Document], *, dry_run: bool = False,
              **options: Any) -> OutputSink:
    """One writer run into ``vault`` with the state database at ``state_path``, committed
    (``dry_run``: what it would do, nothing written or committed)."""
    store = open_store(state_path)
    try:
        # Through the sink's context, as convert does: a failing run leaves nothing staged.
        with OutputSink(vault, "test", "obsidian", manifest=store, dry_run=dry_run) as sink:
            ObsidianWriter.from_options(options).write(documents, sink)
        if not dry_run:
            store.commit_outputs(sink.pending_records())
    finally:
        store.close()
    return sink


def sync_as_predicted(vault: Path, state_path: Path, documents: list[Document], **options: Any) -> OutputSink:
    """:func:`sync_once`, after a dry run that must write nothing and predict exactly what the
    sync then does to each file."""
    before = {path: path.read_bytes() for path in vault.rglob("*") if path.is_file()}
    predicted = sync_once(vault, state_path, documents, dry_run=True, **options).outcomes
    assert {path: path.read_bytes() for path in vault.rglob("*") if path.is_file()} == before
    sink = sync_once(vault, state_path, documents, **options)
    assert [(o.path, o.action) for o in predicted] == [(o.path, o.action) for o in sink.outcomes]
    return sink


@pytest.fixture
def sync_forgetting(vault: Path, tmp_path: Path) -> SyncRunner:
    """``sync_forgetting(documents, **options)``: a writer run with a new, empty state database
    each time, as after a lost state or a note written by an older excerpta."""
    runs = itertools.count()

    def run(documents: list[Document], **options: Any) -> OutputSink:
        return sync_once(vault, tmp_path / f"forgotten-{next(runs)}.sqlite", documents, **options)

    return run


def kindle_book(count: int = 3, **fields: Any) -> Document:
    """A Kindle book with ``count`` numbered highlights at locations 100, 200…"""
    values: dict[str, Any] = {
        "id": "readwise-1001", "title": "Walden", "author": "Henry David Thoreau",
        "category": Category.BOOKS, "source": "kindle", "asin": "B0082RJSSQ",
        "cover_image_url": "https://images.example/walden.jpg", "tags": ["philosophy"],
    }
    values.update(fields)
    values.setdefault("highlights", [
        Highlight(id=f"readwise-{n}", text=f"Highlight number {n}.", location=n * 100,
                  location_type=LocationType.LOCATION,
                  highlighted_at=datetime(2024, 3, 1, 20, n, tzinfo=UTC))
        for n in range(1, count + 1)
    ])
    return Document(**values)


def article(**fields: Any) -> Document:
    """A Reader article with two highlights linking to read.readwise.io."""
    values: dict[str, Any] = {
        "id": "readwise-2002", "title": "When Systems Collide", "author": "A Life Engineered",
        "category": Category.ARTICLES, "source": "reader",
        "url": "https://example.com/when-systems-collide",
        "highlights": [
            Highlight(id="readwise-11", text="First passage.", location=10,
                      location_type=LocationType.OFFSET,
                      url="https://read.readwise.io/read/01h4a5yqkte9zy55gkxq9g8rqv",
                      note="A note."),
            Highlight(id="readwise-12", text="Second passage.", location=20,
                      location_type=LocationType.OFFSET,
                      url="https://read.readwise.io/read/01h4a618d1ryns1fr02r645322"),
        ],
    }
    values.update(fields)
    return Document(**values)


def edited(document: Document, **changes: Any) -> Document:
    """A copy of ``document`` with fields replaced."""
    return document.model_copy(update=changes, deep=True)


@pytest.fixture
def books() -> Callable[..., Document]:
    """The :func:`kindle_book` factory."""
    return kindle_book


@pytest.fixture
def articles() -> Callable[..., Document]:
    """The :func:`article` factory."""
    return article


def template_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """A folder of templates for the writer's ``templates`` option: ``files`` maps a template's
    file name to its source."""
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, source in files.items():
        (folder / name).write_text(source, encoding="utf-8")
    return folder


def _asterisks(text: str) -> str:  # Obsidian Linter, "unordered list style: asterisk"
    return re.sub(r"(?m)^([ \t]*)- ", r"\1* ", text)


def _tabs(text: str) -> str:  # Obsidian's "indent using tabs": a tab per 4 leading spaces
    return re.sub(r"(?m)^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), text)


# What formatters do to the lists of a note's body on save, changing not a word.
LIST_FORMATTERS: dict[str, Callable[[str], str]] = {
    "asterisks": _asterisks,
    "pluses": lambda text: re.sub(r"(?m)^([ \t]*)- ", r"\1+ ", text),
    "spaced": lambda text: re.sub(r"(?m)^([ \t]*)- +", r"\1-   ", text),  # markdownlint MD030, remark
    "tabs": _tabs,
    # Asterisks on top, "+" under them indented by a tab, spaced.
    "mixed": lambda text: _asterisks(re.sub(r"(?m)^    - ", "\t+   ", text)),
}


def formatted(text: str, formatter: str) -> str:
    """A note's ``text`` as ``formatter`` (of :data:`LIST_FORMATTERS`) saves it: its body's
    lists restyled, its front matter (YAML, whose lists are no Markdown) as it was."""
    front, body = text.split("\n---\n", 1)
    return front + "\n---\n" + LIST_FORMATTERS[formatter](body)
