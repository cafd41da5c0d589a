"""Properties of the PocketBook readers: any bytes after an export's head, and any values in a
database's tags (SQLite columns take any type), are read, reported or refused in one line,
never a crash; notes made of any text read back to it."""

from __future__ import annotations

import html
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pocketbook_databases import make_database, note, read_database
from pocketbook_exports import HEAD, entry, export_html, read_export, write_export

from excerpta.errors import InputError
from excerpta.readers.pocketbook.export_parser import body_text


def _read_or_refused(read, path):
    """The documents read from ``path``, or [] where it was refused (in one line naming it)."""
    try:
        documents, _ = read(path)
    except InputError as err:
        message = str(err)
        assert message.startswith(str(path))
        assert "\n" not in message
        return []
    return documents


@settings(max_examples=150, deadline=None)
@given(tail=st.one_of(st.binary(max_size=3000), st.text(st.sampled_from('<>/="\' bm-textpagdivclas\n&#;'),
                                                           max_size=400).map(str.encode)))
def test_any_bytes_after_an_export_s_head_are_read_or_refused_never_a_crash(tail):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.html"
        path.write_bytes(HEAD.format(date="2024-05-02 18:31:07", title="Walden").encode() + tail)
        documents = _read_or_refused(read_export, path)
    ids = [h.id for d in documents for h in d.highlights]
    assert len(ids) == len(set(ids))


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40)


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(st.tuples(_TEXT, _TEXT, st.integers(0, 10**6)), min_size=1, max_size=5,
                        unique_by=lambda each: each[2]))
def test_notes_made_of_any_text_read_back_to_it(entries):
    made = [entry(html.escape(text), page, html.escape(said), uuid=f"U{page}")
            for text, said, page in entries]
    with tempfile.TemporaryDirectory() as folder:
        documents, state = read_export(write_export(Path(folder) / "x.html", export_html(made)))
    # As the device shows them: lines squashed, empty ones dropped; a "Bookmark" passage is a
    # bookmark (its note kept as a lone note); an entry of neither passage nor note reported.
    expected = []
    for text, typed, page in sorted(entries, key=lambda each: each[2]):
        passage, said = body_text([text]), body_text([typed]) or None
        if passage == "Bookmark":
            passage = ""
        if passage or said:
            expected.append((passage, said, page))
    read_back = [(h.text, h.note, h.location) for d in documents for h in d.highlights]
    assert read_back == expected
    assert len([p for p in state.problems if not p.kept]) == len(entries) - len(expected) - sum(
        1 for text, typed, _ in entries if body_text([text]) == "Bookmark" and not body_text([typed]))


ANY_VALUE = st.one_of(
    st.none(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True), st.binary(max_size=24),
    st.text(max_size=24), st.sampled_from([
        '{"text": "A passage."}', '{"begin": "pbr:/word?page=9&offs=1", "text": 7}', "[]", "{",
        '{"text": null}',
        '{"anchor": "pbr:/word?page=99999999999&offs=1", "created": 1e300}', '{"created": "not a date"}',
        "highlight", "note", "bookmark", "draws", "Bookmark", "cian", '{"text": "Snapshot"}']))
TAGS = ("bm.book_mark", "bm.type", "bm.quotation", "bm.note", "bm.color", "bm.image")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in TAGS}),
                               st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=4)), ANY_VALUE),
                     max_size=6))
def test_any_values_in_a_database_s_tags_are_read_or_reported_never_a_crash(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("pocketbook") / "books.db"
    made = []
    for number, (tags, state, time) in enumerate(rows, start=2):
        item = note(number, tags=tags)
        item["item"].update(State=state, TimeAlt=time)
        made.append(item)
    try:
        make_database(path, notes=made)
    except sqlite3.IntegrityError:  # NULL in a NOT NULL column: no firmware writes that
        return
    documents = _read_or_refused(read_database, path)
    highlights = [h for d in documents for h in d.highlights]
    assert len({h.id for h in highlights}) == len(highlights)
    for highlight in highlights:
        assert highlight.highlighted_at is None or highlight.highlighted_at.utcoffset() is not None
