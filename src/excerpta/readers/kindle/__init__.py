"""Kindle readers: ``kindle`` (My Clippings.txt) and ``kindle-html`` (the apps' notebook export).

Importing the package registers both readers (the registry imports every module and package
of :mod:`excerpta.readers`).
"""

from __future__ import annotations

from excerpta.readers.kindle.clippings import KindleClippingsReader
from excerpta.readers.kindle.notebook_html import KindleNotebookReader

__all__ = ["KindleClippingsReader", "KindleNotebookReader"]
