"""Reading JSON that users give us: every way :mod:`json` rejects a text becomes one reason.

``json`` raises JSONDecodeError for malformed text, but a plain ValueError for an integer
longer than Python's digit limit (``sys.get_int_max_str_digits()``, 4300 by default) and
RecursionError for nesting deeper than the interpreter's stack: all three are bad input, so
all three become :class:`JsonTextError`, never an internal error.

A ``\\ud83d`` escape with no pair (an emoji cut in half by some tool) gives a string that
cannot be written as UTF-8, so every lone surrogate in the result becomes U+FFFD, in keys and
values; the rest of the text is kept. Only text holding such an escape is looked through (or,
given as bytes, a surrogate's own UTF-8 bytes, or UTF-16 or UTF-32 text).
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from excerpta.errors import InputError

# A \uD800-\uDFFF escape, the only way JSON text can give a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# In bytes also: a surrogate encoded as UTF-8 (WTF-8, CESU-8), which json reads with
# "surrogatepass", and any UTF-16 or UTF-32 text (NULs in its first bytes), whose escapes differ.
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]|\A[^\x00]{0,3}\x00")


class JsonTextError(ValueError):
    """JSON we cannot read. ``str()`` is the reason, ending with where in the text when known
    (``… at line 3, column 17``); ``line`` and ``column`` are that place, 1-based (a column
    counts characters); :meth:`in_line` is the reason for a message that names the line."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        self.reason, self.line, self.column = reason, line, column
        known = line is not None and column is not None
        super().__init__(_at(reason, f"line {line}, column {column}") if known else reason)

    def in_line(self) -> str:
        """The reason with only the column: for ``source:line: reason`` messages."""
        return _at(self.reason, f"column {self.column}") if self.column is not None else self.reason


def _at(reason: str, place: str) -> str:
    # json's reasons are "Expecting value" or end in "at" ("Unterminated string starting at").
    return f"{reason} {place}" if reason.endswith(" at") else f"{reason} at {place}"


def loads(text: str | bytes) -> Any:
    """``json.loads(text)`` with lone surrogates replaced; raises JsonTextError (see the module
    docstring)."""
    escapes = _SURROGATE_ESCAPE_BYTES if isinstance(text, bytes) else _SURROGATE_ESCAPE
    try:
        data = json.loads(text)
        return _valid_unicode(data) if escapes.search(text) else data
    except json.JSONDecodeError as err:
        raise JsonTextError(f"malformed JSON: {err.msg}", err.lineno, err.colno) from None
    except RecursionError:
        raise JsonTextError("malformed JSON: nested too deeply") from None
    except UnicodeDecodeError:  # bytes that are not UTF-8: the caller says so
        raise
    except ValueError:  # json's only other ValueError: an integer past the digit limit
        raise JsonTextError(f"malformed JSON: a number longer than "
                            f"{sys.get_int_max_str_digits()} digits") from None


def _valid_unicode(value: Any) -> Any:
    # ``value`` with every string's lone surrogates as U+FFFD (a split pair joined again).
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    return value


def load_file(path: str | os.PathLike[str], source: str) -> Any:
    """The JSON of the file at ``path``, as :func:`loads` reads it; raises InputError (one line
    naming ``source``, the input as the user gave it, and the line when known) for a file that
    cannot be read, is not UTF-8 (or UTF-16/32, which :mod:`json` finds by its NULs) or is not
    JSON."""
    try:
        with open(path, "rb") as handle:
            return loads(handle.read())
    except JsonTextError as err:
        where = source if err.line is None else f"{source}:{err.line}"
        raise InputError(f"{where}: {err.in_line()}") from None
    except UnicodeDecodeError as err:
        # One document: a byte that is not UTF-8 leaves none of it readable; say where it is.
        line = err.object[: err.start].count(b"\n") + 1
        raise InputError(f"{source}:{line}: not UTF-8 text (byte 0x{err.object[err.start]:02X}); "
                         "re-save the file as UTF-8") from None
    except OSError as err:
        raise InputError(f"{source}: cannot read ({err.strerror})") from None
