"""Reading JSON people give us: malformed text is one reason, broken text is repaired."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from excerpta import json_load


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
