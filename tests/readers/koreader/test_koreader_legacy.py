"""The schema before 2024: ``highlight[page][i]`` holds the passages, ``bookmarks[i]`` the notes
(``notes`` is the passage, ``text`` the user's note or KOReader's auto-text), joined on time."""

from __future__ import annotations

from typing import Any

from koreader_sidecars import problems, read, write_sidecar

_XP = "/body/DocFragment[7]/body/div/p[{}]/text().{}"


def _passage(text: str, paragraph: int, offset: int, when: str) -> dict[str, Any]:
    return {"text": text, "chapter": "II", "drawer": "lighten", "datetime": when,
            "pos0": _XP.format(paragraph, offset), "pos1": _XP.format(paragraph, offset + len(text))}


def _mark(passage: dict[str, Any], note: str | None = None) -> dict[str, Any]:
    mark = {"page": passage["pos0"], "pos0": passage["pos0"], "pos1": passage["pos1"], "chapter": "II",
            "datetime": passage["datetime"], "highlighted": True, "notes": passage["text"]}
    return mark | ({"text": note} if note is not None else {})


def _sidecar(highlight: dict[int, Any], bookmarks: dict[int, Any]) -> dict[str, Any]:
    return {"highlight": highlight, "bookmarks": bookmarks, "bookmarks_sorted_20220106": True,
            "doc_props": {"title": "Moby-Dick", "authors": "Herman Melville"},
            "partial_md5_checksum": "feedfacefeedfacefeedfacefeedface"}


def test_auto_text_and_unedited_text_are_no_notes_and_a_bookmark_without_its_highlight_is_skipped(tmp_path):
    call = _passage("Call me Ishmael.", 1, 0, "2022-05-01 09:00:00")
    grim = _passage("a damp, drizzly November in my soul", 3, 40, "2022-05-01 09:05:00")
    pistol = _passage("pistol and ball", 3, 200, "2022-05-01 09:06:00")
    ship = _passage("I quietly take to the ship.", 3, 300, "2022-05-01 09:07:00")
    bookmarks = {1: _mark(call, "Page 12 “Call me Ishmael.” @ 2022-05-01 09:00:00"),
                 2: _mark(grim, "Seite 12 a damp, drizzly November in my soul @ 2022-05-01 09:05:00"),
                 3: _mark(pistol, "pistol and ball"),  # text equal to notes: not edited
                 4: _mark(ship, "the sea as a cure"),
                 5: _mark(_passage("x", 9, 0, "2022-05-02 10:00:00"), "left behind")}  # no highlight
    sidecar = _sidecar({12: {1: call, 2: pistol, 3: grim, 4: ship}}, bookmarks)
    (document,), state = read(write_sidecar(tmp_path, sidecar))
    assert problems(state) == []
    assert [(h.text, h.note) for h in document.highlights] == [
        ("Call me Ishmael.", None), ("a damp, drizzly November in my soul", None), ("pistol and ball", None),
        ("I quietly take to the ship.", "the sea as a cure")]


def test_two_highlights_of_one_second_take_the_notes_of_their_own_places(tmp_path):
    same_second = "2022-05-01 09:00:00"
    first = _passage("Whenever I find myself", 2, 0, same_second)
    second = _passage("growing grim about the mouth", 2, 30, same_second)
    sidecar = _sidecar({12: {1: second, 2: first}},
                       {7: _mark(second, "about the mouth"), 3: _mark(first, "whenever")})
    (document,), _ = read(write_sidecar(tmp_path, sidecar))
    assert [(h.text, h.note) for h in document.highlights] == [
        ("Whenever I find myself", "whenever"), ("growing grim about the mouth", "about the mouth")]


def test_highlights_read_in_page_order_then_by_place_on_the_page(tmp_path):
    late_page = _passage("On page 40.", 1, 0, "2022-01-01 08:00:00")
    later_on_page = _passage("Second paragraph.", 10, 0, "2022-01-02 08:00:00")
    earlier_on_page = _passage("Ninth paragraph.", 9, 5, "2022-01-03 08:00:00")
    sidecar = _sidecar({40: {1: late_page}, 12: {2: earlier_on_page, 1: later_on_page}}, {})
    (document,), _ = read(write_sidecar(tmp_path, sidecar))
    assert [(h.location, h.text) for h in document.highlights] == [
        (12, "Ninth paragraph."), (12, "Second paragraph."), (40, "On page 40.")]


def test_a_plain_bookmark_with_the_users_note_is_a_lone_note_and_without_one_is_dropped(tmp_path):
    noted = {"page": 33, "datetime": "2022-06-01 10:00:00", "notes": "in chapter III", "text": "ask Ann"}
    auto = {"page": 34, "datetime": "2022-06-01 10:01:00", "notes": "in chapter III",
            "text": "Page 34 in chapter III @ 2022-06-01 10:01:00"}
    sidecar = _sidecar({}, {1: noted, 2: auto, 3: {"page": 35, "datetime": "2022-06-01 10:02:00"}})
    (document,), state = read(write_sidecar(tmp_path, sidecar, book="scan.pdf"))
    assert problems(state) == []
    assert [(h.text, h.note, h.location) for h in document.highlights] == [("", "ask Ann", 33)]


def test_records_of_the_wrong_shape_are_reported_by_their_path_in_the_table(tmp_path):
    good = _passage("Call me Ishmael.", 1, 0, "2022-05-01 09:00:00")
    sidecar = _sidecar({12: {1: good, 2: 7}, 13: "not a page"}, {1: "not a bookmark"})
    path = write_sidecar(tmp_path, sidecar)
    (document,), state = read(path)
    assert [h.text for h in document.highlights] == ["Call me Ishmael."]
    assert problems(state) == [f"{path}: bookmarks[1]: expected a table, found a string",
                               f"{path}: highlight[12][2]: expected a table, found a number",
                               f"{path}: highlight[13]: expected a table, found a string"]


def test_a_time_of_the_wrong_type_is_reported_and_joins_nothing(tmp_path):
    odd = _passage("Call me Ishmael.", 1, 0, "2022-05-01 09:00:00") | {"datetime": {"not": "a time"}}
    sidecar = _sidecar({12: {1: odd}}, {1: _mark(odd, "a note")})
    path = write_sidecar(tmp_path, sidecar)
    (document,), state = read(path)
    assert [(h.text, h.note, h.highlighted_at) for h in document.highlights] == [
        ("Call me Ishmael.", "a note", None)]
    assert problems(state) == [f"{path}: highlight[12][1]: datetime: a table where a date was expected; "
                               "read without it"]
