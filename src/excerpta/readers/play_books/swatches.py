"""The colour of a highlight's swatch image: the small PNG Play Books puts beside each
highlight, in the highlight's colour (:func:`swatch_colour`).

The passage's background colour says the same and is read first (:mod:`.rows`); the swatch is
read where the passage has none, and only from inside the file given (a Word download's
``word/media``, a zipped Web page's ``images/``), never from files beside it.

A PNG is decoded here with the standard library (``zlib``), within bounds: at most
:data:`MAX_PIXELS` pixels, non-interlaced, 1-16 bits per sample, any colour type. Its colour
is the most frequent of its pixels that are opaque enough and have a hue worth naming (a grey,
black or white border or background is not the swatch's colour). Anything else (another image
format, a damaged or oversized PNG) gives no colour, never an error.
"""

from __future__ import annotations

import colorsys
import struct
import zlib
from collections import Counter

MAX_PIXELS = 1 << 16  # a swatch is 32 x 24 pixels; 256 x 256 is already no swatch
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel


class _NotASwatch(ValueError):
    """The bytes are no PNG this module decodes."""


def swatch_colour(data: bytes) -> str | None:
    """The colour of the swatch PNG ``data`` as six lower-case hex digits, or None (see the
    module docstring). Never raises."""
    try:
        pixels = _pixels(data)
    except (_NotASwatch, zlib.error, struct.error, IndexError, ValueError):
        return None
    counts = Counter(rgb for rgb, alpha in pixels if alpha >= 128 and _has_hue(rgb))
    if not counts:
        return None
    red, green, blue = counts.most_common(1)[0][0]
    return f"{red:02x}{green:02x}{blue:02x}"


def _has_hue(rgb: tuple[int, int, int]) -> bool:
    _, saturation, value = colorsys.rgb_to_hsv(*(channel / 255 for channel in rgb))
    return saturation >= 0.15 and value >= 0.25


def _pixels(data: bytes) -> list[tuple[tuple[int, int, int], int]]:
    # Every pixel of the PNG ``data`` as ((r, g, b), alpha), 8 bits each.
    if not data.startswith(PNG_SIGNATURE):
        raise _NotASwatch("no PNG signature")
    header, palette, transparency, compressed = b"", b"", b"", []
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunk = data[at + 8:at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = chunk
        elif kind == b"PLTE":
            palette = chunk
        elif kind == b"tRNS":
            transparency = chunk
        elif kind == b"IDAT":
            compressed.append(chunk)
        elif kind == b"IEND":
            break
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    channels = _CHANNELS.get(colour_type)
    if (channels is None or interlace or depth not in (1, 2, 4, 8, 16)
            or not 0 < width * height <= MAX_PIXELS or (colour_type == 3 and not palette)):
        raise _NotASwatch("not a PNG decoded here")
    row_bytes = (width * channels * depth + 7) // 8
    step = max(1, channels * depth // 8)  # the bytes a filter looks back
    expected = height * (row_bytes + 1)
    raw = zlib.decompressobj().decompress(b"".join(compressed), expected)
    if len(raw) < expected:
        raise _NotASwatch("cut short")
    rows, previous = [], bytearray(row_bytes)
    for line in range(height):
        start = line * (row_bytes + 1)
        row = _unfiltered(raw[start], bytearray(raw[start + 1:start + 1 + row_bytes]), previous, step)
        rows.append(row)
        previous = row
    return [_pixel(samples, index, channels, colour_type, depth, palette, transparency)
            for samples in (_samples(row, width * channels, depth) for row in rows) for index in range(width)]


def _unfiltered(kind: int, row: bytearray, previous: bytearray, step: int) -> bytearray:
    for index in range(len(row)):
        left = row[index - step] if index >= step else 0
        up = previous[index]
        corner = previous[index - step] if index >= step else 0
        if kind == 1:
            row[index] = (row[index] + left) & 0xFF
        elif kind == 2:
            row[index] = (row[index] + up) & 0xFF
        elif kind == 3:
            row[index] = (row[index] + (left + up) // 2) & 0xFF
        elif kind == 4:
            estimate = left + up - corner
            nearest = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up),
                          (abs(estimate - corner), 2, corner))[2]
            row[index] = (row[index] + nearest) & 0xFF
        elif kind != 0:
            raise _NotASwatch(f"filter {kind}")
    return row


def _samples(row: bytearray, count: int, depth: int) -> list[int]:
    # The row's samples scaled to 8 bits (16-bit ones by their high byte).
    if depth == 8:
        return list(row[:count])
    if depth == 16:
        return list(row[0:2 * count:2])
    per_byte, mask = 8 // depth, (1 << depth) - 1
    return [(row[index // per_byte] >> (8 - depth * (index % per_byte + 1))) & mask
            for index in range(count)]


def _pixel(samples: list[int], index: int, channels: int, colour_type: int, depth: int,
           palette: bytes, transparency: bytes) -> tuple[tuple[int, int, int], int]:
    values = samples[index * channels:(index + 1) * channels]
    if colour_type == 3:
        entry = values[0]
        rgb = tuple(palette[3 * entry:3 * entry + 3])
        alpha = transparency[entry] if entry < len(transparency) else 255
        return (rgb[0], rgb[1], rgb[2]), alpha
    scale = 255 // ((1 << depth) - 1) if depth < 8 else 1
    if colour_type in (0, 4):
        grey = values[0] * scale
        return (grey, grey, grey), values[1] if colour_type == 4 else 255
    return (values[0], values[1], values[2]), values[3] if colour_type == 6 else 255
