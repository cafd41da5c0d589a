"""A note whose lists a formatter restyled on save (Obsidian Linter's asterisks, markdownlint's
``-   text``, Obsidian's tab indents) still follows upstream, in the style the formatter gave
it, and is not rewritten while nothing changes upstream (audit M1: every highlight and the
header stopped following upstream for good, and the run said the user had changed them)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from excerpta.model import Document, Highlight, LocationType
from excerpta.writers.obsidian import ObsidianWriter
from excerpta.writers.obsidian.region import find_regions

from .conftest import LIST_FORMATTERS, edited, formatted, kindle_book, sync_once, template_folder

NOTE = "Books/Walden.md"
ABOVE = "My summary, above everything.\n\n"
BELOW = "\n## My thoughts\n\n- simplicity is a discipline\n    - see [[Thoreau]]\n"


def _book() -> Document:
    book = kindle_book(3, url="https://example.org/walden")
    highlights = list(book.highlights)
    highlights[1] = highlights[1].model_copy(update={"note": "My note on two."})
    return edited(book, highlights=highlights)


def _upstream(book: Document) -> Document:
    """``book`` with a new title and URL, the first highlight's text and the second's note
    edited, and a fourth highlight."""
    highlights = list(book.highlights)
    highlights[0] = highlights[0].model_copy(update={"text": "Highlight number 1, typo fixed."})
    highlights[1] = highlights[1].model_copy(update={"note": "Note changed upstream."})
    highlights.append(Highlight(id="readwise-4", text="Highlight number 4.", location=400,
                                location_type=LocationType.LOCATION))
    return edited(book, title="Walden; or, Life in the Woods", url="https://example.org/walden-new",
                  highlights=highlights)


def _with_user_text(note: str, inside: bool) -> str:
    """``note`` with the user's text above and below the regions, and, if ``inside``, a line of
    theirs in the header and one between the first two highlights."""
    front, body = note.split("\n---\n", 1)
    note = front + "\n---\n" + ABOVE + body + BELOW
    if inside:
        note = note.replace("- Category: #books\n", "- Category: #books\n- Status: reading\n")
        note = note.replace("^hl-readwise-1\n", "^hl-readwise-1\n\nMy aside on the first two.\n\n")
    return note


def _hashless(text: str) -> str:
    return re.sub(r"(%% excerpta:end \w+) [0-9a-f]{16} %%", r"\1 HASH %%", text)


def _fresh(tmp_path: Path, document: Document, **options: object) -> str:
    """The note excerpta writes for ``document`` in an empty vault."""
    sync_once(tmp_path / "fresh", tmp_path / "fresh.sqlite", [document], **options)
    return next((tmp_path / "fresh").rglob("*.md")).read_text(encoding="utf-8")


def _written(sink) -> list[str]:
    return [o.path.name for o in sink.outcomes if o.action in ("create", "update")]


def _touched_later(book: Document) -> Document:
    """``book`` changed where its note shows nothing (a highlight's ``updated_at``): the note
    is merged again, and nothing in it is to change."""
    highlights = list(book.highlights)
    highlights[2] = highlights[2].model_copy(update={"updated_at": datetime(2024, 6, 1, tzinfo=UTC)})
    return edited(book, highlights=highlights)


def _assert_left_alone(note: Path, sync, documents: list[Document]) -> None:
    """Syncing each of ``documents`` in turn (nothing in the note to change) writes nothing."""
    before = note.read_bytes()
    os.utime(note, (1_000_000, 1_000_000))
    for document in documents:
        assert _written(sync([document])) == []
    assert note.stat().st_mtime == 1_000_000
    assert note.read_bytes() == before


@pytest.mark.parametrize("inside", [False, True], ids=["text-around", "lines-inside-regions"])
@pytest.mark.parametrize("formatter", LIST_FORMATTERS)
def test_a_restyled_note_takes_upstream_edits_in_its_own_style_and_then_rests(
        tmp_path, vault, sync, formatter, inside):
    book = _book()
    sync([book])
    note = vault / NOTE
    mine = formatted(_with_user_text(note.read_text(encoding="utf-8"), inside), formatter)
    note.write_text(mine, encoding="utf-8")
    _assert_left_alone(note, sync, [book, _touched_later(book), _touched_later(book)])

    upstream = _upstream(book)
    sink = sync([upstream])

    after = note.read_text(encoding="utf-8")
    # What the formatter would make of the note excerpta writes for upstream's book, the
    # user's text where it was: every edit arrived, every line of the user's is as it was.
    expected = formatted(_with_user_text(_fresh(tmp_path, upstream), inside), formatter)
    assert _hashless(after) == _hashless(expected)
    assert formatted(after, formatter) == after  # nothing for the formatter to change back
    reason = sink.outcomes[0].reason
    if inside:
        assert reason == ("header edited by hand: your lines kept, excerpta's updated; "
                          "highlights edited by hand: 2 updated, 0 removed, 1 added")
    else:
        assert reason is None
        assert after == expected  # hashes and all: the regions are as excerpta wrote them

    _assert_left_alone(note, sync, [upstream, _touched_later(upstream), _touched_later(upstream)])


@pytest.mark.parametrize("formatter", ["asterisks", "tabs", "mixed"])
def test_a_highlight_the_user_reworded_after_a_restyling_is_still_theirs(vault, sync, formatter):
    book = _book()
    sync([book])
    note = vault / NOTE
    restyled = formatted(note.read_text(encoding="utf-8"), formatter)
    thought = LIST_FORMATTERS[formatter]("    - my thought on three\n")
    mine = (restyled.replace("Highlight number 1.", "Highlight number 1, in my words.")
            .replace("^hl-readwise-3\n", "^hl-readwise-3\n" + thought))
    note.write_text(mine, encoding="utf-8")

    highlights = [h.model_copy(update={"text": f"Edited {h.location}."}) for h in book.highlights]
    highlights[1] = highlights[1].model_copy(update={"text": book.highlights[1].text,
                                                     "note": "Note changed upstream."})
    sink = sync([edited(book, highlights=highlights)])

    after = note.read_text(encoding="utf-8")
    assert sink.outcomes[0].reason == ("highlights edited by hand: 1 updated, 0 removed, 0 added; 2 you "
                                       "changed kept as you wrote them, not as changed upstream")
    assert "Edited 100." not in after
    assert "Edited 300." not in after
    # The user's words and line kept byte for byte, the highlight they left updated in its style.
    assert after == mine.replace("My note on two.", "Note changed upstream.")


def _legacy_digest(body: str) -> str:
    """The digest excerpta recorded before it read list styles (frozen here: the notes and
    states that version wrote hold it)."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()[:16]


def _as_an_older_excerpta_wrote_it(vault: Path, state, document: Document, **options: object) -> None:
    """The note of ``document`` and its record as the excerpta before list styles recorded
    them: the regions' end markers and the memo's block digests taken the old way."""
    note = vault / NOTE
    text = note.read_text(encoding="utf-8")
    for region in find_regions(text).values():
        text = text.replace(f"{region.name} {region.digest} %%",
                            f"{region.name} {_legacy_digest(region.body)} %%")
    note.write_text(text, encoding="utf-8")
    blocks = ObsidianWriter.from_options(dict(options)).renderer.render(document).blocks
    record = state.outputs_for("test", "obsidian")[document.id]
    memo = json.loads(record.memo)
    memo["blocks"] = {ident: _legacy_digest(block) for ident, block in blocks.items()}
    state.commit_outputs([dataclasses.replace(record, memo=json.dumps(memo))])


def test_notes_of_the_default_templates_an_older_excerpta_wrote_follow_upstream_once_restyled(
        vault, state, sync):
    book = _book()
    sync([book])
    note = vault / NOTE
    before = note.read_text(encoding="utf-8")
    memo = state.outputs_for("test", "obsidian")[book.id].memo
    _as_an_older_excerpta_wrote_it(vault, state, book)
    # The digests of excerpta's own list style are the ones recorded before: nothing changed.
    assert note.read_text(encoding="utf-8") == before
    assert state.outputs_for("test", "obsidian")[book.id].memo == memo

    note.write_text(formatted(before, "asterisks"), encoding="utf-8")
    sync([_upstream(book)])
    after = note.read_text(encoding="utf-8")
    assert "* Highlight number 1, typo fixed." in after
    assert "    * Note: Note changed upstream." in after
    assert "* Full Title: Walden; or, Life in the Woods\n" in after


def test_notes_of_a_template_in_another_style_an_older_excerpta_wrote_still_follow_upstream(
        tmp_path, vault, state, sync):
    # Its blocks are not in excerpta's list style, so their digests of today are not the ones
    # recorded before: the old ones must still say "as written".
    templates = template_folder(tmp_path, {"highlight.md.jinja": (
        "* {{ highlight_text }} ({{ highlight_location }}){% if highlight_note %}\n"
        "  * Note: {{ highlight_note }}{% endif %}\n")})
    book = _book()
    sync([book], templates=templates)
    blocks = ObsidianWriter.from_options({"templates": templates}).renderer.render(book).blocks
    assert all(block.startswith("* ") for block in blocks.values())
    assert "\n  * Note: My note on two." in blocks["hl-readwise-2"]
    _as_an_older_excerpta_wrote_it(vault, state, book, templates=templates)
    note = vault / NOTE
    mine = note.read_text(encoding="utf-8").replace("^hl-readwise-1\n", "^hl-readwise-1\n\nMy aside.\n\n")
    note.write_text(mine, encoding="utf-8")

    _assert_left_alone(note, lambda documents: sync(documents, templates=templates), [_touched_later(book)])

    first = edited(book, highlights=[book.highlights[0].model_copy(update={"text": "One, edited."}),
                                     *book.highlights[1:]])
    sink = sync([first], templates=templates)
    assert sink.outcomes[0].reason == "highlights edited by hand: 1 updated, 0 removed, 0 added"
    after = note.read_text(encoding="utf-8")
    assert "* One, edited. (Location\u00a0100) ^hl-readwise-1\n\nMy aside.\n\n" in after

    # Then a formatter with another taste (dashes, tabs) restyles it, and upstream goes on.
    restyled = re.sub(r"(?m)^(\s*)\* ", r"\1- ", after).replace("  - Note", "\t- Note")
    note.write_text(restyled, encoding="utf-8")
    second = _upstream(first)
    sink = sync([second], templates=templates)
    after = note.read_text(encoding="utf-8")
    assert "you changed" not in sink.outcomes[0].reason
    assert ("- Highlight number 2. (Location\u00a0200) ^hl-readwise-2\n"
            "\t- Note: Note changed upstream.\n") in after
    assert "- Highlight number 4. (Location\u00a0400) ^hl-readwise-4\n" in after
    assert "- Full Title: Walden; or, Life in the Woods\n" in after
