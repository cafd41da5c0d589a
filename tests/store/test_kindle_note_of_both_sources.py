"""A note the Kindle's two sources place apart: ``My Clippings.txt`` knows where a highlight
ends, the notebook export only guesses it (its reach, by script). Where they disagree (a note
just past the end, or a Chinese highlight over dense markup ending farther than its text
reaches) one source gives the note on the highlight and the other as a note of its own; read
together, in any order and in any number of runs, the library holds it once, on the highlight.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from excerpta.adapters import ReadState
from excerpta.readers.kindle.clippings import KindleClippingsOptions, KindleClippingsReader
from excerpta.store import MergeRules, SQLiteStore

BOOK = "送你一颗子弹 (刘瑜)"
# 10 Chinese characters: the notebook reckons it ends at most 1 + 3 locations past its start.
SHORT = "比大海更深不可测的是天"
NOTE = "说得真好"
NEXT = "对极端情况的想象是认识世界的捷径"


def clipping(kind: str, where: str, minute: int, text: str) -> str:
    """One record of a Chinese Kindle's ``My Clippings.txt`` (``kind``: 标注 or 笔记)."""
    return (f"{BOOK}\n- 您在位置 #{where}的{kind} | 添加于 2016年4月4日星期一 上午8:{minute:02d}:00\n\n"
            f"{text}\n==========\n")


def entry(kind: str, location: int, text: str) -> str:
    """One entry of the notebook export of :data:`BOOK` (a highlight coloured yellow)."""
    span = ' (<span class="highlight_yellow">yellow</span>)' if kind == "Highlight" else ""
    return (f'<div class="noteHeading">\n{kind}{span} -  Location {location}\n</div>\n'
            f'<div class="noteText">\n{text}\n</div>\n')


def notebook(*entries: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n<html><head><meta charset="UTF-8"/></head>'
            '<body>\n<div class="bodyContainer">\n<div class="notebookFor">\nNotebook for\n</div>\n'
            '<div class="bookTitle">\n送你一颗子弹\n</div>\n<div class="authors">\n刘瑜\n</div>\n'
            '<div class="citation">\n\n</div>\n<hr />\n<div class="sectionHeading">\n第一章\n</div>\n'
            + "".join(entries) + "</div>\n</body>\n</html>\n")


