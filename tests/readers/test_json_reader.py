"""Reading our own json and jsonl: validation errors name the file and the record."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError, UnknownFormatError
from excerpta.readers.canonical_json import JsonLinesReader, JsonReader
from excerpta.registry import detect_reader

from paths import CORPUS, EXAMPLES


def _read(reader, path: Path) -> tuple[list, ReadState]:
    state = ReadState()
    return list(reader.read(str(path), state)), state


def _library(*documents: dict) -> dict:
    return {"schema_version": 1, "documents": list(documents)}


def _document(doc_id: str, **highlight: object) -> dict:
    highlights = [{"id": f"h-{doc_id}", "text": "x", **highlight}]
    return {"id": doc_id, "title": f"Title {doc_id}", "highlights": highlights}


def test_the_example_library_reads(tmp_path):
    documents, state = _read(JsonReader(), EXAMPLES / "library.json")
    assert state.problems == []
    assert [d.title for d in documents] == ["Walden", "Meditations", "Faust: Eine Tragödie", "Self-Reliance"]
    assert sum(len(d.highlights) for d in documents) == 8


def test_a_bad_record_is_reported_with_its_path_and_the_others_are_kept(tmp_path):
    path = tmp_path / "file.json"
    docs = [_document(f"d{n}") for n in range(5)]
    docs[3]["highlights"][0]["highlighted_at"] = "last tuesday"
    path.write_text(json.dumps(_library(*docs)))
    documents, state = _read(JsonReader(), path)
    assert [(d.id, len(d.highlights)) for d in documents] == [("d0", 1), ("d1", 1), ("d2", 1), ("d3", 0),
                                                              ("d4", 1)]
    assert [str(p) for p in state.problems] == [
        f"{path}: documents[3].highlights[0].highlighted_at: invalid datetime (document 'Title d3': "
        "this highlight skipped, the document and its other highlights kept)"
    ]


def test_a_bad_highlight_is_skipped_alone_and_its_document_and_other_highlights_kept(tmp_path):
    path = tmp_path / "file.json"
    document = {"id": "d1", "title": "T", "highlights": [
        {"id": "h1", "text": "a", "location": 1.5}, {"id": "h2", "text": "b valid"},
        {"id": "h3", "text": None}, {"id": "h4", "text": "also valid"}]}
    path.write_text(json.dumps(_library(document)))
    (read,), state = _read(JsonReader(), path)
    assert (read.id, read.title, [h.id for h in read.highlights]) == ("d1", "T", ["h2", "h4"])
    assert [(p.where, p.reason.split(" (")[0], p.kept) for p in state.problems] == [
        (None, "documents[0].highlights[0].location: input should be a valid integer, got a number "
               "with a fractional part or a string", False),
        (None, "documents[0].highlights[2].text: expected a string", False)]
    assert all("(document 'T': this highlight skipped" in p.reason for p in state.problems)


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": None}, "documents[0].title: expected a string"),
    ({"surprise": 1}, "documents[0].surprise: unknown field"),
    ({"highlights": "not a list"}, "documents[0].highlights: expected a list"),
])
def test_a_document_whose_own_fields_fail_is_skipped_and_named_by_its_own_error(tmp_path, fields, message):
    path = tmp_path / "file.json"
    bad_highlight = {"id": "h1", "text": "a", "location": 1.5}
    document = {"id": "d1", "title": "T", "highlights": [bad_highlight], **fields}
    path.write_text(json.dumps(_library(document)))
    documents, state = _read(JsonReader(), path)
    assert documents == []
    assert [str(p) for p in state.problems] == [f"{path}: {message}"]


@pytest.mark.parametrize("other_app", [
    CORPUS / "readwise" / "reader-api-v3" / "scarvy-documents.json",
    CORPUS / "readwise" / "synthetic" / "v2-highlights-create.request.synthetic.json",
])
def test_another_apps_json_object_is_unrecognised_not_a_broken_library(run_cli, tmp_path, other_app):
    with pytest.raises(UnknownFormatError) as caught:
        detect_reader(InputProbe.of(str(other_app)))
    assert str(caught.value) == f"{other_app}: unrecognised input format; name it with --from"
    named = run_cli("convert", other_app, "--from", "json", "--to", "json", "--out", tmp_path / "o.json")
    assert named.exit_code == 2
    assert f'{other_app}: expected an object with "schema_version" and "documents"' in named.output


@pytest.mark.parametrize("content", ['{"documents": []}', '{\n  "schema_version": 2\n}'])
def test_a_library_missing_one_of_its_keys_is_still_ours_and_told_what_is_wrong(tmp_path, content):
    path = tmp_path / "edited.json"
    path.write_text(content)
    assert detect_reader(InputProbe.of(str(path))) is JsonReader


@pytest.mark.parametrize(("content", "message"), [
    ('{"schema_version": 1, "documents": [', "malformed JSON"),
    ('{"schema_version": 2, "documents": []}', "schema_version 2 is not supported (expected 1)"),
    ('{"documents": []}', 'no "schema_version" (expected "schema_version": 1)'),
    ('{"schema_version": true, "documents": []}', "schema_version true is not supported (expected 1)"),
    ('{"schema_version": 1.0, "documents": []}', "schema_version 1.0 is not supported (expected 1)"),
    ("[1, 2]", 'expected an object with "schema_version" and "documents"'),
    ('{"schema_version": 1, "documents": [], "extra": 1}', "unknown top-level field 'extra'"),
])
def test_unreadable_json_is_one_input_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        _read(JsonReader(), path)
    assert str(caught.value).startswith(f"{path}")
    assert "\n" not in str(caught.value)


def test_jsonl_groups_consecutive_lines_into_documents_and_reports_bad_lines(tmp_path):
    lines = [
        {"id": "h1", "text": "a", "document": {"id": "d1", "title": "One"}},
        {"id": "h2", "text": "b", "document": {"id": "d1", "title": "One"}},
        {"id": "h3", "text": "c", "location": [], "document": {"id": "d2", "title": "Two"}},
        {"document": {"id": "d3", "title": "No highlights"}},
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n{not json\n\n")
    documents, state = _read(JsonLinesReader(), path)
    assert [(d.id, [h.id for h in d.highlights]) for d in documents] == [
        ("d1", ["h1", "h2"]), ("d2", []), ("d3", [])]
    assert [str(p) for p in state.problems] == [
        f"{path}:3: location: expected an integer or a string (this highlight skipped, its document kept)",
        f"{path}:5: malformed JSON: Expecting property name enclosed in double quotes at column 2",
    ]


def test_json_and_jsonl_are_recognised_by_content(tmp_path):
    jsonl = tmp_path / "export.txt"
    jsonl.write_text('{"id": "h", "text": "t", "document": {"id": "d", "title": "T"}}\n')
    assert detect_reader(InputProbe.of(str(jsonl))) is JsonLinesReader
    assert detect_reader(InputProbe.of(str(EXAMPLES / "library.json"))) is JsonReader


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.NDJSON"])
@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_an_empty_jsonl_file_is_recognised_by_its_extension_and_read_as_empty(
        run_cli, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_reader(InputProbe.of(str(path))) is JsonLinesReader
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out.json").read_text())["documents"] == []


@pytest.mark.parametrize("name", ["empty.json", "empty.csv", "empty.txt"])
def test_an_empty_file_whose_extension_does_not_say_one_reader_stays_unrecognised(tmp_path, name):
    # An empty .json is not JSON (json and readwise-json alike refuse it); a .csv or .txt
    # could be any of several formats.
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(UnknownFormatError, match="unrecognised input format; name it with --from"):
        detect_reader(InputProbe.of(str(tmp_path / name)))


def test_our_json_wins_detection_even_when_its_text_mentions_readwise_keys(tmp_path):
    path = tmp_path / "library.json"
    document = {"id": "d", "title": "T", "summary": '"user_book_id": 1, "nextPageCursor": 2'}
    path.write_text(json.dumps(_library(document), indent=2))
    assert detect_reader(InputProbe.of(str(path))) is JsonReader


@pytest.mark.parametrize(("content", "message"), [
    ('{"schema_version": 1, "documents": [{"id": "d", "title": "T", "highlights": '
     '[{"id": "h", "text": "x", "location": ' + "9" * 5000 + "}]}]}",
     "malformed JSON: a number longer than 4300 digits"),
    ('{"schema_version": 1, "documents": [' + "[" * 50_000 + "]" * 50_000 + "]}",
     "malformed JSON: nested too deeply"),
])
def test_a_huge_number_or_deep_nesting_is_one_input_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "big.json"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        _read(JsonReader(), path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_jsonl_line_with_a_huge_number_or_deep_nesting_is_reported_and_the_next_lines_read(tmp_path):
    ok = '{"id": "h3", "text": "ok", "document": {"id": "d1", "title": "T"}}'
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "h1", "text": "x", "location": ' + "9" * 5000 + "}\n"
                    + "[" * 50_000 + "]" * 50_000 + "\n" + ok + "\n")
    documents, state = _read(JsonLinesReader(), path)
    assert [h.id for d in documents for h in d.highlights] == ["h3"]
    assert [str(p) for p in state.problems] == [
        f"{path}:1: malformed JSON: a number longer than 4300 digits",
        f"{path}:2: malformed JSON: nested too deeply",
    ]


def test_a_lone_surrogate_escape_is_read_as_a_replacement_character(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_text('{"id": "h1", "text": "x \\udc00 y", "document": {"id": "d1", "title": "T \\ud83d"}}\n')
    (document,), state = _read(JsonLinesReader(), path)
    assert state.problems == []
    assert (document.title, document.highlights[0].text) == ("T \ufffd", "x \ufffd y")
    document.model_dump_json()  # writable as UTF-8


def test_a_highlight_id_used_twice_is_reported_and_the_first_kept(tmp_path):
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(_library(
        {"id": "A", "title": "A",
         "highlights": [{"id": "h1", "text": "in A"}, {"id": "h1", "text": "again"}]},
        {"id": "B", "title": "B", "highlights": [{"id": "h1", "text": "in B"}, {"id": "h2", "text": "B2"}]})))
    documents, state = _read(JsonReader(), path)
    assert [(d.id, [h.text for h in d.highlights]) for d in documents] == [("A", ["in A"]), ("B", ["B2"])]
    assert [str(p) for p in state.problems] == [
        f"{path}: documents[0].highlights[1].id: highlight id 'h1' is already used in this document; "
        "each highlight needs its own id",
        f"{path}: documents[1].highlights[0].id: highlight id 'h1' is already used in document 'A'; "
        "each highlight needs its own id"]


def test_a_document_id_used_twice_is_reported_and_the_first_kept(run_cli, tmp_path):
    # Merged, Walden's highlights went under Meditations' title and Walden was gone, exit 0.
    library = json.loads((EXAMPLES / "library.json").read_text(encoding="utf-8"))
    first, second = library["documents"][:2]
    second["id"] = first["id"]
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(library), encoding="utf-8")
    documents, state = _read(JsonReader(), path)
    assert [d.title for d in documents if d.id == first["id"]] == [first["title"]]
    assert len(documents) == len(library["documents"]) - 1
    assert [str(p) for p in state.problems] == [
        f"{path}: documents[1].id: {first['id']!r} is documents[0]'s id too (the first kept)"]
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 1


@pytest.mark.parametrize("field", ["location", "end_location", "page"])
def test_true_or_false_is_no_position(tmp_path, field):
    # Pydantic's lax mode would have read true as the position 1.
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(_library(_document("A", **{field: True}))), encoding="utf-8")
    documents, state = _read(JsonReader(), path)
    assert [d.highlights for d in documents] == [[]]
    assert [str(p) for p in state.problems] == [
        f"{path}: documents[0].highlights[0].{field}: expected a whole number or a text, not true or false "
        "(document 'Title A': this highlight skipped, the document and its other highlights kept)"]


def test_a_jsonl_line_cut_short_is_reported_at_its_own_end(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_text('{"document": {"id": "d", "title": "T"}, "id": "h1", "text": "a"}\n'
                    '{"id": "x", "text": \n', encoding="utf-8")
    documents, state = _read(JsonLinesReader(), path)
    assert [h.id for d in documents for h in d.highlights] == ["h1"]
    assert [str(p) for p in state.problems] == [f"{path}:2: malformed JSON: Expecting value at column 21"]


def test_a_jsonl_line_reusing_a_highlight_id_is_reported_with_its_line(tmp_path):
    path = tmp_path / "lib.jsonl"
    lines = [{"document": {"id": "A", "title": "A"}, "id": "h1", "text": "in A"},
             {"document": {"id": "B", "title": "B"}, "id": "h1", "text": "in B"},
             {"document": {"id": "B", "title": "B"}, "id": "h2", "text": "B2"},
             {"document": {"id": "C", "title": "C"}, "id": "h2", "text": "in C"}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    documents, state = _read(JsonLinesReader(), path)
    assert [(d.id, [h.text for h in d.highlights]) for d in documents] == [
        ("A", ["in A"]), ("B", ["B2"]), ("C", [])]  # a document is still read without it
    assert [str(p) for p in state.problems] == [
        f"{path}:2: highlight id 'h1' is already used in document 'A'; each highlight needs its own id",
        f"{path}:4: highlight id 'h2' is already used in document 'B'; each highlight needs its own id"]


def test_jsonl_lines_that_disagree_on_their_documents_fields_are_reported_and_the_first_kept(tmp_path):
    lines = [
        {"id": "h1", "text": "a", "document": {"id": "d1", "title": "T", "author": "A"}},
        {"id": "h2", "text": "b", "document": {"id": "d1", "title": "T", "author": "A"}},
        {"id": "h3", "text": "c", "document": {"id": "d1", "title": "Other title", "author": "B"}},
        {"id": "h4", "text": "d", "document": {"id": "d2", "title": "Two"}},
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    documents, state = _read(JsonLinesReader(), path)
    assert [(d.id, d.title, d.author, [h.id for h in d.highlights]) for d in documents] == [
        ("d1", "T", "A", ["h1", "h2", "h3"]), ("d2", "Two", None, ["h4"])]
    assert [(str(p), p.kept) for p in state.problems] == [
        (f"{path}:3: document 'd1' as on line 1: this line's title, author ignored "
         "(title: 'Other title' here, 'T' on line 1)", True)]
