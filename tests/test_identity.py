"""Ids are stable: same identity, same id, in any process; content hashes track every field."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from excerpta.identity import (
    _ASCII_WHITESPACE,
    content_hash,
    document_id,
    highlight_id,
    normalize_text,
    source_id,
)
from excerpta.model import Highlight


def test_document_id_ignores_case_whitespace_bom_and_unicode_form():
    base = document_id("Faust: Eine Tragödie", "Goethe")
    assert document_id("\ufefffaust:  eine  TRAGÖDIE ", "goethe") == base
    assert document_id("Faust: Eine Trago\u0308die", "Goethe") == base  # decomposed umlaut
    assert document_id("Faust: Eine Tragödie", "Schiller") != base


def test_document_id_prefers_the_url_and_ignores_its_fragment_and_trailing_slash():
    a = document_id("A title", None, "https://Example.com/post/")
    assert a == document_id("Another title", "someone", "https://example.com/post#section")
    assert a != document_id("A title", None, "https://example.com/other")


def test_a_url_whose_host_is_no_address_gives_an_id_all_the_same():
    # urlsplit refuses "[x]" as a host (no IPv6 address): a hostile source URL, not a crash.
    url = "https://a) [x](javascript:alert(1)"
    assert document_id("T", None, url) == document_id("Other", None, f" {url} ") != document_id("T")


def test_highlight_id_depends_on_document_position_and_text():
    doc = document_id("Walden", "Thoreau")
    first = highlight_id(doc, "Simplify, simplify.", 1420)
    assert first == highlight_id(doc, "simplify,\r\nsimplify.", "1420")
    assert first != highlight_id(doc, "Simplify, simplify.", 1421)
    assert first != highlight_id(document_id("Walden", "Someone"), "Simplify, simplify.", 1420)


def test_source_ids_carry_their_namespace():
    assert source_id("readwise", 123) == "readwise-123"


def test_ids_are_the_same_in_another_process():
    code = ("from excerpta.identity import document_id, highlight_id;"
            "d = document_id('Walden', 'Thoreau'); print(d, highlight_id(d, 'x', 5))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PYTHONPATH": ":".join(sys.path)})
    doc = document_id("Walden", "Thoreau")
    assert other.stdout.split() == [doc, highlight_id(doc, "x", 5)]


def test_content_hash_changes_with_any_field_and_only_then():
    highlight = Highlight(id="h", text="t")
    same = Highlight(id="h", text="t")
    assert content_hash(highlight) == content_hash(same)
    assert content_hash(highlight) != content_hash(Highlight(id="h", text="t", is_favorite=True))
    assert content_hash(highlight) != content_hash(Highlight(id="h", text="t", note="n"))


def test_normalize_text_collapses_whitespace():
    assert normalize_text("  A\tb\n\nC ") == "a b c"


@given(st.text())
def test_normalize_text_collapses_exactly_what_a_whitespace_regex_would(value):
    folded = unicodedata.normalize("NFKC", value.replace("\ufeff", "")).casefold()
    assert normalize_text(value) == re.sub(r"\s+", " ", folded).strip()


def test_every_whitespace_character_but_the_space_is_unprintable():
    # normalize_text's shortcut for already-collapsed text rests on these two facts.
    whitespace = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    assert [char for char in whitespace if char.isprintable()] == [" "]
    assert [char for char in whitespace if char.isascii() and char != " "] == list(_ASCII_WHITESPACE.decode())


PASSAGE_CHARACTERS = st.sampled_from(list("aZ ß.’\u00a0\u3000\u2028\u1680\x85\t\n\r\x0b\x1c\x1f\x7f\ufeffﬁÅ"))
WORDS = st.sampled_from(["word", "Wörd", "’s", "ﬁx", "end."])
GAPS = st.sampled_from([" "] * 8 + ["  ", "\t", "\u00a0", "\u2028", "\x1f"])
EDGES = st.sampled_from(["", "", " ", "\n", "\u3000"])
SPACED_WORDS = st.tuples(EDGES, st.lists(st.tuples(WORDS, GAPS), min_size=9), EDGES).map(
    lambda t: t[0] + "".join(word + gap for word, gap in t[1]) + "last" + t[2])
PASSAGES = (st.text(alphabet=PASSAGE_CHARACTERS | st.characters(), min_size=30, max_size=120)
            | st.text(alphabet=st.characters(max_codepoint=127), min_size=30, max_size=120) | SPACED_WORDS)


@given(PASSAGES)
@example("a passage that is long enough to matter ")
@example(" a passage that is long enough to matter")
@example("a passage that is long  enough to matter")
@example("a passage that is long\x1fenough to matter")
@example("a passage that is löng\u2028enough to matter")
@example("a passage that is löng\u3000enough to matter\ufeff")
def test_normalize_text_of_a_passage_is_nfkc_casefolded_with_whitespace_collapsed(value):
    folded = unicodedata.normalize("NFKC", value.replace("\ufeff", "")).casefold()
    assert normalize_text(value) == " ".join(folded.split())


def test_ids_keep_the_values_users_already_have():
    # Anki note GUIDs and Obsidian block ids are these strings: a change to normalisation or
    # hashing must not change them. Values computed by the implementation of 2026-11.
    doc = document_id("Walden", "Henry David Thoreau")
    assert doc == "d8a640a73bc629520b22b"
    assert highlight_id(doc, "I went to the woods because I wished to live deliberately.", 70) == (
        "hcddbf0c6bc7b189bf753")
    assert highlight_id(doc, "  Ünïcödé\u00a0“quoted”  text\n\nwith ﬁ ligature ", "note:p12") == (
        "hf801b9d8c1a39a58e66e")


@given(st.integers())
def test_an_integer_position_gives_the_id_of_its_normalised_digits(position):
    assert highlight_id("d1", "text", position) == highlight_id("d1", "text", normalize_text(str(position)))
