"""Reading YAML that people wrote (note front matter): ``yaml.safe_load``, with libyaml's speed.

PyYAML's pure-Python parser costs about a millisecond for a note's front matter; libyaml (when
PyYAML was built with it) reads the same values 10x faster. Text libyaml rejects is read again
by PyYAML's own parser, so switching parsers never makes a readable note unreadable: only YAML
both reject raises :class:`yaml.YAMLError`.
"""

from __future__ import annotations

from typing import Any

import yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``; see the module docstring."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
        return yaml.load(text, Loader=yaml.SafeLoader)
