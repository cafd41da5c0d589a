"""Two copies of one highlight from two sources (``excerpta.store.copies.settled``): each gives
what the other never says, whichever is read first, in one run or in two."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.model import Highlight, LocationType
from excerpta.store.copies import settled

TEXT = "Fear is the mind-killer. Fear is the little-death that brings total obliteration."
CLIPPINGS = (f"Dune (Herbert, Frank)\n- Your Highlight on page 12 | Location 100-102 | Added on Monday, "
             f"January 2, 2023 10:00:00 AM\n\n{TEXT}\n==========\nDune (Herbert, Frank)\n- Your Note on "
             "page 12 | Location 102 | Added on Monday, January 2, 2023 10:01:00 AM\n\n"
             "classic line\n==========\n")
CSV_HEADERS = {
    9: "Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location",
    11: "Highlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,"
        "Highlighted at,Document tags"}
CSV_ROW = (f'"{TEXT}",Dune,Frank Herbert,B00B7NPRY8,classic line edited in Readwise,yellow,'
           '"scifi, favorite",location,100')
NOTE = (f"# Dune\n\n## Metadata\n- Author: [[Frank Herbert]]\n- Full Title: Dune\n- Category: #books\n\n"
        f"## Highlights\n- {TEXT} ([Location 100](https://readwise.io/to_kindle?action=open&asin=B00B7NPRY8"
        "&location=100))\n    - Note: classic line\n    - Tags: [[scifi]] [[fear]]\n")


def kindle(folder: Path) -> Path:
    path = folder / "My Clippings.txt"
    path.write_text(CLIPPINGS, encoding="utf-8")
    return path


def readwise_csv(folder: Path, columns: int) -> Path:
    path = folder / "readwise-data.csv"
    extra = ",2023-01-02 10:00:00+00:00," if columns == 11 else ""
    path.write_text(f"{CSV_HEADERS[columns]}\n{CSV_ROW}{extra}\n", encoding="utf-8")
    return path


def readwise_note(folder: Path) -> Path:
    path = folder / "Readwise" / "Books" / "Dune.md"
    path.parent.mkdir(parents=True)
    path.write_text(NOTE, encoding="utf-8")
    return path.parent.parent


def converted(run_cli, folder: Path, *runs: tuple[Path, ...]) -> dict:
    """The one highlight of the one document, after each run (inputs) read into a new --state
    (in ``folder``, made here)."""
    folder.mkdir()
    state, out = folder / "state.sqlite", folder / "out.json"
    for inputs in runs:
        zone = ["--timezone", "UTC"] if any(path.name == "My Clippings.txt" for path in inputs) else []
        result = run_cli("--state", state, "convert", *zone, *inputs, "--to", "json", "--out", out)
        assert result.exit_code == 0, result.output
    [document] = json.loads(out.read_text())["documents"]
    [highlight] = document["highlights"]
    return {name: value for name, value in highlight.items() if name != "id"}  # the first source's


def orders(first: Path, second: Path) -> dict[str, list[tuple[Path, ...]]]:
    return {"two runs": [(first,), (second,)], "two runs reversed": [(second,), (first,)],
            "one run": [(first, second)], "one run reversed": [(second, first)]}


@pytest.mark.parametrize("columns", [9, 11])
def test_a_readwise_csvs_tags_colour_and_favourite_arrive_whether_read_before_or_after_a_kindle_note(
        run_cli, tmp_path, columns):
    results = {}
    for name, runs in orders(kindle(tmp_path), readwise_csv(tmp_path, columns)).items():
        results[name] = converted(run_cli, tmp_path / name, *runs)
    first = results["two runs"]
    assert (first["tags"], first["color"], first["is_favorite"]) == (["scifi", "favorite"], "yellow", True)
    # The Kindle note has a time, the CSV's none: the dated one stays, in every order.
    assert (first["note"], first["end_location"], first["page"]) == ("classic line", 102, 12)
    assert all(result == first for result in results.values()), results


def test_a_readwise_notes_tags_arrive_whether_read_before_or_after_a_kindle_note(run_cli, tmp_path):
    results = {}
    for name, runs in orders(kindle(tmp_path), readwise_note(tmp_path)).items():
        results[name] = converted(run_cli, tmp_path / name, *runs)
    assert results["two runs"]["tags"] == ["scifi", "fear"]
    assert all(result == results["two runs"] for result in results.values()), results


def test_an_old_csv_never_brings_back_tags_removed_in_readwise_since(run_cli, tmp_path):
    csv = readwise_csv(tmp_path, 9)
    pulled = tmp_path / "export.json"
    pulled.write_text(json.dumps({"count": 1, "nextPageCursor": None, "results": [{
        "user_book_id": 7, "title": "Dune", "author": "Frank Herbert", "category": "books",
        "source": "kindle", "book_tags": [], "highlights": [{
            "id": 70, "text": TEXT, "location": 100, "location_type": "location", "note": "",
            "color": "yellow", "highlighted_at": "2023-01-02T10:00:00Z",
            "updated_at": "2023-06-01T00:00:00Z", "tags": [], "is_favorite": False}]}]}), encoding="utf-8")
    for number, runs in enumerate(([(csv,), (pulled,), (csv,)], [(pulled,), (csv,)])):
        highlight = converted(run_cli, tmp_path / f"order {number}", *runs)
        assert (highlight["tags"], highlight["note"], highlight["is_favorite"]) == ([], None, False)


SHORT, LONG = "Fear is the mind-killer.", "Fear is the mind-killer. Fear is the little-death."
CSV_11 = CSV_HEADERS[11]


def clippings(folder: Path, *records: tuple[str, str, str, str]) -> Path:
    """``My Clippings.txt`` of Dune with ``records``: kind, where, when (10:00 AM), text."""
    path = folder / "My Clippings.txt"
    path.write_text("".join(f"Dune (Frank Herbert)\n- Your {kind} on page 12 | Location {where} | Added on "
                            f"Monday, January 2, 2023 {when}\n\n{text}\n==========\n"
                            for kind, where, when, text in records), encoding="utf-8")
    return path


def csv_11(folder: Path, note: str, tags: str, highlighted_at: str) -> Path:
    path = folder / "readwise-data.csv"
    path.write_text(f'{CSV_11}\n"{LONG}",Dune,Frank Herbert,,{note},pink,"{tags}",location,100,'
                    f"{highlighted_at},\n", encoding="utf-8")
    return path


def test_a_csvs_tags_and_note_arrive_on_a_selection_extended_later_on_the_kindle_in_every_order(
        run_cli, tmp_path):
    # The Kindle's copy (re-saved longer at noon) is later than the CSV's: it wins, and takes
    # what it lacks, the CSV's tags and note, whichever is read first.
    kindle_file = clippings(tmp_path, ("Highlight", "100-100", "10:00:00 AM", SHORT),
                            ("Highlight", "100-101", "12:00:00 PM", LONG))
    csv = csv_11(tmp_path, "my readwise note", "t1", "2023-01-02 10:00:00+00:00")
    runs = {**orders(kindle_file, csv), "read again": [(kindle_file,), (csv,), (kindle_file,), (csv,)]}
    results = {name: converted(run_cli, tmp_path / name, *each) for name, each in runs.items()}
    first = results["two runs"]
    assert (first["text"], first["note"], first["tags"], first["color"]) == (
        LONG, "my readwise note", ["t1"], "pink")
    assert all(result == first for result in results.values()), results


def test_a_kindle_note_stays_on_a_later_dated_csv_copy_without_one_in_every_order(run_cli, tmp_path):
    kindle_file = clippings(tmp_path, ("Highlight", "100-101", "10:00:00 AM", LONG),
                            ("Note", "101", "10:30:00 AM", "kindle note"))
    csv = csv_11(tmp_path, "", "t1, t2", "2023-01-02 11:00:00+00:00")
    runs = {**orders(kindle_file, csv), "read again": [(kindle_file,), (csv,), (kindle_file,), (csv,)]}
    results = {name: converted(run_cli, tmp_path / name, *each) for name, each in runs.items()}
    first = results["two runs"]
    assert (first["note"], first["tags"], first["end_location"], first["page"]) == (
        "kindle note", ["t1", "t2"], 101, 12)
    assert all(result == first for result in results.values()), results


_MOMENTS = st.sampled_from([None, datetime(2023, 1, 2, 10, tzinfo=UTC), datetime(2023, 1, 2, 11, tzinfo=UTC),
                            datetime(2023, 1, 2, 12, tzinfo=timezone(timedelta(hours=2)))])
copies = st.builds(
    Highlight, id=st.sampled_from(["h1", "readwise-7"]), text=st.sampled_from([SHORT, LONG]),
    note=st.sampled_from([None, "kindle note", "csv note"]), location=st.sampled_from([None, 100, 7]),
    location_type=st.sampled_from([None, LocationType.LOCATION, LocationType.ORDER, LocationType.PAGE]),
    end_location=st.sampled_from([None, 101]), page=st.sampled_from([None, 12]),
    color=st.sampled_from([None, "pink", "yellow"]), highlighted_at=_MOMENTS, updated_at=_MOMENTS,
    tags=st.sampled_from([[], ["t1"], ["t1", "t2"]]), is_favorite=st.booleans(), is_deleted=st.booleans(),
    external_ids=st.sampled_from([{}, {"readwise": "7"}, {"readwise": "8", "kindle": "k"}]))


@settings(max_examples=300, deadline=None)
@given(copies, copies)
def test_settled_gives_one_result_whichever_copy_is_stored_and_which_incoming(one, other):
    forth, back = settled(one, other), settled(other, one)
    assert (forth.id, back.id) == (other.id, one.id)
    assert forth.model_dump(exclude={"id"}) == back.model_dump(exclude={"id"})


def test_an_order_readwise_gives_back_never_replaces_a_kindle_location():
    # Audit M5: a Kindle location sent to Readwise comes back as an "order" with a later
    # updated_at; winning, it turned "Location 100" into "#100" in every note and card.
    saved = datetime(2023, 1, 2, 10, tzinfo=UTC)
    kindle = Highlight(id="h1", text=SHORT, location=100, end_location=102,
                       location_type=LocationType.LOCATION, highlighted_at=saved)
    echoed = Highlight(id="readwise-7", text=SHORT, location=100, location_type=LocationType.ORDER,
                       highlighted_at=saved, note="typed in Readwise",
                       updated_at=datetime(2023, 3, 1, tzinfo=UTC), external_ids={"readwise": "7"})
    for kept in (settled(echoed, kindle), settled(kindle, echoed)):
        assert (kept.location, kept.end_location, kept.location_type) == (100, 102, LocationType.LOCATION)
        assert kept.note == "typed in Readwise"  # the later copy's, as before
    page = kindle.model_copy(update={"location": 12, "location_type": LocationType.PAGE})
    assert settled(echoed, page).location_type is LocationType.PAGE
    ordered = kindle.model_copy(update={"location_type": LocationType.ORDER, "location": 3})
    assert settled(echoed, ordered).location == 100  # two orders: the winner's
