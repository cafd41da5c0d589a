"""excerpta: move reading highlights between the platforms people keep them in."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("excerpta")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
