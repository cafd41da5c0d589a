"""A Moon+ highlight colour (a Java ``int``, ARGB, as ``notes.highlightColor`` stores it) named as
other readers name colours: ``yellow``, ``orange``, ``red``, ``pink``, ``purple``, ``blue``,
``green``.

Moon+ lets the user pick any colour, so there is no fixed table to look a value up in: the
name is the hue's (the alpha channel, which Moon+ uses for transparency, is ignored). A colour
too grey or too dark to have a hue worth naming is kept as ``#rrggbb``. Its four default
colours (``A.highlight_color1``…``4`` in Moon+'s code: ``0x7700AAFF``, ``0xFFFF9200``,
``0xFFCC99C0``, ``0xFF99AA77``) come out ``blue``, ``orange``, ``pink`` and ``green``; the
yellow of other tools' fixtures (``-256``, ``0xFFFFFF00``) ``yellow``.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

# Upper bounds of hue ranges (degrees) and their names; past the last, red again.
_HUES = ((15.0, "red"), (40.0, "orange"), (70.0, "yellow"), (165.0, "green"), (255.0, "blue"),
         (290.0, "purple"), (345.0, "pink"))
MIN_SATURATION = 0.15  # below: a grey, kept as its hex value
MIN_VALUE = 0.25  # below: too dark to call by a hue


@lru_cache(maxsize=1024)  # a library holds a handful of colours, named once each
def colour_name(value: int) -> str:
    """The name of the ARGB colour ``value`` (signed or unsigned 32 bits; higher bits
    ignored), or ``#rrggbb`` for a grey (see the module docstring)."""
    rgb = value & 0xFFFFFF
    red, green, blue = (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
    hue, saturation, brightness = colorsys.rgb_to_hsv(red / 255, green / 255, blue / 255)
    if saturation < MIN_SATURATION or brightness < MIN_VALUE:
        return f"#{rgb:06x}"
    degrees = hue * 360
    return next((name for bound, name in _HUES if degrees < bound), "red")
