"""Reading JSON that users give us: every way :mod:`json` rejects a text becomes one reason.

``json`` raises JSONDecodeError for malformed text, but a plain ValueError for an integer
longer than Python's digit limit (``sys.get_int_max_str_digits()``, 4300 by default) and
RecursionError for nesting deeper than the interpreter's stack: all three are bad input, so
all three become :class:`JsonTextError`, never an internal error.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any


class JsonTextError(ValueError):
    """JSON we cannot read. ``str()`` is the reason; ``line`` the 1-based line when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``; raises JsonTextError (see the module docstring)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise JsonTextError(f"malformed JSON: {err.msg}", err.lineno) from None
    except RecursionError:
        raise JsonTextError("malformed JSON: nested too deeply") from None
    except ValueError:  # json's only other ValueError: an integer past the digit limit
        raise JsonTextError(f"malformed JSON: a number longer than "
                            f"{sys.get_int_max_str_digits()} digits") from None


def load(handle: IO[bytes]) -> Any:
    """``json.load(handle)``; raises JsonTextError, and UnicodeDecodeError for text not UTF-8."""
    return loads(handle.read())