def live_highlights(run_cli, out: Path, *args: str | Path) -> list[tuple[int, str, str | None]]:
    """The live highlights (location, text start, note) ``excerpta <args> --to json`` gives."""
    result = run_cli(*args, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    [document] = json.loads(out.read_text())["documents"]
    return sorted((h["location"], h["text"][:4], h["note"]) for h in document["highlights"]
                  if not h["is_deleted"])


def read_in_every_order(run_cli, tmp_path: Path, page: str, clippings_text: str) -> list[tuple]:
    """The live highlights of ``page`` read with its clippings: in one run, either order, and
    in runs on one ``--state`` (one file a run, either order, then each file read again as a
    sync does); all the same."""
    html, txt = tmp_path / "notebook.html", tmp_path / "My Clippings.txt"
    html.write_text(page, encoding="utf-8")
    txt.write_text(clippings_text, encoding="utf-8")
    results = [live_highlights(run_cli, tmp_path / f"one{n}.json", "convert", *files)
               for n, files in enumerate([(txt, html), (html, txt)])]
    for n, order in enumerate([(txt, html, txt, html), (html, txt, html, txt)]):
        state = ("--state", tmp_path / f"state{n}.sqlite")
        for run, path in enumerate(order):
            results.append(live_highlights(run_cli, tmp_path / f"state{n}-{run}.json", *state,
                                           "convert", path))
        results.pop(-4)  # the first file alone: no note to give twice yet
    assert all(result == results[0] for result in results[1:]), results
    return results[0]


@pytest.mark.parametrize(("end", "at"), [(502, 503), (520, 520)],
                         ids=["just past its end", "at the end of dense markup"])
def test_a_chinese_note_the_two_sources_place_apart_comes_once_on_its_highlight(
        run_cli, tmp_path, end, at):
    # 503: the clippings keep it alone (past the end), the notebook attaches it (in reach);
    # 520: the clippings attach it (at the end), the notebook keeps it alone (out of reach).
    page = notebook(entry("Highlight", 500, SHORT), entry("Note", at, NOTE), entry("Highlight", 600, NEXT))
    clippings_text = (clipping("标注", f"{500}-{end}", 1, SHORT) + clipping("笔记", str(at), 2, NOTE)
                      + clipping("标注", "600-601", 3, NEXT))
    assert read_in_every_order(run_cli, tmp_path, page, clippings_text) == [
        (500, SHORT[:4], NOTE), (600, NEXT[:4], None)]


def test_a_note_of_the_same_text_past_the_next_highlights_start_is_another_note(run_cli, tmp_path):
    # The same words typed again after the next highlight: both sources keep them alone.
    page = notebook(entry("Highlight", 500, SHORT), entry("Note", 503, NOTE), entry("Highlight", 600, NEXT),
                    entry("Note", 605, NOTE))
    clippings_text = (clipping("标注", "500-502", 1, SHORT) + clipping("笔记", "503", 2, NOTE)
                      + clipping("标注", "600-601", 3, NEXT) + clipping("笔记", "605", 4, NOTE))
    assert read_in_every_order(run_cli, tmp_path, page, clippings_text) == [
        (500, SHORT[:4], NOTE), (600, NEXT[:4], None), (605, "", NOTE)]


def test_a_lone_note_that_repeats_its_highlights_note_in_one_file_stays_read_into_a_library(tmp_path):
    # One source, two notes of one text (typed twice): the reader keeps both, and so does the
    # library, read into a library holding another book and read again.
    path = tmp_path / "My Clippings.txt"
    path.write_text(clipping("标注", "500-502", 1, SHORT) + clipping("笔记", "502", 2, NOTE)
                    + clipping("笔记", "503", 3, NOTE)
                    + "Other (Someone)\n- Your Highlight on Location 5-6 | Added on Monday, January 2, "
                      "2023 10:00:00 AM\n\nElsewhere.\n==========\n", encoding="utf-8")
    reader = KindleClippingsReader(KindleClippingsOptions(timezone="UTC"))
    documents = list(reader.read(str(path), ReadState()))
    store = SQLiteStore(":memory:")
    rules = MergeRules(keep=reader.unknown_when_empty, resaves=True)
    store.merge([d for d in documents if d.title == "Other"], rules)
    for _ in range(2):
        store.merge(documents, rules)
        [book] = [d for d in store.documents() if d.title != "Other"]
        assert [(h.location, h.note, h.is_deleted) for h in book.highlights] == [
            (500, NOTE, False), (503, NOTE, False)]
    store.close()


@pytest.mark.parametrize("later", ["a note past the end", "the highlight's note"])
def test_a_note_the_clippings_alone_give_twice_on_different_days_is_kept_twice(run_cli, tmp_path, later):
    # "important" on a highlight and again past its end, typed on the Kindle: two notes, as the
    # file read in one go has them, whichever was read into the library first.
    highlight, on_it, past_it = (clipping("标注", "500-505", 1, SHORT), clipping("笔记", "505", 2, NOTE),
                                 clipping("笔记", "508", 3, NOTE))
    first, second = ((highlight + on_it, past_it) if later == "a note past the end"
                     else (highlight + past_it, on_it))
    clippings, state = tmp_path / "My Clippings.txt", ("--state", tmp_path / "state.sqlite")
    clippings.write_text(first, encoding="utf-8")
    live_highlights(run_cli, tmp_path / "first.json", *state, "convert", clippings)
    with clippings.open("a", encoding="utf-8") as file:
        file.write(second)
    grown = live_highlights(run_cli, tmp_path / "grown.json", *state, "convert", clippings)
    assert grown == [(500, SHORT[:4], NOTE), (508, "", NOTE)]
    assert grown == live_highlights(run_cli, tmp_path / "once.json", "convert", clippings)
