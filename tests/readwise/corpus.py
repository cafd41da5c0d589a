"""The Readwise part of the shared corpus."""

from __future__ import annotations

from paths import CORPUS

READWISE_CORPUS = CORPUS / "readwise"
