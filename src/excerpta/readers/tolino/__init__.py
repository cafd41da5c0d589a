"""Reader ``tolino``: a Tolino e-reader's ``notes.txt``.

Importing the package registers it (the registry imports every module and package of
:mod:`excerpta.readers`).
"""

from __future__ import annotations

from excerpta.readers.tolino.reader import TolinoNotesReader

__all__ = ["TolinoNotesReader"]
