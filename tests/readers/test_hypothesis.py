"""The ``hypothesis`` reader: Hypothesis annotations saved as JSON, from the corpus's API
answer read in place, and from small inputs built here for the other shapes and faults."""

from __future__ import annotations

import copy
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.readers.hypothesis import HypothesisReader

from paths import CORPUS

SEARCH = CORPUS / "hypothesis" / "SYNTHETIC_api_search_response.json"


def read(source: Path) -> tuple[list, ReadState]:
    state = ReadState()
    return list(HypothesisReader().read(str(source), state)), state


def rows() -> list[dict]:
    return json.loads(SEARCH.read_text(encoding="utf-8"))["rows"]


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_api_answer_gives_one_document_per_page_and_every_annotation_field():
    documents, state = read(SEARCH)
    assert state.problems == []
    article, pdf = documents
    assert (article.title, article.url, article.category, article.source) == (
        "On Reading", "https://example.org/essays/on-reading", "articles", "hypothesis")
    # The page note first, then the highlights in text order; the reply is not read.
    assert [h.id for h in article.highlights] == [f"hypothesis-SyntheticId000000000{n}" for n in (3, 1, 2)]
    note, quote, plain = article.highlights
    assert (note.text, note.note, note.location) == ("", "A page note: no selector at all.", None)
    assert quote.text == "Reading is to the mind what exercise is to the body."
    assert quote.note == "Classic quote; check attribution."
    assert (quote.location, quote.end_location, quote.location_type) == (120, 172, "offset")
    assert quote.tags == ["quotes", "reading"]
    assert quote.highlighted_at == datetime(2024, 3, 1, 10, 11, 12, 345678, tzinfo=UTC)
    assert quote.updated_at == datetime(2024, 3, 1, 10, 12, tzinfo=UTC)
    assert quote.url == "https://hyp.is/SyntheticId0000000001/example.org/"
    assert plain.note is None
    # A PDF without a title: named by its URI, no web link, its newline kept.
    assert (pdf.title, pdf.url, pdf.category) == ("urn:x-pdf:3f1c2a", None, None)
    assert [h.text for h in pdf.highlights] == ["PDF text with\nnewline"]


def test_every_saved_shape_reads_the_same_highlights_under_the_same_ids(tmp_path):
    expected = [[h.model_dump() for h in d.highlights] for d in read(SEARCH)[0]]
    answer = json.loads(SEARCH.read_text(encoding="utf-8"))
    shapes = {
        "export.json": {"export_date": "2024-04-01T00:00:00Z", "client_version": "1.1",
                        "export_userid": "acct:example_reader@hypothes.is", "annotations": answer["rows"]},
        "pages.json": [{"total": 5, "rows": answer["rows"][:2]}, {"total": 5, "rows": answer["rows"][2:]}],
        "bare.json": answer["rows"],
    }
    for name, data in shapes.items():
        documents, state = read(write(tmp_path, name, data))
        assert state.problems == [], name
        assert [[h.model_dump() for h in d.highlights] for d in documents] == expected, name


def test_selectors_of_a_pdf_page_and_an_epub_chapter_are_kept(tmp_path):
    record = copy.deepcopy(rows()[0])
    record["target"][0]["selector"] += [{"type": "PageSelector", "index": 11, "label": "xii"},
                                        {"type": "EPUBContentSelector", "title": "Chapter 2", "cfi": "/6/4"}]
    [document], _ = read(write(tmp_path, "one.json", record))
    assert (document.highlights[0].page, document.highlights[0].chapter) == ("xii", "Chapter 2")


def test_a_bad_record_is_reported_and_the_others_kept(tmp_path):
    records = rows()[:2]
    no_uri, no_id, bad_date = (copy.deepcopy(records[0]) for _ in range(3))
    del no_uri["uri"]
    no_id["id"] = ""
    bad_date["id"], bad_date["created"] = "Dated", "yesterday"
    empty = {**copy.deepcopy(records[0]), "id": "Empty", "text": "", "target": [{"source": "x"}]}
    path = write(tmp_path, "mixed.json", {"total": 7, "rows": [*records, no_uri, no_id, 42, bad_date, empty]})
    documents, state = read(path)
    # Undated, the copy sorts before the highlight at its offset.
    assert [h.id for h in documents[0].highlights] == [
        "hypothesis-Dated", "hypothesis-SyntheticId0000000001", "hypothesis-SyntheticId0000000002"]
    assert [str(p) for p in state.problems] == [
        f'{path}: rows[2]: no "uri": the page it annotates',
        f'{path}: rows[3]: no "id"',
        f"{path}: rows[4]: not a Hypothesis annotation (no target list)",
        f"{path}: rows[5]: created 'yesterday' is not an ISO 8601 time with an offset; read without it",
        f"{path}: rows[6]: neither highlighted text nor a note",
    ]
    assert [p.kept for p in state.problems] == [False, False, False, True, False]
    assert state.left_out == {"hypothesis-Dated": frozenset({"highlighted_at"})}


@pytest.mark.parametrize(("content", "said"), [
    ('{"total": 0, "hits": []}', "expected Hypothesis annotations"),
    ("[1, 2", "h.json:1: malformed JSON"),
])
def test_a_file_with_no_annotation_is_one_error(tmp_path, content, said):
    path = tmp_path / "h.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=said):
        read(path)


