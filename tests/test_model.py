"""The canonical model enforces its conventions at the boundary."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from excerpta.model import Document, Highlight, Library


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValidationError, match="timezone"):
        Highlight(id="h1", text="x", highlighted_at=datetime(2024, 1, 1, 12, 0))


def test_empty_optional_strings_become_null():
    highlight = Highlight(id="h1", text="x", note="", color="", url="")
    assert (highlight.note, highlight.color, highlight.url) == (None, None, None)


def test_highlight_text_may_be_empty_but_id_may_not():
    assert Highlight(id="h1", text="").text == ""
    with pytest.raises(ValidationError):
        Highlight(id="", text="x")


def test_unknown_fields_are_rejected_so_typos_are_reported():
    with pytest.raises(ValidationError, match="highlited_at"):
        Highlight.model_validate({"id": "h1", "text": "x", "highlited_at": "2024-01-01T00:00:00Z"})


def test_positions_keep_their_type():
    assert Highlight(id="h", text="t", location=12).location == 12
    assert Highlight(id="h", text="t", location="xii").location == "xii"


def test_library_only_accepts_schema_version_1():
    assert Library().schema_version == 1
    with pytest.raises(ValidationError):
        Library.model_validate({"schema_version": 2, "documents": []})


def test_offsets_survive_serialisation():
    raw = {"id": "h", "text": "t", "highlighted_at": "2024-05-10T07:45:00+01:00"}
    highlight = Highlight.model_validate(raw)
    assert highlight.model_dump(mode="json")["highlighted_at"] == "2024-05-10T07:45:00+01:00"


def test_document_category_is_one_of_the_readwise_categories():
    with pytest.raises(ValidationError):
        Document(id="d", title="t", category="novels")
