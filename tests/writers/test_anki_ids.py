"""Note and card ids: Anki shows a note's id as the day it was created (the browser's "Created"
column) and ``added:N`` reads card ids, so both are the highlight's time. Proven with the official
``anki`` package: the dates, re-imports that update the same notes (decks written before ids were
dates too) and a collection that already uses one of the ids."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from anki.collection import Collection

from excerpta.model import Document, Highlight
from excerpta.writers.anki.cards import note_created
from excerpta.writers.anki.note_types import NOTE_TYPES_CHANGED_AT
from writers.test_anki_import import BOOK, CLOZE, at, convert, import_package, note_for, write_library


def millis(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def created_on(anki_id: int) -> datetime:
    """The date Anki shows for a note or card id."""
    return datetime.fromtimestamp(anki_id // 1000, UTC)


def ids_in(deck: Path, tmp_path: Path, table: str) -> list[int]:
    """The ids of ``table`` (``notes``, ``cards``) of the ``.apkg`` at ``deck``, in the order written."""
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", tmp_path / "unpacked")
    with sqlite3.connect(tmp_path / "unpacked" / "collection.anki2") as db:
        return [row[0] for row in db.execute(f"SELECT id FROM {table} ORDER BY rowid")]


def as_written_before_ids_were_dates(deck: Path, tmp_path: Path) -> None:
    """Rewrite ``deck``'s ids as excerpta wrote them before: one counter from the fixed
    :data:`NOTE_TYPES_CHANGED_AT`, a note's id then each of its cards', in the order written
    (ids here are in that order: the highlights were made in document order)."""
    with zipfile.ZipFile(deck) as package:
        package.extract("collection.anki2", tmp_path / "old")
    collection = tmp_path / "old" / "collection.anki2"
    with sqlite3.connect(collection) as db:
        counter = NOTE_TYPES_CHANGED_AT * 1000
        # Negative while renumbering, so no new id meets an old one.
        for (nid,) in db.execute("SELECT id FROM notes ORDER BY id").fetchall():
            cards = db.execute("SELECT id FROM cards WHERE nid = ? ORDER BY ord", (nid,)).fetchall()
            db.execute("UPDATE notes SET id = ? WHERE id = ?", (-counter, nid))
            db.execute("UPDATE cards SET nid = ? WHERE nid = ?", (-counter, nid))
            for offset, (cid,) in enumerate(cards, start=1):
                db.execute("UPDATE cards SET id = ? WHERE id = ?", (-(counter + offset), cid))
            counter += 1 + len(cards)
        db.execute("UPDATE notes SET id = -id")
        db.execute("UPDATE cards SET id = -id, nid = -nid")
    with zipfile.ZipFile(deck, "w") as package:
        package.write(collection, "collection.anki2")
        package.writestr("media", "{}")


def test_each_note_is_created_when_its_highlight_was_made(run_cli, tmp_path, collection):
    early = datetime(2019, 3, 4, 23, 30, 15, 250000, tzinfo=timezone(timedelta(hours=-5)))
    today = datetime.now(UTC).replace(microsecond=0)
    document = Document(id="d", title="T", highlights=[
        Highlight(id="early", text="Early.", highlighted_at=early),
        Highlight(id="marked", text="Both **form** and ==function==.", highlighted_at=at(2)),
        Highlight(id="same-instant", text="Made in the same second.", highlighted_at=at(2)),
        Highlight(id="today", text="Highlighted today.", highlighted_at=today),
        Highlight(id="undated", text="No date."),
        Highlight(id="future", text="A clock set wrong.", highlighted_at=datetime(2100, 1, 1, tzinfo=UTC)),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg")
    assert len(import_package(collection, deck).new) == 7

    assert note_for(collection, "early").id == millis(early)  # the instant, to the millisecond
    assert created_on(note_for(collection, "early").id).date().isoformat() == "2019-03-05"  # in UTC
    # Notes made in one millisecond take the next free ids, in the order they are written.
    assert [note_for(collection, hid, design).id for hid, design in (
        ("marked", BOOK), ("marked", CLOZE), ("same-instant", BOOK))
    ] == [millis(at(2)), millis(at(2)) + 1, millis(at(2)) + 2]
    for hid, made in (("early", early), ("marked", at(2)), ("same-instant", at(2)), ("today", today)):
        for card in note_for(collection, hid).cards():
            assert created_on(card.id) == made.replace(microsecond=0)
    assert [created_on(card.id) for card in note_for(collection, "marked", CLOZE).cards()] == [at(2)] * 2
    assert note_for(collection, "undated").id == NOTE_TYPES_CHANGED_AT * 1000  # as before: a fixed date
    assert created_on(note_for(collection, "future").id) <= datetime.now(UTC)  # Anki dates it now
    added_today = {collection.get_card(cid).note()["HighlightId"] for cid in collection.find_cards("added:1")}
    assert added_today - {"undated"} == {"future", "today"}  # undated too if NOTE_TYPES_CHANGED_AT is today


def test_a_changed_highlight_updates_its_note_though_a_new_one_took_its_id(run_cli, tmp_path, collection):
    deck = tmp_path / "deck.apkg"
    first = [Highlight(id="h1", text="Simplify.", highlighted_at=at(1)),
             Highlight(id="h2", text="Quiet desperation.", highlighted_at=at(1))]
    convert(run_cli, write_library(tmp_path / "v1.json", Document(id="d", title="W", highlights=first)), deck)
    import_package(collection, deck)
    before = {hid: note_for(collection, hid).id for hid in ("h1", "h2")}
    assert before == {"h1": millis(at(1)), "h2": millis(at(1)) + 1}
    studied = note_for(collection, "h2").cards()[0]
    studied.start_timer()
    collection.sched.answerCard(studied, 3)

    # h0, written first, now has h1's id in the package, h1 has h2's and h2 a new one.
    second = [Highlight(id="h0", text="New.", highlighted_at=at(1)),
              Highlight(id="h1", text="Simplify, simplify.", highlighted_at=at(1), updated_at=at(5)),
              first[1]]
    convert(run_cli, write_library(tmp_path / "v2.json", Document(id="d", title="W", highlights=second)),
            deck)
    assert ids_in(deck, tmp_path, "notes") == [millis(at(1)) + n for n in range(3)]
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (1, 1, 1)
    assert (collection.note_count(), collection.card_count()) == (3, 3)
    assert {hid: note_for(collection, hid).id for hid in ("h1", "h2")} == before
    assert note_for(collection, "h1")["Text"] == "Simplify, simplify."
    assert collection.get_card(studied.id).reps == 1
    assert created_on(note_for(collection, "h0").id) == at(1)


def test_a_deck_imported_before_ids_were_dates_is_updated_in_place(run_cli, tmp_path, collection):
    deck = tmp_path / "deck.apkg"
    first = Document(id="d", title="Walden", highlights=[
        Highlight(id="h1", text="Simplify.", highlighted_at=at(1)),
        Highlight(id="h2", text="Quiet **desperation**.", note="mine", highlighted_at=at(2)),
        Highlight(id="h3", text="Deliberately.", highlighted_at=at(3))])
    library = write_library(tmp_path / "v1.json", first)
    convert(run_cli, library, deck)
    as_written_before_ids_were_dates(deck, tmp_path)
    assert len(import_package(collection, deck).new) == 4
    old_ids = {(hid, design): note_for(collection, hid, design).id
               for hid, design in (("h1", BOOK), ("h2", BOOK),
                                   ("h2", CLOZE), ("h3", BOOK))}
    assert {created_on(nid) for nid in old_ids.values()} == {created_on(NOTE_TYPES_CHANGED_AT * 1000)}
    studied = note_for(collection, "h2", CLOZE).cards()[0]
    studied.start_timer()
    collection.sched.answerCard(studied, 3)
    edited = note_for(collection, "h3")
    edited["Note"] = "my own thoughts"
    collection.update_note(edited)

    # The deck at --out is the earlier version's (its bytes are not the ones this run's state
    # recorded, hence --force); unchanged, only the ids differ from the deck imported.
    convert(run_cli, library, deck, "--force")
    assert ids_in(deck, tmp_path, "notes")[0] == millis(at(1))
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert note_for(collection, "h3")["Note"] == "my own thoughts"

    changed = first.model_copy(update={"highlights": [
        first.highlights[0],
        Highlight(id="h2", text="Quiet **desperation**, said he.", note="mine", highlighted_at=at(2),
                  updated_at=at(5)),
        first.highlights[2]]})
    convert(run_cli, write_library(tmp_path / "v2.json", changed), deck)
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated)) == (0, 2)  # h2's book and cloze notes
    assert (collection.note_count(), collection.card_count()) == (4, 4)
    assert {key: note_for(collection, *key).id for key in old_ids} == old_ids  # Anki keeps a note's id
    assert note_for(collection, "h2")["Text"] == "Quiet <b>desperation</b>, said he."
    assert collection.get_card(studied.id).reps == 1
    assert note_for(collection, "h3")["Note"] == "my own thoughts"


def test_a_collection_already_using_one_of_the_ids_keeps_its_note_and_gets_all_of_ours(
        run_cli, tmp_path, collection: Collection):
    own = collection.new_note(collection.models.by_name("Basic"))
    own["Front"], own["Back"] = "my card", "made in Anki"
    collection.add_note(own, collection.decks.id("Default"))
    taken = millis(at(1))  # made in Anki in the very millisecond a highlight was
    collection.db.execute("UPDATE notes SET id = ? WHERE id = ?", taken, own.id)
    collection.db.execute("UPDATE cards SET id = ?, nid = ? WHERE nid = ?", taken, taken, own.id)
    own_card = collection.get_card(taken)
    own_card.start_timer()
    collection.sched.answerCard(own_card, 3)

    document = Document(id="d", title="W", highlights=[
        Highlight(id="h1", text="Simplify **this**.", highlighted_at=at(1)),
        Highlight(id="h2", text="Quiet desperation.", highlighted_at=at(1))])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg")
    assert ids_in(deck, tmp_path, "notes")[0] == taken
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (3, 0, 0)
    assert (collection.note_count(), collection.card_count()) == (4, 4)
    mine = collection.get_note(taken)
    assert (mine.guid, mine["Front"], mine["Back"]) == (own.guid, "my card", "made in Anki")
    assert [card.id for card in mine.cards()] == [taken]
    assert collection.get_card(taken).reps == 1
    moved = note_for(collection, "h1")
    assert moved.id == taken + 999  # Anki's way: on by 999 ms, the same second here
    assert created_on(moved.id) == at(1)
    assert len(moved.cards()) == 1


def test_many_notes_made_in_one_millisecond_take_the_following_ids(run_cli, tmp_path):
    moment = at(1)
    document = Document(id="d", title="W", highlights=[
        Highlight(id=f"h{n}", text=f"Highlight {n}.", highlighted_at=moment) for n in range(300)])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg",
                   "--anki-cards", "book")
    expected = [millis(moment) + n for n in range(300)]
    assert ids_in(deck, tmp_path, "notes") == expected
    assert ids_in(deck, tmp_path, "cards") == expected


def test_a_highlight_from_before_1970_is_dated_as_an_undated_one():
    # Anki ids are positive: the first millisecond after 1970 is the earliest a note can be made.
    def made(moment: datetime) -> int | None:
        return note_created(Highlight(id="h", text="t", highlighted_at=moment))

    assert made(datetime(1969, 12, 31, 23, tzinfo=timezone(timedelta(hours=-2)))) == 3_600_000
    assert made(datetime(1970, 1, 1, tzinfo=UTC)) is None
    assert made(datetime(1845, 7, 4, tzinfo=UTC)) is None
