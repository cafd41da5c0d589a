"""A Lua table literal parsed as data, never run: the ``return { … }`` KOReader writes.

KOReader saves a book's settings and annotations as a Lua chunk that returns one table
(``dump.lua``: ``["key"] = value,`` one per line, strings as ``%q`` writes them). This module
reads the subset of Lua such a chunk uses, and no more:

* comments (``-- line``, ``--[[ long ]]``), an optional ``return``, one table constructor;
* fields ``[key] = value``, ``name = value`` and positional values (keys 1, 2, …), separated
  by ``,`` or ``;``; a ``nil`` value leaves its key out, as in Lua;
* strings in ``"…"`` or ``'…'`` with every escape of Lua 5.1-5.4 (``\\n``, ``\\"``, ``\\``
  before a line break, ``\\ddd``, ``\\xXX``, ``\\z``, ``\\u{XXX}``) and long strings
  ``[[…]]``, ``[==[…]==]``; a string is bytes in Lua, decoded here as UTF-8 (bytes that are
  not: U+FFFD);
* numbers (decimal, hexadecimal, exponents, a leading ``-``), ``math.huge`` and the ``0/0``
  that ``dump.lua`` writes for NaN; ``true``, ``false``, ``nil``.

Anything else (a function call, an operator, a variable) is a :class:`LuaSyntaxError` naming
its line. The tokens (comments, strings, numbers) are read by :mod:`.lua_tokens`, the tables
here. Bounded: tables nest at most :data:`MAX_DEPTH` deep (KOReader's nest 4), so a
hostile file cannot exhaust the stack; memory is bounded by the caller's size limit.
"""

from __future__ import annotations

import math
import re
from typing import Any

from excerpta.readers.koreader.lua_tokens import LONG_OPEN, NAME, LuaScanner, LuaSyntaxError, after_space

__all__ = ["MAX_DEPTH", "LuaSyntaxError", "LuaTable", "parse_lua_table"]

MAX_DEPTH = 100
LuaTable = dict[Any, Any]  # keys: str, int, float, bool; values: those, None never, or LuaTable

_PLAIN_KEY = re.compile(rb'\[(?:"([^"\\\r\n]*)"|(-?\d{1,18}))\][ \t]*=[ \t]*')
_PLAIN_SEPARATOR = re.compile(rb"[,;][ \t\r\n]*")
_WORDS: dict[bytes, Any] = {b"true": True, b"false": False, b"nil": None}


def parse_lua_table(data: bytes) -> LuaTable:
    """The table that the Lua chunk ``data`` returns (``return { … }``, or ``{ … }`` alone).

    Raises LuaSyntaxError for anything else, text after the table included.
    """
    parser = _Parser(data)
    parser.skip()
    if parser.take_word(b"return"):
        parser.skip()
    if not parser.at(b"{"):
        parser.fail("expected 'return {' (a Lua table)")
    table = parser.table(0)
    parser.skip()
    if parser.at(b";"):
        parser.pos += 1
        parser.skip()
    if parser.pos < len(data):
        parser.fail("unexpected text after the table")
    return table


class _Parser(LuaScanner):
    """The grammar of a table literal: tables, their fields and values, over the tokens
    :class:`~excerpta.readers.koreader.lua_tokens.LuaScanner` reads."""

    __slots__ = ()

    def table(self, depth: int) -> LuaTable:
        if depth >= MAX_DEPTH:
            self.fail(f"tables nested more than {MAX_DEPTH} deep")
        self.pos += 1  # the "{"
        table: LuaTable = {}
        index = 0
        data = self.data
        while True:
            self.skip()
            if self.at(b"}"):
                self.pos += 1
                return table
            key: Any
            # The fast path: a key as dump.lua writes it, ``["name"] = `` or ``[12] = ``.
            if (plain := _PLAIN_KEY.match(data, self.pos)) is not None:
                name, number = plain.groups()
                key = name.decode("utf-8", errors="replace") if name is not None else int(number)
                self.pos = plain.end()
                if data[self.pos:self.pos + 1] in b" \t\r\n\f\v-":  # a line break or comment first
                    self.skip()
                value = self.value(depth)
            elif self.at(b"[") and not LONG_OPEN.match(data, self.pos):
                self.pos += 1
                self.skip()
                start = self.pos
                key = self.value(depth)
                if key is None or (isinstance(key, float) and math.isnan(key)):
                    self.fail("a table key that is nil or NaN", start)
                if isinstance(key, dict):
                    self.fail("a table used as a table key", start)
                if isinstance(key, float) and key.is_integer():
                    key = int(key)  # Lua 5.3+: [1.0] is the key 1
                self.expect(b"]", "']' after a table key")
                self.expect(b"=", "'=' after a table key")
                self.skip()
                value = self.value(depth)
            elif (name := self.field_name()) is not None:
                key = name
                self.skip()
                value = self.value(depth)
            else:
                index += 1
                key = index
                value = self.value(depth)
            if value is not None:
                table[key] = value
            if (separator := _PLAIN_SEPARATOR.match(data, self.pos)) is not None:
                self.pos = separator.end()
                continue
            self.skip()
            if self.at(b",") or self.at(b";"):
                self.pos += 1
            elif not self.at(b"}"):
                self.fail("expected ',' or '}' in a table")

    def field_name(self) -> str | None:
        """A ``name =`` field's name, read with its ``=``; None (nothing read) if there is none."""
        name = NAME.match(self.data, self.pos)
        if name is None or name.group() in _WORDS:
            return None
        after = after_space(self.data, name.end())
        if self.data[after:after + 1] != b"=" or self.data[after + 1:after + 2] == b"=":
            return None
        self.pos = after + 1
        return name.group().decode("ascii")

    def value(self, depth: int) -> Any:
        data, pos = self.data, self.pos
        if pos >= len(data):
            self.fail("the file ends inside a table")
        first = data[pos:pos + 1]
        if first == b"{":
            return self.table(depth + 1)
        if first in (b'"', b"'"):
            return self.short_string(first)
        if first == b"[":
            return self.long_string()
        if first == b"-":
            self.pos += 1
            self.skip()
            number = self.number_or_huge()
            return -number
        if first.isdigit() or first == b".":
            return self.number_or_huge()
        name = NAME.match(data, pos)
        if name is not None:
            word = name.group()
            if word in _WORDS:
                self.pos = name.end()
                return _WORDS[word]
            if word == b"math":
                return self.number_or_huge()
            self.fail(f"unexpected name {word.decode('ascii')!r} (a variable or a call: only data is read)")
        self.fail(f"expected a value, found {first.decode('latin-1')!r}")
