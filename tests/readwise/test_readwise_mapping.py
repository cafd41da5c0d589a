"""The one Readwise → canonical mapping, on small records made by code."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.readwise.mapping import book_to_document
from excerpta.readwise.records import RecordError, highlight_book_id

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["", "books", "page", "kindle", "2024-05-01T10:00:00Z"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
BOOK_KEYS = ["user_book_id", "id", "title", "readable_title", "author", "category", "source",
             "source_url", "unique_url", "cover_image_url", "asin", "book_tags", "tags",
             "document_note", "summary", "external_id", "is_deleted", "highlights", "num_highlights"]
HIGHLIGHT_KEYS = ["id", "text", "note", "location", "location_type", "end_location", "color",
                  "highlighted_at", "updated_at", "updated", "url", "tags", "is_favorite",
                  "is_deleted", "is_discard", "external_id", "book_id"]


def book(**fields):
    return {"user_book_id": 42, "title": "A Title", "source": "kindle", "category": "books",
            "highlights": [], **fields}


# Every key the export gives a highlight: one it leaves out, the highlight does not say.
SAID = {"note": None, "tags": [], "is_favorite": False, "color": None, "location": None,
        "location_type": None, "end_location": None, "url": None, "highlighted_at": None, "updated_at": None,
        "is_deleted": False}


def highlight(n=1, **fields):
    return {"id": n, "text": f"text {n}", "book_id": 42, **SAID, **fields}


def mapped(record, **options):
    """The document and the problems of highlights left out (read in part: see mapped_in_part)."""
    document, problems, _ = mapped_in_part(record, **options)
    return document, problems


def mapped_in_part(record, **options):
    """The document, the highlights left out, and those kept without some fields."""
    problems, in_part = [], []
    document = book_to_document(record, lambda where, reason: problems.append((where, reason)),
                                report_kept=lambda where, reason: in_part.append((where, reason)),
                                **options)
    return document, problems, in_part


def test_ids_derive_from_readwise_ids():
    document, _ = mapped(book(highlights=[highlight(7)]))
    assert document.id == "readwise-42"
    assert document.highlights[0].id == "readwise-7"
    assert document.highlights[0].external_ids == {"readwise": "7"}


def test_a_deleted_book_turns_its_highlights_into_tombstones():
    document, _ = mapped(book(is_deleted=True, highlights=[highlight(1), highlight(2)]))
    assert [h.is_deleted for h in document.highlights] == [True, True]


@pytest.mark.parametrize(("is_deleted", "told"), [(True, True), (False, False), (None, False),
                                                  (1, False), ("true", False), ("false", False)])
def test_only_an_explicit_is_deleted_true_tells_the_book_deleted_whole_and_its_listed_highlights(
        is_deleted, told):
    # One rule for both: an odd value deletes neither the book nor the highlights it lists.
    deletions = []
    document, _ = mapped(book(is_deleted=is_deleted, highlights=[highlight(1, is_discard=True)]),
                         keep_discarded=True, delete_document=lambda *said: deletions.append(said))
    assert deletions == [("readwise-42", told)]
    assert document.highlights[0].is_deleted is told


def test_readable_title_is_only_a_fallback_for_an_empty_title():
    assert mapped(book(title="", readable_title="Short"))[0].title == "Short"
    assert mapped(book(title="Long: Sub", readable_title="Long"))[0].title == "Long: Sub"
    assert mapped(book(title=None))[0].title == "Readwise book 42"


def test_readable_title_is_kept_beside_the_full_title_when_it_differs():
    full = "Screenwriting: The Sequence Approach"
    document, _ = mapped(book(title=full, readable_title="Screenwriting"))
    assert (document.title, document.readable_title) == (full, "Screenwriting")
    assert document.id == "readwise-42"  # the id is the book's, whatever its titles
    # Title-cased only (Readwise's readable title of an article) is a different name too.
    article, _ = mapped(book(title="la hipótesis", readable_title="La Hipótesis"))
    assert article.readable_title == "La Hipótesis"


@pytest.mark.parametrize("readable", ["A Title", "", "  ", None, 7, ["A"]])
def test_a_readable_title_equal_to_the_title_empty_or_no_text_is_none_and_the_book_is_kept(readable):
    document, problems = mapped(book(readable_title=readable))
    assert (document.title, document.readable_title, problems) == ("A Title", None, [])


def test_a_record_without_readable_title_does_not_say_it_so_the_library_keeps_its_own():
    unsaid = []
    mapped(book(highlights=[highlight()]), leave_out_document=lambda doc_id, fields: unsaid.append(fields))
    assert "readable_title" in unsaid[0]
    unsaid.clear()
    mapped(book(readable_title="A Title"), leave_out_document=lambda doc_id, fields: unsaid.append(fields))
    assert "readable_title" not in unsaid[0]


def test_unknown_category_is_other_and_unknown_location_type_is_dropped():
    document, _ = mapped(book(category="videos", highlights=[highlight(location=3, location_type="chapter")]))
    assert document.category == "other"
    assert (document.highlights[0].location, document.highlights[0].location_type) == (3, None)


def test_an_external_id_of_another_source_is_kept_under_that_source():
    document, _ = mapped(book(source="snipd", external_id="ep-9",
                              highlights=[highlight(external_id="5f1a")]))
    assert document.external_ids == {"readwise": "42", "snipd": "ep-9"}
    assert document.highlights[0].external_ids == {"readwise": "1", "snipd": "5f1a"}


def test_empty_strings_become_null_and_a_deleted_highlights_null_text_becomes_empty():
    record = book(author="", document_note="", highlights=[
        highlight(text="", note="", color=""), highlight(2, text=None, is_deleted=True)])
    document, _ = mapped(record)
    assert (document.author, document.document_note) == (None, None)
    assert [(h.text, h.note, h.color, h.is_deleted) for h in document.highlights] == [
        ("", None, None, False), ("", None, None, True)]


@pytest.mark.parametrize("text", [None, "missing"])
def test_a_live_highlight_without_text_is_reported_and_not_merged(text):
    # A page a proxy cut short blanked highlights in the library and notes (Readwise audit).
    sent = highlight(2, text=text)
    if text == "missing":
        del sent["text"]
    document, problems = mapped(book(highlights=[highlight(1), sent]))
    assert [h.id for h in document.highlights] == ["readwise-1"]
    assert problems == [("highlights[1]", 'highlight without text (expected "text": a string)')]


def test_the_fields_a_highlight_holds_no_key_for_are_told_for_the_merge_to_keep():
    left_out = []
    bare = {"id": 1, "text": "t", "location": 3}  # no note, tags, favourite...
    book_to_document(book(highlights=[bare]), lambda where, reason: None,
                     leave_out=lambda *told: left_out.append(told))
    assert left_out == [("readwise-1", frozenset(SAID) - {"location"})]


def test_a_bad_highlight_is_reported_and_the_others_kept():
    document, problems = mapped(book(highlights=[highlight(1), {"text": "no id"}, "nonsense",
                                                 highlight(4, text=["not", "text"])]))
    assert [h.id for h in document.highlights] == ["readwise-1"]
    assert problems == [("highlights[1]", "highlight without id"),
                        ("highlights[2]", "expected a highlight object"),
                        ("highlights[3]", "text: expected a string")]


def test_a_field_that_does_not_fit_is_left_out_and_the_highlight_kept_and_reported_in_part():
    zoneless = highlight(1, note="my note", highlighted_at="2025-06-01T10:00:00", location=7)
    document, problems, in_part = mapped_in_part(book(highlights=[zoneless, highlight(2, color=5, tags="x")]))
    first, second = document.highlights
    assert (first.id, first.text, first.note, first.location, first.highlighted_at) == (
        "readwise-1", "text 1", "my note", 7, None)
    assert (second.id, second.color, second.tags) == ("readwise-2", None, [])
    assert problems == []
    assert in_part == [
        ("highlights[0]", "highlighted_at: datetime needs a timezone (e.g. 2024-05-01T10:00:00Z); "
                          "read without highlighted_at"),
        ("highlights[1]", "color: expected a string; read without color, tags")]


@pytest.mark.parametrize("odd", [{"color": 5}, {"highlighted_at": "2025-06-01T10:00:00"},
                                 {"text": 12}, {"tags": "x", "note": ["n"], "location": 1.5}])
def test_a_deletion_is_applied_whatever_its_other_fields_say(odd):
    document, problems, in_part = mapped_in_part(book(highlights=[highlight(3, is_deleted=True, **odd)]))
    [tombstone] = document.highlights
    assert (tombstone.id, tombstone.is_deleted) == ("readwise-3", True)
    assert problems == []
    assert len(in_part) == 1


def test_the_fields_left_out_are_told_with_the_highlight_id_for_the_merge_to_keep():
    left_out = []
    book_to_document(book(highlights=[highlight(1), highlight(2, color=5, tags="x"),
                                      highlight(3, is_deleted=True, text=12)]),
                     lambda where, reason: None, leave_out=lambda *told: left_out.append(told))
    assert left_out == [("readwise-2", frozenset({"color", "tags"})), ("readwise-3", frozenset({"text"}))]


def test_without_report_kept_a_highlight_read_in_part_is_reported_through_report():
    problems = []
    document = book_to_document(book(highlights=[highlight(1, color=5)]),
                                lambda where, reason: problems.append((where, reason)))
    assert [h.id for h in document.highlights] == ["readwise-1"]
    assert problems == [("highlights[0]", "color: expected a string; read without color")]


@pytest.mark.parametrize(("sent", "location"), [("12", 12), (" 0013 ", 13), (12, 12), ("xii", "xii"),
                                                ("1" * 19, "1" * 19), ("\u0663", "\u0663"), ("", None)])
def test_a_location_sent_as_a_string_of_digits_is_a_number(sent, location):
    document, _ = mapped(book(highlights=[highlight(1, location=sent, end_location=sent)]))
    assert (document.highlights[0].location, document.highlights[0].end_location) == (location, location)


def test_numeric_string_locations_sort_with_numeric_ones():
    document, _ = mapped(book(highlights=[highlight(1, location="12"), highlight(2, location=5)]))
    assert sorted(h.location for h in document.highlights) == [5, 12]


@pytest.mark.parametrize(("record", "reason"), [
    (book(user_book_id=None), "book without user_book_id"),
    (book(user_book_id=[42]), "book without user_book_id"),
    (book(category=["books"]), "category: not one of the allowed values"),
    (book(source=["kindle"], external_id="x"), "source: expected a string"),
    (book(title=123), "title: expected a string"),
    (book(highlights="many"), "highlights: expected a list"),
    (book(book_tags="x"), "tags: expected a list"),
])
def test_an_unusable_book_is_a_record_error(record, reason):
    with pytest.raises(RecordError, match=reason):
        mapped(record)


def test_a_list_or_object_where_a_choice_goes_is_reported_not_a_crash():
    document, _, in_part = mapped_in_part(book(highlights=[highlight(1, location_type=["page"]),
                                                           highlight(2)]))
    assert [(h.id, h.location_type) for h in document.highlights] == [("readwise-1", None),
                                                                      ("readwise-2", None)]
    assert in_part == [("highlights[0]", "location_type: not one of the allowed values; "
                                          "read without location_type")]


@pytest.mark.parametrize("book_id", ["", " ", None, [7], {"id": 7}, True, 1.5])
def test_a_highlight_naming_no_usable_book_id_is_a_record_error(book_id):
    with pytest.raises(RecordError, match="book_id: expected a Readwise book id"):
        highlight_book_id(highlight(book_id=book_id))


@settings(max_examples=150, deadline=None)
@given(book_fields=st.dictionaries(st.sampled_from(BOOK_KEYS), JSON_VALUES, max_size=4),
       highlight_fields=st.dictionaries(st.sampled_from(HIGHLIGHT_KEYS), JSON_VALUES, max_size=4))
def test_any_json_value_in_any_field_is_mapped_or_a_record_problem(book_fields, highlight_fields):
    record = book(**{"highlights": [highlight(1, **highlight_fields)], **book_fields})
    # Only RecordError may escape; anything else (TypeError, ValueError...) fails the test.
    with contextlib.suppress(RecordError):
        document, problems, in_part = mapped_in_part(record)
        assert len(document.highlights) + len(problems) == len(record["highlights"] or [])
        assert len(in_part) <= len(document.highlights)
    with contextlib.suppress(RecordError):
        assert highlight_book_id(highlight(**highlight_fields)).startswith("readwise-")
