"""What the ingest endpoint takes from a body, and what it refuses whole."""

from __future__ import annotations

import json

import pytest

from excerpta.ingest.payload import PayloadError, check_body


def body(*highlights: object) -> bytes:
    return json.dumps({"highlights": list(highlights)}).encode()


def test_readwise_fields_and_moon_reader_chapter_are_kept_as_sent():
    checked = check_body(body({
        "text": "Call me Ishmael.", "title": "Moby-Dick", "author": "Herman Melville", "note": "opening",
        "chapter": "Loomings", "location": 12, "location_type": "page", "category": "books",
        "highlighted_at": "2024-03-01T10:00:00+02:00", "highlight_url": "https://x.test/h/1",
        "source_type": "moonreader", "image_url": "https://x.test/c.jpg", "unknown": "ignored"}))
    assert checked.highlights == [{
        "text": "Call me Ishmael.", "title": "Moby-Dick", "author": "Herman Melville", "note": "opening",
        "chapter": "Loomings", "location": 12, "location_type": "page", "category": "books",
        "highlighted_at": "2024-03-01T08:00:00Z", "highlight_url": "https://x.test/h/1",
        "source_type": "moonreader", "image_url": "https://x.test/c.jpg"}]
    assert checked.left_out == []


def test_a_field_not_sent_is_no_key_and_one_sent_empty_is_none():
    [highlight] = check_body(body({"text": "t", "note": "", "author": None})).highlights
    assert highlight == {"text": "t", "note": None, "author": None}


def test_a_bare_list_is_taken_as_the_highlights():
    assert check_body(b'[{"text": "a"}, {"text": "b"}]').highlights == [{"text": "a"}, {"text": "b"}]


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-01T10:00:00", "2024-03-01T10:00:00Z"),  # no offset: UTC, as Readwise takes it
    ("2024-03-01T10:00:00z", "2024-03-01T10:00:00Z"),
    (1709287200, "2024-03-01T10:00:00Z"),  # epoch seconds
    (1709287200123, "2024-03-01T10:00:00.123000Z"),  # epoch milliseconds, as Android counts
])
def test_dates_in_the_shapes_apps_send_are_read_as_utc(value, expected):
    [highlight] = check_body(body({"text": "t", "highlighted_at": value})).highlights
    assert highlight["highlighted_at"] == expected


@pytest.mark.parametrize(("field", "value", "why"), [
    ("location", "page ten", "not a whole number"),
    ("location", 1.5, "not a whole number"),
    ("location", "--5", "not a whole number"),
    ("location", "\u0665", "not a whole number"),  # a digit, but no ASCII one
    ("location", True, "not a whole number"),
    ("location", 2**70, "not a whole number"),
    ("category", "poems", "not one of articles, books, podcasts, supplementals, tweets"),
    ("location_type", "chapter", "not one of location, offset, order, page, time_offset"),
    ("highlighted_at", "yesterday", "not an ISO 8601 date"),
    ("highlighted_at", float("1e300"), "not an ISO 8601 date"),
    ("title", ["a", "list"], "not a string"),
])
def test_an_optional_field_that_does_not_fit_is_left_out_and_the_highlight_kept(field, value, why):
    checked = check_body(json.dumps({"highlights": [{"text": "kept", field: value}]}).encode())
    assert checked.highlights == [{"text": "kept"}]
    assert checked.left_out == [(0, field, why)]


def test_numbers_where_text_goes_are_taken_as_text_and_digits_as_a_location():
    [highlight] = check_body(body({"text": "t", "author": 1984, "chapter": 3, "location": " 42 "})).highlights
    assert (highlight["author"], highlight["chapter"], highlight["location"]) == ("1984", "3", 42)


def test_a_lone_note_is_a_highlight_with_empty_text():
    assert check_body(body({"note": "a thought"})).highlights == [{"note": "a thought", "text": ""}]


@pytest.mark.parametrize(("raw", "answer"), [
    (b"{", {"detail": "JSON parse error: the body is not JSON."}),
    (b"\xff\xfe", {"detail": "JSON parse error: the body is not JSON."}),
    (b'{"highlight": []}', {"highlights": ['Expected a list of items, as {"highlights": [...]}.']}),
    (b'"text"', {"highlights": ['Expected a list of items, as {"highlights": [...]}.']}),
    (b"[" * 100_000, {"detail": "JSON parse error: the body is not JSON."}),
])
def test_a_body_that_is_not_a_list_of_highlights_is_refused(raw, answer):
    with pytest.raises(PayloadError) as refused:
        check_body(raw)
    assert refused.value.answer == answer


def test_one_bad_highlight_refuses_the_request_naming_each_as_readwise_does():
    with pytest.raises(PayloadError) as refused:
        check_body(body({"text": "fine"}, {"title": "no text"}, "not an object", {"text": 7}, {"text": "  "}))
    blank = {"text": ["This field may not be blank."]}
    not_an_object = {"non_field_errors": ["Expected a highlight object."]}
    assert refused.value.answer == {"highlights": [
        {}, blank, not_an_object, {"text": ["Not a valid string."]}, blank]}
    assert str(refused.value) == ("4 of 5 highlight(s) refused (the first: number 2, "
                                  "text: This field may not be blank.)")
