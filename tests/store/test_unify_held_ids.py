"""One book from several sources: an incoming highlight whose id the library holds, though
another source turned the copy there into another passage, leaves it to a copy of that text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from readwise_pages import dune_export

SHORT = "Fear is the mind-killer."
LONG = "Fear is the mind-killer. Fear is the little-death that brings total obliteration."
CSV_HEADER = ("Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,"
              "Highlighted at,Document tags")


def sources(folder: Path) -> dict[str, tuple[Path, str | None]]:
    """The clippings: SHORT; the Readwise API, later: LONG (its copy, extended); a Readwise
    CSV: SHORT with a note and tags, and LONG."""
    kindle = folder / "My Clippings.txt"
    kindle.write_text("Dune (Frank Herbert)\n- Your Highlight on page 12 | Location 100-100 | Added on "
                      f"Monday, January 2, 2023 10:00:00 AM\n\n{SHORT}\n==========\n", encoding="utf-8")
    csv, when = folder / "readwise-data.csv", "2023-01-02 11:00:00+00:00"
    csv.write_text(f"{CSV_HEADER}\n{SHORT},Dune,Frank Herbert,,cnote,,\"t1, t2\",location,100,{when},\n"
                   f"{LONG},Dune,Frank Herbert,,,,,location,100,{when},\n", encoding="utf-8")
    api = dune_export(folder / "export.json", {"id": 7001, "text": LONG, "updated_at": "2023-01-02T11:30:00Z",
                                               "tags": [{"id": 1, "name": "t9"}]})
    return {"K": (kindle, None), "C": (csv, None), "J": (api, "readwise-json")}


@pytest.mark.parametrize("order", ["".join(order) for order in itertools.permutations("KCJ")])
def test_a_csv_copy_of_a_passage_another_source_extended_under_its_id_stays(library, tmp_path, order):
    read = sources(tmp_path)
    for name in order:
        documents = library(read[name][0], source=read[name][1])
    assert found(documents) == [(SHORT, "cnote", ["t1", "t2"]), (LONG, None, ["t9"])]
    for name in order:  # read again: the same highlights (the clippings' may bring a page)
        again = library(read[name][0], source=read[name][1])
        assert [h["id"] for d in again for h in d["highlights"]] == \
            [h["id"] for d in documents for h in d["highlights"]]
        assert found(again) == found(documents)
    for name in order:  # and again: nothing changes
        assert library(read[name][0], source=read[name][1]) == again


def found(documents: list[dict]) -> list[tuple[str, str | None, list[str]]]:
    return sorted((h["text"], h["note"], h["tags"]) for d in documents for h in d["highlights"])
