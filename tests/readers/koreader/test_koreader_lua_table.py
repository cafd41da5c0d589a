"""The Lua table parser reads what KOReader's dump.lua writes, and the rest of Lua's literal
syntax, as data: never a call, never deeper than its bound, any bytes a one-line error at worst."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from koreader_sidecars import lua_value

from excerpta.readers.koreader.lua_table import MAX_DEPTH, LuaSyntaxError, parse_lua_table


def test_a_string_continued_by_a_backslash_before_the_line_break_holds_that_line_break():
    assert parse_lua_table(b'return { ["t"] = "one\\\ntwo", ["w"] = "three\\\r\nfour" }') == {
        "t": "one\ntwo", "w": "three\nfour"}


@pytest.mark.parametrize(("literal", "text"), [
    (rb'"a\"b\\c"', 'a"b\\c'),
    (rb"'it\'s'", "it's"),
    (rb'"\a\b\f\n\r\t\v"', "\a\b\f\n\r\t\v"),
    (rb'"\226\128\148"', "\u2014"),  # decimal escapes are bytes: UTF-8 of an em dash
    (rb'"\0651"', "A1"),  # at most three digits
    (rb'"\xE2\x80\x94"', "\u2014"),
    (rb'"\u{263A}"', "\u263a"),
    (b'"a\\z   \n   b"', "ab"),
    ('"Vánagandrs ’"'.encode(), "Vánagandrs ’"),
    (b'"\xff"', "\ufffd"),  # not UTF-8: read as U+FFFD, never a crash
    (b"[[\nfirst line]]", "first line"),  # a line break right after [[ is dropped
    (b"[==[a]]b]=]c]==]", "a]]b]=]c"),
])
def test_string_escapes_and_long_strings_read_as_lua_reads_them(literal, text):
    assert parse_lua_table(b"return { " + literal + b" }") == {1: text}


def test_sparse_integer_keys_in_any_order_nested_tables_and_nil_values():
    data = b"""-- we can read Lua syntax here!
    --[==[ a long
    comment ]==]
    return {
        ["bookmarks"] = {
            [5] = { ["page"] = 3, ["pos"] = { 1.5, 2, } },
            [2] = {},
            [2.0] = { ["later"] = true },
        },
        name = "x"; ["gone"] = nil, [false] = 0x1F,
        "first", nil, "third",
    } -- done
    """
    assert parse_lua_table(data) == {
        "bookmarks": {5: {"page": 3, "pos": {1: 1.5, 2: 2}}, 2: {"later": True}},
        "name": "x", False: 31, 1: "first", 3: "third"}


@pytest.mark.parametrize(("literal", "number"), [
    (b"42", 42), (b"-7", -7), (b"1.5e3", 1500.0), (b".5", 0.5), (b"0x10", 16), (b"0x1p4", 16.0),
    (b"math.huge", math.inf), (b"-math.huge", -math.inf), (b"1/0", math.inf), (b"0x1p99999", math.inf),
    (b"123456789012345678901234567890", 1.2345678901234568e29),  # too large for an integer
])
def test_numbers_as_lua_reads_them(literal, number):
    assert parse_lua_table(b"return {" + literal + b"}") == {1: number}


def test_not_a_number_is_read_as_nan():
    assert math.isnan(parse_lua_table(b"return { 0/0 }")[1])


@pytest.mark.parametrize(("data", "error"), [
    (b"", "line 1: expected 'return {' (a Lua table)"),
    (b"return 12", "line 1: expected 'return {' (a Lua table)"),
    (b"return {\n  [\"a\"] = os.execute(\"rm -rf /\"),\n}", "line 2: unexpected name 'os'"),
    (b'return {\n\n "open\n"}', "line 3: a string that is not closed on its line"),
    (b"return {\n  [1] = 2,\n", "line 3: the file ends inside a table"),
    (b"return { [1] 2 }", "line 1: expected '=' after a table key"),
    (b"return { 1 2 }", "line 1: expected ',' or '}' in a table"),
    (b"return {}\nreturn {}", "line 2: unexpected text after the table"),
    (b'return { "\\q" }', "line 1: invalid escape \\q in a string"),
    (b'return { "\\300" }', "line 1: escape \\300 is not a byte"),
    (b"return { [nil] = 1 }", "line 1: a table key that is nil or NaN"),
    (b"return { [{}] = 1 }", "line 1: a table used as a table key"),
    (b"return { [[never closed }", "line 1: a long string that is never closed"),
    (b"return { 12abc }", "line 1: expected a number"),
])
def test_what_is_not_a_table_literal_is_an_error_naming_its_line(data, error):
    with pytest.raises(LuaSyntaxError) as caught:
        parse_lua_table(data)
    assert str(caught.value).startswith(error)


def test_nesting_is_bounded_so_a_hostile_file_cannot_exhaust_the_stack():
    deep_enough = b"return " + b"{" * MAX_DEPTH + b"}" * MAX_DEPTH
    assert parse_lua_table(deep_enough)
    with pytest.raises(LuaSyntaxError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_lua_table(b"return " + b"{" * 100_000 + b"}" * 100_000)


_KEYS = st.one_of(st.text(max_size=8), st.integers(-5, 50), st.booleans())
_SCALARS = st.one_of(st.text(), st.integers(-(2**62), 2**62), st.booleans(),
                     st.floats(allow_nan=False, allow_infinity=True).filter(lambda f: not f.is_integer()))
_TABLES = st.recursive(_SCALARS, lambda inner: st.dictionaries(_KEYS, inner, max_size=5), max_leaves=30)


@settings(max_examples=200, deadline=None)
@given(table=st.dictionaries(_KEYS, _TABLES, max_size=6))
def test_what_dump_lua_writes_reads_back_as_it_was(table):
    assert parse_lua_table(f"return {lua_value(table)}".encode()) == table


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(st.sampled_from('return{}[]="\\\n-;,.0x9eahuge/\'z'), max_size=200)
                      .map(str.encode)))
def test_any_bytes_give_a_table_or_a_one_line_syntax_error(data):
    try:
        parse_lua_table(data)
    except LuaSyntaxError as err:
        message = str(err)
    else:
        return
    assert "\n" not in message
    assert message.startswith("line ")


def test_an_unclosed_long_comment_is_an_error_found_in_one_pass():
    with pytest.raises(LuaSyntaxError, match=r"^line 2: a long comment that is never closed"):
        parse_lua_table(b"return {\n --[[ " + b"--[[\n" * 100_000)
    assert parse_lua_table(b"--[==[ a ]] ]==] return { 1 } --[[ c ]]") == {1: 1}
