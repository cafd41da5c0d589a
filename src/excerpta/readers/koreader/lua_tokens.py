"""The tokens of the Lua subset :mod:`.lua_table` reads: blanks and comments, names, numbers
(with ``math.huge`` and the ``0/0`` of NaN), short strings with their escapes and long strings;
and :class:`LuaSyntaxError`, raised for a chunk that is not such data.

:class:`LuaScanner` is the base of :mod:`.lua_table`'s parser: it holds the chunk (``data``,
bytes) and how far it is read (``pos``); each method reads one token at ``pos`` and moves past
it, or raises LuaSyntaxError naming the line (:meth:`LuaScanner.fail`). :func:`after_space` is
where the blanks and comments from a position end.
"""

from __future__ import annotations

import math
import re

_BLANKS = re.compile(rb"\s*")
NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(rb"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?"
                     rb"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# A short string: unrolled so that a long one is one regex step per run of plain bytes.
_SHORT_STRING = {
    quote: re.compile(quote + rb"([^" + quote + rb"\\\r\n]*(?:\\(?:\r\n|\n\r|z\s*|[\s\S])[^"
                      + quote + rb"\\\r\n]*)*)" + quote)
    for quote in (b'"', b"'")
}
LONG_OPEN = re.compile(rb"\[(=*)\[")
_ESCAPE = re.compile(rb"\\(?:(\r\n|\n\r|\n|\r)|(\d{1,3})|x([0-9a-fA-F]{2})|z\s*|u\{([0-9a-fA-F]{1,8})\}|(.))",
                     re.S)
_SIMPLE_ESCAPES = {b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t",
                   b"v": b"\v", b"\\": b"\\", b'"': b'"', b"'": b"'"}
_MAX_INTEGER_DIGITS = 19  # 2**63 has 19 digits
_HUGE = re.compile(rb"math\s*\.\s*huge\b")


class LuaSyntaxError(ValueError):
    """The chunk is not a table literal :mod:`.lua_table` reads; ``str()``: ``line N: reason``."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class LuaScanner:
    """The chunk being read and the position in it, with the readers of its tokens; see the
    module docstring."""

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
        self.pos = after_space(self.data, self.pos, self)

    def at(self, token: bytes) -> bool:
        return self.data.startswith(token, self.pos)

    def take_word(self, word: bytes) -> bool:
        match = NAME.match(self.data, self.pos)
        if match is not None and match.group() == word:
            self.pos = match.end()
            return True
        return False

    def expect(self, token: bytes, what: str) -> None:
        self.skip()
        if not self.at(token):
            self.fail(f"expected {what}")
        self.pos += len(token)

    def number_or_huge(self) -> int | float:
        data = self.data
        if data.startswith(b"math", self.pos):
            match = _HUGE.match(data, self.pos)
            if match is None:
                self.fail("unexpected name 'math' (only math.huge is read)")
            self.pos = match.end()
            return math.inf
        match = _NUMBER.match(data, self.pos)
        if match is None or NAME.match(data, match.end()):
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
        opening = LONG_OPEN.match(self.data, self.pos)
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


def after_space(data: bytes, pos: int, parser: LuaScanner | None = None) -> int:
    """Where the blanks and comments from ``pos`` end; an unclosed long comment: the parser's
    error, else (a look-ahead) the end of the data."""
    while True:
        blanks = _BLANKS.match(data, pos)
        pos = blanks.end() if blanks is not None else pos
        if not data.startswith(b"--", pos):
            return pos
        opening = LONG_OPEN.match(data, pos + 2)
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
