"""PNG images for the Play Books reader tests: a highlight's colour swatch, and any small PNG
written by the standard library (``zlib``), as an encoder writes one."""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG = PNG_SIGNATURE + bytes(40)  # a placeholder, no PNG that decodes


def png(pixels: list[list[tuple[int, ...]]], *, colour_type: int = 6, palette: bytes = b"",
        depth: int = 8) -> bytes:
    """A PNG of ``pixels`` (rows of samples: RGBA for colour type 6, RGB 2, palette indices 3),
    each row filtered with Sub (1), as encoders often write a flat image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b""
    for row in pixels:
        samples = [sample for pixel in row for sample in pixel]
        if depth < 8:
            per_byte = 8 // depth
            packed = bytearray((len(samples) + per_byte - 1) // per_byte)
            for index, sample in enumerate(samples):
                packed[index // per_byte] |= sample << (8 - depth * (index % per_byte + 1))
            raw += b"\x00" + bytes(packed)
            continue
        step = len(row[0])
        filtered = [(sample - (samples[i - step] if i >= step else 0)) & 0xFF
                    for i, sample in enumerate(samples)]
        raw += b"\x01" + bytes(filtered)
    header = struct.pack(">IIBBBBB", len(pixels[0]), len(pixels), depth, colour_type, 0, 0, 0)
    body = chunk(b"IHDR", header) + (chunk(b"PLTE", palette) if palette else b"")
    return PNG_SIGNATURE + body + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def swatch_png(rgb: tuple[int, int, int]) -> bytes:
    """A 32 x 24 swatch: a rounded block of ``rgb`` on transparency, with a grey rim."""
    clear, rim = (0, 0, 0, 0), (158, 158, 158, 255)
    rows = []
    for y in range(24):
        row = []
        for x in range(32):
            edge = x in (2, 29) or y in (2, 21)
            inside = 2 <= x <= 29 and 2 <= y <= 21
            row.append(rim if inside and edge else (*rgb, 255) if inside else clear)
        rows.append(row)
    return png(rows)
