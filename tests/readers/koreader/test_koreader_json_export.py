"""KOReader's JSON export (the exporter plugin's "Json" target): one book or several, times as
Unix seconds, ids from title, author, text and time."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from koreader_sidecars import problems, read

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.errors import InputError
from excerpta.identity import document_id
from excerpta.model import LocationType

_WALDEN = {
    "number_of_pages": 352, "file": "/mnt/onboard/Walden.epub", "author": "Henry David Thoreau\nEditor",
    "title": "Walden", "exported": {"json": True},
    "entries": [
        {"sort": "highlight", "drawer": "lighten", "color": "yellow", "chapter": "Economy", "page": 12,
         "time": 1709287200, "text": "The mass of men lead lives of quiet desperation."},
        {"sort": "highlight", "drawer": "underscore", "chapter": "Sounds", "page": "xii", "time": 1709373600,
         "text": "I had three chairs", "note": "one for solitude"},
    ],
}


def _write(tmp_path, data, name="Walden.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path


def test_a_one_book_export_maps_every_field(tmp_path):
    path = _write(tmp_path, {**_WALDEN, "created_on": 1709400000, "version": "v2024.04"})
    assert registry.detect_reader(InputProbe.of(str(path))).name == "koreader"
    (document,), state = read(path)
    assert problems(state) == []
    authors = "Henry David Thoreau; Editor"
    assert (document.id, document.title, document.author, document.source) == (
        document_id("Walden", authors), "Walden", authors, "koreader")
    first, second = document.highlights
    assert (first.text, first.note, first.location, first.location_type, first.chapter, first.color) == (
        "The mass of men lead lives of quiet desperation.", None, 12, LocationType.PAGE, "Economy", "yellow")
    assert first.highlighted_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert (second.note, second.location) == ("one for solitude", "xii")
    assert state.document_left_out == {document.id: frozenset({"document_note"})}


def test_a_several_book_export_reads_each_book_and_ids_stay_as_entries_are_added(tmp_path):
    other = {"title": "", "file": "/sd/Moby Dick.pdf", "author": "Herman Melville",
             "entries": [{"sort": "highlight", "page": 1, "time": 1709287201, "text": "Call me Ishmael."}]}
    path = _write(tmp_path, {"created_on": 1709400000, "version": "v2024.04", "documents": [_WALDEN, other]})
    assert registry.detect_reader(InputProbe.of(str(path))).name == "koreader"
    documents, _ = read(path)
    assert [d.title for d in documents] == ["Walden", "Moby Dick"]
    more = {**_WALDEN, "entries": [{"sort": "highlight", "page": 3, "time": 1709200000, "text": "New."},
                                   *_WALDEN["entries"]]}
    (again,), _ = read(_write(tmp_path, {**more, "created_on": 1709500000}, "later.json"))
    assert [h.id for h in again.highlights][1:] == [h.id for h in documents[0].highlights]


def test_an_entry_of_another_shape_is_reported_and_the_others_read(tmp_path):
    entries = ["text", {"sort": "highlight", "page": 2, "time": 1709287200, "text": ""},
               {"sort": "highlight", "page": 3, "time": "soon", "text": "Kept without a time."},
               {"sort": "bookmark", "page": 4, "time": 1709287200}]
    path = _write(tmp_path, {**_WALDEN, "entries": entries, "created_on": 1})
    (document,), state = read(path)
    assert [(h.text, h.highlighted_at) for h in document.highlights] == [("Kept without a time.", None)]
    assert problems(state) == [f"{path}: entries[0]: expected an object",
                               f"{path}: entries[1]: a highlight without text",
                               f"{path}: entries[2]: time: 'soon' is not a time in Unix seconds; "
                               "read without it"]


def test_malformed_json_is_one_line_naming_the_file_and_line(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('{\n  "entries": [\n    {"sort": "highlight",, }\n')
    with pytest.raises(InputError, match=rf"^{path}:3: malformed JSON"):
        read(path)


def test_other_json_is_not_recognised_as_an_export(tmp_path):
    path = _write(tmp_path, {"schema_version": 1, "documents": []}, "library.json")
    assert registry.detect_reader(InputProbe.of(str(path))).name == "json"
    assert registry.reader("koreader").recognize(InputProbe.of(str(path))) == 0


_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(),
                          st.text(max_size=10))
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)), max_leaves=10)
_ENTRY = st.dictionaries(st.sampled_from(["sort", "page", "time", "text", "note", "chapter", "color"]),
                         _JSON_VALUES, max_size=7)
_BOOK = st.fixed_dictionaries({"entries": st.lists(st.one_of(_ENTRY, _JSON_VALUES), max_size=4)}, optional={
    "title": _JSON_VALUES, "author": _JSON_VALUES, "file": _JSON_VALUES, "created_on": st.integers()})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(export=st.one_of(_BOOK, st.fixed_dictionaries({
    "created_on": st.integers(), "documents": st.lists(st.one_of(_BOOK, _JSON_VALUES))})))
def test_an_export_of_any_shape_gives_documents_and_problems_never_a_crash(tmp_path, export):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, allow_nan=True))
    try:
        documents, _ = read(path)
    except InputError as err:
        message = str(err)
    else:
        ids = [h.id for d in documents for h in d.highlights]
        assert len(ids) == len(set(ids))
        return
    assert message.startswith(str(path))


def test_a_book_whose_title_is_nothing_an_id_keeps_takes_its_file_name_and_the_others_are_read(tmp_path):
    # A title of a lone byte order mark failed the whole export (every other book lost).
    lone_mark = {**_WALDEN, "title": "\ufeff", "file": "/mnt/onboard/Cape Cod.epub"}
    nameless = {**_WALDEN, "title": "\ufeff", "file": None}
    path = _write(tmp_path, {"created_on": 1709400000, "version": "v2024.04",
                             "documents": [lone_mark, _WALDEN, nameless]}, name="all.json")
    documents, state = read(path)
    assert [d.title for d in documents] == ["Cape Cod", "Walden"]
    assert problems(state) == [f"{path}: documents[2]: a book without a title or file name"]
