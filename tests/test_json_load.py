"""Reading JSON people give us: malformed text is one reason, broken text is repaired."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from excerpta import json_load
from excerpta.errors import InputError


@pytest.mark.parametrize("text", [
    '{"k\\udc00": ["cut emoji \\ud83d", {"deep": "x \\uDFFF y"}], "pair": "\\ud83d\\ude00"}',
    b'{"k\\udc00": ["cut emoji \\ud83d", {"deep": "x \\uDFFF y"}], "pair": "\\ud83d\\ude00"}',
])
def test_a_lone_surrogate_becomes_a_replacement_character_in_keys_and_values(text):
    data = json_load.loads(text)
    assert data == {"k\ufffd": ["cut emoji \ufffd", {"deep": "x \ufffd y"}], "pair": "\U0001f600"}
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # writable as UTF-8


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20))
def test_valid_json_reads_as_json_does(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert json_load.loads(text) == json.loads(text)
        assert json_load.loads(text.encode("utf-8")) == json.loads(text)


@given(st.lists(st.sampled_from(["a", "\\ud83d", "\\ude00", "\\u00e9", " "]), max_size=8))
def test_any_mix_of_escapes_reads_as_text_writable_as_utf8(parts):
    text = json_load.loads('"' + "".join(parts) + '"')
    text.encode("utf-8")
    assert text.replace("\ufffd", "").replace("\U0001f600", "") == "".join(
        {"a": "a", "\\u00e9": "é", " ": " "}.get(part, "") for part in parts)


@pytest.mark.parametrize(("text", "reason", "in_line"), [
    ('{"a": "cut', "malformed JSON: Unterminated string starting at line 1, column 7",
     "malformed JSON: Unterminated string starting at column 7"),
    (b'{\n  "a": }', "malformed JSON: Expecting value at line 2, column 8",
     "malformed JSON: Expecting value at column 8"),
    ('{"\u00e9t\u00e9": "\u00e9\n'.encode(), "malformed JSON: Invalid control character at line 1, "
     "column 11", "malformed JSON: Invalid control character at column 11"),  # characters, not bytes
])
def test_malformed_text_is_one_reason_saying_where(text, reason, in_line):
    with pytest.raises(json_load.JsonTextError) as caught:
        json_load.loads(text)
    assert (str(caught.value), caught.value.in_line()) == (reason, in_line)


def test_a_truncated_file_is_named_with_its_line_and_column(tmp_path):
    truncated = tmp_path / "trunc.json"
    truncated.write_text('{"count": 3, "nextPageCursor": 1, "results": [{"user_b', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        json_load.load_file(truncated, "w05/trunc.json")
    assert str(caught.value) == "w05/trunc.json:1: malformed JSON: Unterminated string starting at column 48"
