"""What a reader of a zip opens: the members' names, in order (a test's spy on ``ZipFile.open``)."""

from __future__ import annotations

import zipfile

import pytest


def opened_members(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the members any ``ZipFile`` opens from now on, filled as they are opened."""
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spied(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spied)
    return opened
