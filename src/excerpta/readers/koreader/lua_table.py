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
its line. Bounded: tables nest at most :data:`MAX_DEPTH` deep (KOReader's nest 4), so a
hostile file cannot exhaust the stack; memory is bounded by the caller's size limit.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_DEPTH = 100
LuaTable = dict[Any, Any]  # keys: str, int, float, bool; values: those, None never, or LuaTable

_BLANKS = re.compile(rb"\s*")
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(rb"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?"
                     rb"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# A short string: unrolled so that a long one is one regex step per run of plain bytes.
_SHORT_STRING = {
    quote: re.compile(quote + rb"([^" + quote + rb"\\\r\n]*(?:\\(?:\r\n|\n\r|z\s*|[\s\S])[^"
                      + quote + rb"\\\r\n]*)*)" + quote)
    for quote in (b'"', b"'")
}
_PLAIN_KEY = re.compile(rb'\[(?:"([^"\\\r\n]*)"|(-?\d{1,18}))\][ \t]*=[ \t]*')
_PLAIN_SEPARATOR = re.compile(rb"[,;][ \t\r\n]*")
_LONG_OPEN = re.compile(rb"\[(=*)\[")
_ESCAPE = re.compile(rb"\\(?:(\r\n|\n\r|\n|\r)|(\d{1,3})|x([0-9a-fA-F]{2})|z\s*|u\{([0-9a-fA-F]{1,8})\}|(.))",
                     re.S)
_SIMPLE_ESCAPES = {b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t",
                   b"v": b"\v", b"\\": b"\\", b'"': b'"', b"'": b"'"}
_MAX_INTEGER_DIGITS = 19  # 2**63 has 19 digits
_HUGE = re.compile(rb"math\s*\.\s*huge\b")
_WORDS: dict[bytes, Any] = {b"true": True, b"false": False, b"nil": None}


class LuaSyntaxError(ValueError):
    """The chunk is not a table literal this module reads; ``str()``: ``line N: reason``."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


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


class _Parser:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def fail(self, reason: str, at: int | None = None) -> None:
        where = self.pos if at is None else at
        raise LuaSyntaxError(self.data.count(b"\n", 0, where) + 1, reason)

    def skip(self) -> None:
        """Past blanks and comments. A long comment is found with one search, and one that is
        never closed is an error (as in Lua): a file of unclosed ones never costs n² steps."""
        self.pos = _after_space(self.data, self.pos, self)

    def at(self, token: bytes) -> bool:
        return self.data.startswith(token, self.pos)

    def take_word(self, word: bytes) -> bool:
        match = _NAME.match(self.data, self.pos)
        if match is not None and match.group() == word:
            self.pos = match.end()
            return True
        return False

    def expect(self, token: bytes, what: str) -> None:
        self.skip()
        if not self.at(token):
            self.fail(f"expected {what}")
        self.pos += len(token)

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
            elif self.at(b"[") and not _LONG_OPEN.match(data, self.pos):
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
        name = _NAME.match(self.data, self.pos)
        if name is None or name.group() in _WORDS:
            return None
        after = _after_space(self.data, name.end())
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
        name = _NAME.match(data, pos)
        if name is not None:
            word = name.group()
            if word in _WORDS:
                self.pos = name.end()
                return _WORDS[word]
            if word == b"math":
                return self.number_or_huge()
            self.fail(f"unexpected name {word.decode('ascii')!r} (a variable or a call: only data is read)")
        self.fail(f"expected a value, found {first.decode('latin-1')!r}")

    def number_or_huge(self) -> int | float:
        data = self.data
        if data.startswith(b"math", self.pos):
            match = _HUGE.match(data, self.pos)
            if match is None:
                self.fail("unexpected name 'math' (only math.huge is read)")
            self.pos = match.end()
            return math.inf
        match = _NUMBER.match(data, self.pos)
        if match is None or _NAME.match(data, match.end()):
            self.fail("expected a number")
        self.pos = match.end()
        number = _number(match.group())
        self.skip()
        if self.at(b"/"):  # dump.lua writes NaN as 0/0
            self.pos += 1
            self.skip()
            divisor = self.number_or_huge()
            if divisor == 0:
                return math.nan if number == 0 else math.copysign(math.inf, number)
            return number / divisor
        return number

    def short_string(self, quote: bytes) -> str:
        match = _SHORT_STRING[quote].match(self.data, self.pos)
        if match is None:
            self.fail("a string that is not closed on its line")
        start, self.pos = self.pos, match.end()
        body = match.group(1)
        if b"\\" in body:
            body = _ESCAPE.sub(lambda escape: self.unescape(escape, start), body)
        return body.decode("utf-8", errors="replace")

    def unescape(self, escape: re.Match[bytes], start: int) -> bytes:
        newline, decimal, hexadecimal, code_point, other = escape.groups()
        if newline is not None:
            return b"\n"
        if decimal is not None:
            if int(decimal) > 255:
                self.fail(f"escape \\{decimal.decode()} is not a byte", start)
            return bytes([int(decimal)])
        if hexadecimal is not None:
            return bytes([int(hexadecimal, 16)])
        if code_point is not None:
            value = int(code_point, 16)
            if value > 0x10FFFF:
                self.fail(f"escape \\u{{{code_point.decode()}}} is no Unicode character", start)
            return chr(value).encode("utf-8", errors="replace")
        if other is not None:
            try:
                return _SIMPLE_ESCAPES[other]
            except KeyError:
                self.fail(f"invalid escape \\{other.decode('latin-1')} in a string", start)
        return b""  # \z and the blanks after it

    def long_string(self) -> str:
        opening = _LONG_OPEN.match(self.data, self.pos)
        if opening is None:
            self.fail("expected a value, found '['")
        closing = b"]" + opening.group(1) + b"]"
        end = self.data.find(closing, opening.end())
        if end < 0:
            self.fail("a long string that is never closed")
        body = self.data[opening.end():end]
        if body.startswith(b"\r\n") or body.startswith(b"\n\r"):
            body = body[2:]
        elif body.startswith((b"\n", b"\r")):
            body = body[1:]  # Lua drops a line break right after the opening bracket
        self.pos = end + len(closing)
        return body.decode("utf-8", errors="replace")


def _after_space(data: bytes, pos: int, parser: _Parser | None = None) -> int:
    # Where the blanks and comments from ``pos`` end; an unclosed long comment: the parser's
    # error, else (a look-ahead) the end of the data.
    while True:
        blanks = _BLANKS.match(data, pos)
        pos = blanks.end() if blanks is not None else pos
        if not data.startswith(b"--", pos):
            return pos
        opening = _LONG_OPEN.match(data, pos + 2)
        if opening is None:
            end = data.find(b"\n", pos)
            pos = len(data) if end < 0 else end + 1
            continue
        end = data.find(b"]" + opening.group(1) + b"]", opening.end())
        if end < 0:
            if parser is not None:
                parser.fail("a long comment that is never closed", pos)
            return len(data)
        pos = end + len(opening.group(1)) + 2


def _number(token: bytes) -> int | float:
    text = token.decode("ascii")
    if text[:2] in ("0x", "0X"):
        if any(mark in text for mark in ".pP"):
            try:
                return float.fromhex(text)
            except OverflowError:  # 0x1p99999: Lua's is inf
                return math.inf
        return int(text, 16) & 0xFFFF_FFFF_FFFF_FFFF  # Lua wraps hexadecimal integers around
    if any(mark in text for mark in ".eE") or len(text) > _MAX_INTEGER_DIGITS:
        return float(text)
    number = int(text)
    return number if number < 2**63 else float(number)  # Lua 5.3+: too large for 64 bits, a float
