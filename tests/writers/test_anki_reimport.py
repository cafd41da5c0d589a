"""Re-imports into a real Anki collection that must keep what the user studied where it was:
cloze numbers (each one a card with its review history) and new-card positions."""

from __future__ import annotations

import html
import re

from anki.collection import Collection

from excerpta.model import Document, Highlight
from writers.test_anki_import import CLOZE, at, convert, import_package, note_for, write_library


def asked_for(col: Collection, highlight_id: str) -> dict[int, str]:
    """Each cloze card of the highlight's cloze note by card id: the text it hides."""
    return {card.id: html.unescape(re.search(r'data-cloze="([^"]*)"', card.question())[1])
            for card in note_for(col, highlight_id, CLOZE).cards()}


def test_a_reviewed_cloze_keeps_asking_for_its_word_when_the_user_marks_more(run_cli, tmp_path, collection):
    deck = tmp_path / "deck.apkg"
    before = [Highlight(id="term", text="Entropy always increases.", note=".cloze increases",
                        highlighted_at=at(1)),
              Highlight(id="bold", text="The cost of a thing is **life**.", highlighted_at=at(1))]
    convert(run_cli, write_library(tmp_path / "v1.json", Document(id="d", title="T", highlights=before)),
            deck)
    import_package(collection, deck)
    studied = {hid: asked_for(collection, hid) for hid in ("term", "bold")}
    assert list(studied["term"].values()) == ["increases"]
    assert list(studied["bold"].values()) == ["life"]
    for card in (collection.get_card(cid) for cards in studied.values() for cid in cards):
        card.start_timer()
        collection.sched.answerCard(card, 4)

    after = [Highlight(id="term", text="Entropy always increases.", note=".cloze increases; entropy",
                       highlighted_at=at(1), updated_at=at(2)),
             Highlight(id="bold", text="The **cost** of a thing is **life**.", highlighted_at=at(1),
                       updated_at=at(2))]
    convert(run_cli, write_library(tmp_path / "v2.json", Document(id="d", title="T", highlights=after)), deck)
    log = import_package(collection, deck)
    assert len(log.updated) == 3  # the two cloze notes and the bolded book note
    for hid, word, added in (("term", "increases", "Entropy"), ("bold", "life", "cost")):
        [(reviewed, _)] = studied[hid].items()
        now = asked_for(collection, hid)
        assert now[reviewed] == word
        assert collection.get_card(reviewed).reps == 1
        [new] = set(now) - {reviewed}
        assert (now[new], collection.get_card(new).reps) == (added, 0)


def test_new_cards_come_in_reading_order_and_cards_already_imported_keep_their_place(
        run_cli, tmp_path, collection):
    def library(*highlights: tuple[str, str]) -> Document:
        return Document(id="d", title="Book", highlights=[
            Highlight(id=hid, text=text, highlighted_at=at(1)) for hid, text in highlights])

    deck = tmp_path / "deck.apkg"
    first = (("h1", "One."), ("h2", "Two **bold**."), ("h3", "Three."))
    later = Document(id="d0", title="A later book", highlights=[Highlight(id="z1", text="Zed.")])
    convert(run_cli, write_library(tmp_path / "v1.json", library(*first), later), deck)
    import_package(collection, deck)
    due = {hid: [card.due for card in note_for(collection, hid).cards()] for hid in ("h1", "h2", "h3", "z1")}
    assert due == {"h1": [1], "h2": [2], "h3": [3], "z1": [4]}
    assert [card.due for card in note_for(collection, "h2", CLOZE).cards()] == [2]
    reviewed = note_for(collection, "h3").cards()[0]
    reviewed.start_timer()
    collection.sched.answerCard(reviewed, 3)
    reviewed = collection.get_card(reviewed.id)

    # A highlight inserted first moves every position in the package, and h1 changes upstream.
    changed = library(("h0", "Zero."), ("h1", "One, changed."), *first[1:])
    convert(run_cli, write_library(tmp_path / "v2.json", changed, later), deck)
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated)) == (1, 1)
    assert note_for(collection, "h1")["Text"] == "One, changed."
    assert [card.due for card in note_for(collection, "h1").cards()] == [1]  # not 2: kept its place
    assert [card.due for card in note_for(collection, "z1").cards()] == [4]
    assert [card.due for card in note_for(collection, "h0").cards()] == [1]
    kept = collection.get_card(reviewed.id)
    assert (kept.type, kept.queue, kept.due, kept.ivl, kept.reps) == (
        reviewed.type, reviewed.queue, reviewed.due, reviewed.ivl, reviewed.reps)


def test_new_cards_of_a_book_come_in_location_order_not_in_the_order_they_were_made(
        run_cli, tmp_path, collection):
    # My Clippings.txt lists highlights in the order they were made; a reader studies the book
    # in reading order.
    book = Document(id="d", title="Book", highlights=[
        Highlight(id=hid, text=f"{hid}.", location=location, location_type="location")
        for hid, location in (("late", 300), ("early", 10), ("middle", 120))])
    deck = tmp_path / "deck.apkg"
    convert(run_cli, write_library(tmp_path / "lib.json", book), deck)
    import_package(collection, deck)
    order = ("early", "middle", "late")
    assert {hid: [card.due for card in note_for(collection, hid).cards()] for hid in order} == {
        "early": [1], "middle": [2], "late": [3]}