@pytest.mark.parametrize("content", ['{"total": 0, "rows": []}', '[{"total": 5, "rows": []}]',
                                     '{"export_date": "2024-04-01", "annotations": []}'])
def test_an_empty_page_reads_as_nothing_not_as_an_error(tmp_path, content):
    # A search that found nothing, or the last page of a pagination saved with the others.
    path = tmp_path / "h.json"
    path.write_text(content, encoding="utf-8")
    assert read(path)[0] == []
    assert read(path)[1].problems == []


def test_it_is_recognised_by_content_and_not_taken_for_readwise(tmp_path):
    assert registry.detect_reader(InputProbe.of(str(SEARCH))).name == "hypothesis"
    renamed = write(tmp_path, "annotations.txt", json.loads(SEARCH.read_text(encoding="utf-8")))
    assert registry.detect_reader(InputProbe.of(str(renamed))).name == "hypothesis"
    readwise = CORPUS / "readwise" / "synthetic" / "v2-export-page1.synthetic.json"
    assert HypothesisReader.recognize(InputProbe.of(str(readwise))) == 0


def test_a_folder_reads_each_file_and_reports_one_that_is_not_annotations(tmp_path):
    answer = json.loads(SEARCH.read_text(encoding="utf-8"))
    write(tmp_path, "1.json", {"total": 5, "rows": answer["rows"][:3]})
    write(tmp_path, "2.json", {"total": 5, "rows": answer["rows"][3:]})
    broken = tmp_path / "3.json"
    broken.write_text("{", encoding="utf-8")
    documents, state = read(tmp_path)
    assert sorted(h.id for d in documents for h in d.highlights) == sorted(
        h.id for d in read(SEARCH)[0] for h in d.highlights)
    assert [p.source for p in state.problems] == [str(broken)]


def test_an_annotation_edited_in_hypothesis_updates_its_highlight_in_a_library(run_cli, tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    edited = rows()
    source = write(tmp_path, "h.json", {"total": 5, "rows": edited})
    assert run_cli("--state", state, "convert", source, "--to", "json", "--out", out).exit_code == 0
    edited[0]["text"], edited[0]["updated"] = "Checked: Addison.", "2024-05-01T00:00:00+00:00"
    write(tmp_path, "h.json", {"total": 5, "rows": edited})
    result = run_cli("--state", state, "convert", source, "--to", "json", "--out", out)
    assert result.exit_code == 0
    library = json.loads(out.read_text(encoding="utf-8"))
    notes = {h["id"]: h["note"] for d in library["documents"] for h in d["highlights"]}
    assert len(notes) == 4
    assert notes["hypothesis-SyntheticId0000000001"] == "Checked: Addison."


def test_it_converts_to_obsidian_notes(run_cli, tmp_path):
    vault = tmp_path / "vault"
    result = run_cli("convert", SEARCH, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    note = (vault / "Articles" / "On Reading.md").read_text(encoding="utf-8")
    assert "- Reading is to the mind what exercise is to the body. ([View Highlight](https://hyp.is/" in note
    assert "    - Note: Classic quote; check attribution." in note


def test_a_value_of_the_wrong_type_is_reported_and_left_out_never_dropped_silently(tmp_path):
    good = rows()[0]
    odd = {**copy.deepcopy(good), "id": "Odd", "text": 5, "tags": "x"}
    odd["target"][0]["selector"][1]["start"] = "abc"
    nested = copy.deepcopy(good)
    nested["id"] = "Nested"
    nested["target"][0]["selector"][2]["exact"] = {"a": 1}
    path = write(tmp_path, "odd.json", {"total": 3, "rows": [good, odd, nested]})
    [document], state = read(path)
    kept = {h.id: h for h in document.highlights}
    assert sorted(kept) == ["hypothesis-Odd", "hypothesis-SyntheticId0000000001"]
    odd_read = kept["hypothesis-Odd"]
    quote = good["target"][0]["selector"][2]["exact"]
    assert (odd_read.text, odd_read.note, odd_read.location, odd_read.tags) == (quote, None, None, [])
    assert [(str(p), p.kept) for p in state.problems] == [
        (f"{path}: rows[1]: text: expected a string; read without it", True),
        (f"{path}: rows[1]: TextPositionSelector: expected whole-number offsets, start <= end; "
         "read without it", True),
        (f"{path}: rows[1]: tags: expected a list of strings; read without it", True),
        (f"{path}: rows[2]: TextQuoteSelector.exact: expected a string (the highlighted text)", False),
    ]
    assert state.left_out == {"hypothesis-Odd": frozenset(
        {"note", "location", "end_location", "location_type", "tags"})}


def test_a_named_pipe_among_a_folders_json_files_is_never_opened(tmp_path):
    # Detection opened the folder's first *.json files, a pipe too: it waited for a writer forever.
    os.mkfifo(tmp_path / "a.json")
    write(tmp_path, "b.json", json.loads(SEARCH.read_text(encoding="utf-8")))
    found: list[int] = []
    folder = InputProbe.of(str(tmp_path))
    probe = threading.Thread(target=lambda: found.append(HypothesisReader.recognize(folder)), daemon=True)
    probe.start()
    probe.join(timeout=10)
    assert found == [60]
