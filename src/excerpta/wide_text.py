"""The encoding of a text file: UTF-16 or UTF-32 by its byte order mark, or UTF-16 without
one by its NULs.

A file re-saved as "Unicode" is UTF-16 (or UTF-32), with a byte order mark from Notepad or
Excel but without one from some editors and scripts (``utf-16-le``). Such a file is told by its
NULs: the text our formats hold is mostly ASCII (separators, field names, digits, line breaks),
and in UTF-16 each ASCII character has a NUL byte, always on the same side of its pair, while
UTF-8 and the 8-bit encodings never write a NUL in text.
"""

from __future__ import annotations

import codecs

NUL_SAMPLE_BYTES = 4096  # the first bytes looked at
# In UTF-16 text, the share of pairs with a NUL on one side, at least: 1 in 8 (the corpus's
# Chinese clippings have 2 in 5, a Latin-script file nearly all). The other side has at most an
# eighth as many (CJK characters such as U+4E00 have a NUL low byte).
MIN_NUL_SHARE = 8
_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                 (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def text_encoding(head: bytes, default: str = "utf-8") -> str:
    """The encoding of a text file whose first bytes are ``head``: UTF-32 or UTF-16 when it
    starts with their byte order mark (a file re-saved as "Unicode" by Notepad or Excel), else
    ``default``. The UTF-32 marks are tested first: UTF-32-LE's starts with UTF-16-LE's."""
    for bom, name in _UNICODE_BOMS:
        if head.startswith(bom):
            return name
    return default


def encoding_of(head: bytes, default: str = "utf-8") -> str:
    """The encoding of a text file whose first bytes are ``head`` (at least its first
    :data:`NUL_SAMPLE_BYTES` when it has as many): the one its byte order mark names
    (:func:`text_encoding`), else UTF-16 when its NULs say so (:func:`bomless_utf16`), else
    ``default``. The one rule every reader of text files follows."""
    return text_encoding(head, bomless_utf16(head) or default)


def bomless_utf16(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` if the first bytes ``head`` of a file (at least its
    first :data:`NUL_SAMPLE_BYTES` when it has as many) are UTF-16 text without a byte order
    mark, by their NULs (see the module docstring); else None."""
    if b"\0" not in head:  # the usual case: one C scan
        return None
    pairs = min(len(head), NUL_SAMPLE_BYTES) // 2
    sample = head[: 2 * pairs]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd and odd * MIN_NUL_SHARE >= pairs and even * MIN_NUL_SHARE <= odd:
        return "utf-16-le"  # "A\0": the NUL is the high byte, second
    if even and even * MIN_NUL_SHARE >= pairs and odd * MIN_NUL_SHARE <= even:
        return "utf-16-be"
    return None


def wide_encoding(head: bytes) -> str | None:
    """What a file whose first bytes are ``head`` is, when it is UTF-16 or UTF-32 text (by its
    byte order mark, or by its NULs: :func:`bomless_utf16`), for a message: ``"UTF-16 text"``,
    ``"UTF-16 text without a byte order mark"``; None for any other file."""
    encoding = text_encoding(head, "")
    if encoding:
        return f"{encoding.upper()} text"
    if bomless_utf16(head) is not None:
        return "UTF-16 text without a byte order mark"
    return None
