"""Whatever a Bookmark row holds (SQLite columns take any type), a read never crashes: each row
is a highlight, a problem reported, or a dogear or markup left out."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kobo_databases import bookmark, make_database, read

from excerpta.adapters import ReadState
from excerpta.errors import InputError
from excerpta.readers.kobo import KoboReader

ANY_VALUE = st.one_of(
    st.none(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=True), st.binary(max_size=20),
    st.text(max_size=20), st.sampled_from(["2024-11-18T17:43:44.000", "2023-01-02T08:09:10Z", "true", "false",
                                           "0000-00-00T00:00:00.000", "highlight", "note", "dogear"]))
COLUMNS = ("Text", "Annotation", "DateCreated", "DateModified", "ChapterProgress", "Hidden", "Type", "Color",
           "ContentID")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in COLUMNS}), max_size=6))
def test_any_values_in_bookmark_rows_are_read_or_reported_never_a_crash(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("kobo") / "KoboReader.sqlite"
    made = [bookmark(f"row-{number}", **values) for number, values in enumerate(rows)]
    try:
        make_database(path, made)
    except sqlite3.IntegrityError:  # NULL in a NOT NULL column: no firmware writes that
        return
    documents, state = read(path)
    highlights = [h for d in documents for h in d.highlights]
    assert len({h.id for h in highlights}) == len(highlights)
    assert len(highlights) + len([p for p in state.problems if not p.kept]) <= len(rows)
    for highlight in highlights:
        assert highlight.highlighted_at is None or highlight.highlighted_at.utcoffset() is not None


@pytest.mark.parametrize("name", ["KoboReader.sqlite", "x.sqlite"])
def test_a_folder_given_to_the_reader_without_a_database_is_an_input_error(tmp_path, name):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / name).write_bytes(b"")  # one level too deep: not the device's place
    with pytest.raises(InputError, match=r"no KoboReader\.sqlite in this folder or in its \.kobo folder"):
        list(KoboReader().read(str(tmp_path), ReadState()))
