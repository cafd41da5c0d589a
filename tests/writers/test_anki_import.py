"""The ``anki`` writer's decks, imported into a fresh collection with the official ``anki`` package.

These tests are the proof that matters: what Anki stores, how many cards each design gives,
and what happens on re-import (updated in place, review state kept, the user's edits kept).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

from anki import import_export_pb2
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from excerpta.model import Document, Highlight, Library
from excerpta.writers.anki.note_types import FIELDS

from paths import CORPUS, EXAMPLES

IF_NEWER = import_export_pb2.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
BOOK, CLOZE, QA = "excerpta v1 · Which book?", "excerpta v1 · Cloze", "excerpta v1 · Q&A"


def import_package(col: Collection, package: Path):
    """Import like Anki's GUI defaults do: update notes and note types only if newer."""
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER,
                                       update_notetypes=IF_NEWER, with_scheduling=False,
                                       with_deck_configs=False)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package),
                                                            options=options)).log


def notes_by_type(col: Collection) -> dict[str, list[dict[str, str]]]:
    """Every note's fields (plus ``_tags`` and ``_cards``), grouped by note type name."""
    found: dict[str, list[dict[str, str]]] = {}
    for nid in sorted(col.find_notes("")):
        note = col.get_note(nid)
        fields = dict(note.items())
        fields["_tags"] = " ".join(note.tags)
        fields["_cards"] = str(len(note.card_ids()))
        found.setdefault(note.note_type()["name"], []).append(fields)
    return found


def note_for(col: Collection, highlight_id: str, note_type: str = BOOK):
    """The one note of ``note_type`` for ``highlight_id``."""
    ids = col.find_notes(f'"note:{note_type}" "HighlightId:{highlight_id}"')
    assert len(ids) == 1, ids
    return col.get_note(ids[0])


def write_library(path: Path, *documents: Document) -> Path:
    path.write_text(Library(documents=list(documents)).model_dump_json(indent=2), encoding="utf-8")
    return path


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 6, day, hour, tzinfo=UTC)


def convert(run_cli, library: Path, out: Path, *options: str) -> Path:
    result = run_cli("convert", library, "--to", "anki", "--out", out, *options)
    assert result.exit_code == 0, result.output
    return out


def test_example_library_imports_as_one_which_book_note_per_highlight(run_cli, tmp_path, collection):
    deck = convert(run_cli, EXAMPLES / "library.json", tmp_path / "deck.apkg")
    log = import_package(collection, deck)
    assert len(log.new) == 8
    assert collection.note_count() == 8
    assert collection.card_count() == 8
    assert list(notes_by_type(collection)) == [BOOK]
    walden = dict(note_for(collection, "ha934d3cdecd4a6a01063").items())
    assert list(walden) == list(FIELDS)
    assert walden["Text"].startswith("I went to the woods because I wished to live deliberately")
    assert walden["Note"] == "The reason for the whole experiment."
    assert (walden["Title"], walden["Author"], walden["Location"]) == (
        "Walden", "Henry David Thoreau", "Location 1337")
    assert note_for(collection, "ha934d3cdecd4a6a01063").tags == ["nature", "philosophy"]
    emerson = dict(note_for(collection, "h8df154d4bf543e4a8787").items())
    assert emerson["Note"] == "Often misquoted without &quot;foolish&quot;."
    assert emerson["URL"] == "https://www.gutenberg.org/files/16643/16643-h/16643-h.htm"
    assert [d.name for d in collection.decks.all_names_and_ids()] == ["Default", "Highlights"]


def test_a_kindle_notebooks_chapters_are_shown_before_the_location(run_cli, tmp_path, collection):
    notebook = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"
    log = import_package(collection, convert(run_cli, notebook, tmp_path / "deck.apkg"))
    assert len(log.new) == 11
    locations = sorted(fields["Location"] for fields in notes_by_type(collection)[BOOK])
    assert locations[0] == "Chapter 1 · Location 590"
    assert locations[-1] == "Chapter 5 On Living: A Postscript · Location 3251"


def test_each_design_gives_its_cards_only_where_the_user_asked(run_cli, tmp_path, collection):
    document = Document(id="d1", title="Notes on Design", author="A. Writer", highlights=[
        Highlight(id="plain", text="Nothing marked here."),
        Highlight(id="marked", text="Both **form** and ==function== matter."),
        Highlight(id="user-cloze", text="{{c1::Paris}} is the capital of {{c2::France::country}}."),
        Highlight(id="cloze-note", text="Entropy always increases.", note=".cloze entropy; increases"),
        Highlight(id="qa-note", text="The mitochondria is the powerhouse of the cell.",
                  note=".qa What is the powerhouse of the cell? The mitochondria"),
        Highlight(id="lone-note", text="", note="a note without a passage"),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg")
    import_package(collection, deck)
    notes = notes_by_type(collection)
    assert [n["HighlightId"] for n in notes[BOOK]] == ["plain", "marked", "user-cloze", "cloze-note",
                                                       "qa-note"]
    assert [(n["HighlightId"], n["_cards"]) for n in notes[CLOZE]] == [
        ("marked", "2"), ("user-cloze", "2"), ("cloze-note", "2")]
    assert [(n["HighlightId"], n["_cards"]) for n in notes[QA]] == [("qa-note", "1")]
    assert collection.card_count() == 5 + 6 + 1
    cloze = {n["HighlightId"]: n["Text"] for n in notes[CLOZE]}
    assert cloze["marked"] == "Both {{c1::form}} and {{c2::function}} matter."
    assert cloze["user-cloze"] == "{{c1::Paris}} is the capital of {{c2::France::country}}."
    assert cloze["cloze-note"] == "{{c1::Entropy}} always {{c2::increases}}."
    book = {n["HighlightId"]: n for n in notes[BOOK]}
    assert book["marked"]["Text"] == "Both <b>form</b> and <mark>function</mark> matter."
    assert book["user-cloze"]["Text"] == "Paris is the capital of France."
    assert book["cloze-note"]["Note"] == ""
    qa = notes[QA][0]
    assert (qa["Question"], qa["Answer"]) == ("What is the powerhouse of the cell?", "The mitochondria")


def test_cards_option_selects_the_designs(run_cli, tmp_path, collection):
    document = Document(id="d1", title="T", highlights=[
        Highlight(id="h1", text="**Bold** claim.", note=".qa Claim? Bold"),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg",
                   "--anki-cards", "cloze,qa")
    import_package(collection, deck)
    assert sorted(notes_by_type(collection)) == [CLOZE, QA]


def test_html_and_script_in_highlights_are_stored_as_text(run_cli, tmp_path, collection):
    document = Document(id="d1", title="<i>Title</i> & Co", author='"Quoted" <Author>',
                        url="javascript:alert(1)", highlights=[
        Highlight(id="h1", text="<script>alert('x')</script> & <b>not bold</b>\nline two",
                  note="<img src=x onerror=alert(1)>"),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg")
    import_package(collection, deck)
    note = dict(note_for(collection, "h1").items())
    assert note["Text"] == ("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; "
                            "&lt;b&gt;not bold&lt;/b&gt;<br>line two")
    assert note["Note"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert note["Title"] == "&lt;i&gt;Title&lt;/i&gt; &amp; Co"
    assert note["Author"] == "&quot;Quoted&quot; &lt;Author&gt;"
    assert note["URL"] == ""


def test_tags_come_from_document_and_highlight_without_spaces(run_cli, tmp_path, collection):
    document = Document(id="d1", title="T", tags=["Behavioral Economics", "books"], highlights=[
        Highlight(id="h1", text="x", tags=["to  review", "Books", "favorite"]),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg")
    import_package(collection, deck)
    assert note_for(collection, "h1").tags == ["Behavioral_Economics", "books", "favorite", "to_review"]


def test_deleted_highlights_are_not_exported_and_are_listed_with_v(run_cli, tmp_path, collection):
    document = Document(id="d1", title="Walden", highlights=[
        Highlight(id="kept", text="kept"), Highlight(id="gone", text="gone", is_deleted=True),
    ])
    library = write_library(tmp_path / "lib.json", document)
    result = run_cli("-v", "convert", library, "--to", "anki", "--out", tmp_path / "deck.apkg")
    assert result.exit_code == 0
    assert "not exported (deleted): Walden: gone" in result.output
    import_package(collection, tmp_path / "deck.apkg")
    assert [n["HighlightId"] for n in notes_by_type(collection)[BOOK]] == ["kept"]


def test_a_highlight_deleted_after_anki_got_it_is_tagged_there_keeping_its_reviews(
        run_cli, tmp_path, collection):
    # Anki never deletes a note on import: tagged, the user finds it (Anki audit: cards of
    # deleted highlights stayed scheduled with nothing to find them by).
    deck = tmp_path / "deck.apkg"
    both = [Highlight(id="kept", text="kept", highlighted_at=at(1)),
            Highlight(id="gone", text="gone **now**", highlighted_at=at(1))]
    convert(run_cli, write_library(tmp_path / "v1.json", Document(id="d1", title="Walden", highlights=both)),
            deck)
    import_package(collection, deck)
    card = note_for(collection, "gone").cards()[0]
    card.start_timer()
    collection.sched.answerCard(card, 3)
    deleted = [both[0], both[1].model_copy(update={"is_deleted": True, "updated_at": at(2)})]
    v2 = write_library(tmp_path / "v2.json", Document(id="d1", title="Walden", highlights=deleted))
    result = run_cli("-v", "convert", v2, "--to", "anki", "--out", deck)
    assert "tagged excerpta::deleted (deleted): Walden: gone" in result.output
    log = import_package(collection, deck)
    assert (len(log.updated), len(log.new)) == (2, 0)  # its book and cloze notes
    assert note_for(collection, "gone").tags == ["excerpta::deleted"]
    assert note_for(collection, "gone", CLOZE).tags == ["excerpta::deleted"]
    assert collection.get_card(card.id).reps == 1
    assert note_for(collection, "kept").tags == []
    written = deck.read_bytes()
    convert(run_cli, v2, deck)
    assert deck.read_bytes() == written  # the same library, the same deck
    # Never a note Anki was never given: a deck written afresh leaves it out.
    fresh = convert(run_cli, v2, tmp_path / "fresh.apkg")
    other = Collection(str(tmp_path / "other.anki2"))
    try:
        import_package(other, fresh)
        assert [n["HighlightId"] for n in notes_by_type(other)[BOOK]] == ["kept"]
    finally:
        other.close()


def test_a_note_without_highlighted_text_is_listed_with_v_unless_it_is_a_qa_note(
        run_cli, tmp_path, collection):
    document = Document(id="d1", title="Walden", highlights=[
        Highlight(id="kept", text="kept"), Highlight(id="lone", text="", note="a thought of mine"),
        Highlight(id="asked", text=" ", note=".qa What did he build? A cabin"),
        Highlight(id="unanswered", text="", note=".qa What did he build?"),
        Highlight(id="unasked", text="He built a cabin.", note=".qa A cabin"),
    ])
    library = write_library(tmp_path / "lib.json", document)
    result = run_cli("-v", "convert", library, "--to", "anki", "--out", tmp_path / "deck.apkg")
    assert result.exit_code == 0
    for hid in ("lone", "unanswered"):
        assert ("not exported (a note without highlighted text; only a .qa note with a question and "
                f"an answer makes a card of it): Walden: {hid}") in result.output
    assert "Walden: asked" not in result.output
    import_package(collection, tmp_path / "deck.apkg")
    notes = notes_by_type(collection)
    # A .qa note without a question or an answer is an ordinary note: no Q&A card with a blank side.
    assert [(n["HighlightId"], n["Note"]) for n in notes[BOOK]] == [("kept", ""), ("unasked", ".qa A cabin")]
    assert [(n["HighlightId"], n["Question"], n["_cards"]) for n in notes[QA]] == [
        ("asked", "What did he build?", "1")]


def test_titles_with_runs_of_colons_never_nest_sub_decks(run_cli, tmp_path, collection):
    documents = [Document(id=f"d{n}", title=title, highlights=[Highlight(id=f"h{n}", text="x")])
                 for n, title in enumerate(["Book:::Sub", "Left :: Right", "::::"])]
    library = write_library(tmp_path / "lib.json", *documents)
    import_package(collection, convert(run_cli, library, tmp_path / "deck.apkg", "--anki-subdecks"))
    names = sorted(d.name for d in collection.decks.all_names_and_ids())
    assert names == ["Default", "Highlights", "Highlights::Book:Sub", "Highlights::Left : Right",
                     "Highlights::Untitled"]


def test_titles_anki_takes_for_one_name_share_the_first_ones_deck(run_cli, tmp_path, collection):
    documents = [Document(id=f"d{n}", title=title, highlights=[Highlight(id=f"h{n}", text=title)])
                 for n, title in enumerate(["walden", "WALDEN", "Walden", "Straße", "STRASSE"])]
    library = write_library(tmp_path / "lib.json", *documents)
    import_package(collection, convert(run_cli, library, tmp_path / "deck.apkg", "--anki-subdecks"))
    names = sorted(d.name for d in collection.decks.all_names_and_ids())
    assert names == ["Default", "Highlights", "Highlights::Straße", "Highlights::walden"]
    assert {collection.decks.name(note_for(collection, f"h{n}").cards()[0].did) for n in range(3)} == {
        "Highlights::walden"}


def test_subdecks_put_each_document_in_its_own_deck(run_cli, tmp_path, collection):
    deck = convert(run_cli, EXAMPLES / "library.json", tmp_path / "deck.apkg",
                   "--anki-deck", "Reading::Highlights", "--anki-subdecks")
    import_package(collection, deck)
    names = sorted(d.name for d in collection.decks.all_names_and_ids())
    assert names == ["Default", "Reading", "Reading::Highlights", "Reading::Highlights::Faust: Eine Tragödie",
                     "Reading::Highlights::Meditations", "Reading::Highlights::Self-Reliance",
                     "Reading::Highlights::Walden"]
    walden = note_for(collection, "ha934d3cdecd4a6a01063")
    assert collection.decks.name(walden.cards()[0].did) == "Reading::Highlights::Walden"


def test_note_modification_time_is_the_highlights_not_the_exports(run_cli, tmp_path, collection):
    document = Document(id="d1", title="T", highlights=[
        Highlight(id="updated", text="a", highlighted_at=at(1), updated_at=at(2)),
        Highlight(id="highlighted", text="b", highlighted_at=at(3)),
        Highlight(id="undated", text="c"),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg")
    import_package(collection, deck)
    assert note_for(collection, "updated").mod == int(at(2).timestamp())
    assert note_for(collection, "highlighted").mod == int(at(3).timestamp())
    assert note_for(collection, "undated").mod == int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())


def test_reimporting_an_updated_deck_updates_in_place_and_keeps_review_state(run_cli, tmp_path, collection):
    first = Document(id="d1", title="Walden", highlights=[
        Highlight(id="h1", text="Simplify.", highlighted_at=at(1)),
        Highlight(id="h2", text="Quiet desperation.", highlighted_at=at(1)),
    ])
    deck = convert(run_cli, write_library(tmp_path / "v1.json", first), tmp_path / "deck.apkg")
    import_package(collection, deck)
    studied = note_for(collection, "h1")
    card = studied.cards()[0]
    card.start_timer()
    collection.sched.answerCard(card, 3)
    reviewed = collection.get_card(card.id)
    before = (reviewed.type, reviewed.queue, reviewed.due, reviewed.ivl, reviewed.reps, reviewed.left)
    assert reviewed.reps == 1

    second = first.model_copy(update={"highlights": [
        Highlight(id="h1", text="Simplify, simplify.", note="new note", tags=["thoreau"],
                  highlighted_at=at(1), updated_at=at(5)),
        first.highlights[1],
        Highlight(id="h3", text="A new one.", highlighted_at=at(5)),
    ]})
    deck = convert(run_cli, write_library(tmp_path / "v2.json", second), tmp_path / "deck.apkg")
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)) == (1, 1, 1, 0)
    assert collection.note_count() == 3
    assert len(collection.find_notes("HighlightId:h1")) == 1
    updated = note_for(collection, "h1")
    assert updated.id == studied.id
    assert (updated["Text"], updated["Note"]) == ("Simplify, simplify.", "new note")
    assert updated.tags == ["thoreau"]
    kept = collection.get_card(card.id)
    assert (kept.type, kept.queue, kept.due, kept.ivl, kept.reps, kept.left) == before


def test_a_kindle_highlight_extended_on_the_device_updates_its_card_instead_of_adding_one(
        run_cli, tmp_path, collection):
    sep, title = "==========", "Walden (Thoreau, Henry David)"
    first = "\n".join([
        title, "- Your Highlight on page 5 | Location 70-72 | Added on Monday, July 4, 2022 9:15:00 AM",
        "", "I went to the woods because I wished to live deliberately.", sep, ""])
    extended = "\n".join([
        title, "- Your Highlight on page 5 | Location 70-75 | Added on Monday, July 4, 2022 9:17:00 AM",
        "", "I went to the woods because I wished to live deliberately, to front only the essential "
        "facts of life.", sep, ""])
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_text(first, encoding="utf-8")
    deck = convert(run_cli, clippings, tmp_path / "deck.apkg", "--timezone", "UTC")
    assert len(import_package(collection, deck).new) == 1
    clippings.write_text(first + extended, encoding="utf-8")  # the device appends the new copy
    deck = convert(run_cli, clippings, tmp_path / "deck.apkg", "--timezone", "UTC")
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated)) == (0, 1)
    [note] = [collection.get_note(nid) for nid in collection.find_notes("")]
    assert note["Text"].endswith("essential facts of life.")


def test_reimporting_the_same_deck_keeps_an_edit_made_inside_anki(run_cli, tmp_path, collection):
    document = Document(id="d1", title="Walden", highlights=[
        Highlight(id="h1", text="Simplify.", note="original", highlighted_at=at(1)),
    ])
    library = write_library(tmp_path / "lib.json", document)
    deck = convert(run_cli, library, tmp_path / "deck.apkg")
    import_package(collection, deck)
    note = note_for(collection, "h1")
    note["Note"] = "my own thoughts"
    collection.update_note(note)

    convert(run_cli, library, tmp_path / "again.apkg")
    log = import_package(collection, tmp_path / "again.apkg")
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert note_for(collection, "h1")["Note"] == "my own thoughts"
    assert collection.note_count() == 1


def test_a_renamed_book_reaches_existing_notes_though_no_highlight_changed(run_cli, tmp_path, collection):
    # Anki only takes a note that is newer; the highlight's time did not move, so the note's
    # time must come from the deck written before at the same path.
    first = Document(id="d1", title="Walden", author="Thoreau", highlights=[
        Highlight(id="h1", text="Simplify.", highlighted_at=at(1)),
        Highlight(id="h2", text="Quiet desperation.", highlighted_at=at(2)),
    ])
    deck = convert(run_cli, write_library(tmp_path / "v1.json", first), tmp_path / "deck.apkg")
    import_package(collection, deck)
    before = note_for(collection, "h1").mod

    renamed = first.model_copy(update={"title": "Walden; or, Life in the Woods", "tags": ["classic"]})
    library = write_library(tmp_path / "v2.json", renamed)
    convert(run_cli, library, deck)
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated)) == (0, 2)
    assert [note_for(collection, h)["Title"] for h in ("h1", "h2")] == ["Walden; or, Life in the Woods"] * 2
    assert note_for(collection, "h1").tags == ["classic"]
    assert note_for(collection, "h1").mod > before

    exported = deck.read_bytes()
    convert(run_cli, library, deck)
    assert deck.read_bytes() == exported  # unchanged again: same times, same bytes


def test_an_edit_inside_anki_survives_re_exports_after_a_renamed_book(run_cli, tmp_path, collection):
    first = Document(id="d1", title="Walden", highlights=[
        Highlight(id="h1", text="Simplify.", note="original", highlighted_at=at(1))])
    deck = convert(run_cli, write_library(tmp_path / "v1.json", first), tmp_path / "deck.apkg")
    renamed = write_library(tmp_path / "v2.json", first.model_copy(update={"title": "Walden (1854)"}))
    convert(run_cli, renamed, deck)
    import_package(collection, deck)
    note = note_for(collection, "h1")
    note["Note"] = "my own thoughts"
    collection.update_note(note)

    convert(run_cli, renamed, deck)
    log = import_package(collection, deck)
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert note_for(collection, "h1")["Note"] == "my own thoughts"


def test_real_readwise_export_becomes_cards_with_bold_spans_as_a_cloze(run_cli, tmp_path, collection):
    source = CORPUS / "readwise" / "csv-export" / "steshinss-readwise-data.2026.csv"
    deck = convert(run_cli, source, tmp_path / "deck.apkg")
    import_package(collection, deck)
    notes = notes_by_type(collection)
    assert [n["Text"] for n in notes[BOOK]] == [  # by note id: in the order they were highlighted
        "over the past week in a newsletter called *Wisereads*. <b>Tap the bu</b>",
        "BREAKING: Temperatures are now set to reach up to 40C in the UK on Wednesday and Thursday",
        "nd Thursday",
    ]
    first = notes[BOOK][2]
    assert (first["Title"], first["Author"], first["Note"], first["Location"]) == (
        "🚨 BREAKING: Temperatures are now set to reach up to...", "Politics UK", "beware", "Offset 81")
    assert [(n["Text"], n["Note"], n["_cards"]) for n in notes[CLOZE]] == [
        ("over the past week in a newsletter called *Wisereads*. {{c1::Tap the bu}}", "asd", "1")]
    assert note_for(collection, first["HighlightId"]).mod == int(
        datetime(2026, 6, 22, 10, 34, 42, tzinfo=UTC).timestamp())


def test_control_characters_anywhere_never_make_anki_refuse_the_deck(run_cli, tmp_path, collection):
    # Anki joins a note's fields with U+001F: one inside a field made it refuse the whole package.
    dirty = "PDF\x1ftext\x00"
    document = Document(id="d1", title=f"A {dirty}", author=dirty, highlights=[
        Highlight(id="h\x1f1", text=f"**copied** from a {dirty}", note=dirty, chapter=dirty,
                  location=dirty, tags=[dirty]),
        Highlight(id="h2", text="fine"),
    ])
    deck = convert(run_cli, write_library(tmp_path / "lib.json", document), tmp_path / "deck.apkg",
                   "--anki-subdecks", "--anki-deck", "Reading\x1f")
    log = import_package(collection, deck)
    assert len(log.new) == 3
    book = dict(note_for(collection, "h 1").items())
    assert (book["Text"], book["Title"], book["Note"], book["Location"]) == (
        "<b>copied</b> from a PDF text", "A PDF text", "PDF text", "PDF text · PDF text")
    assert note_for(collection, "h 1", CLOZE)["Text"] == "{{c1::copied}} from a PDF text"
    assert note_for(collection, "h 1").tags == ["PDF_text"]
    assert "Reading::A PDF text" in [d.name for d in collection.decks.all_names_and_ids()]


def visible(card_html: str) -> str:
    """What a card shows, as text: no style sheet, no tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", re.sub(r"(?s)<style>.*?</style>", "", card_html)))


def test_nested_and_broken_user_clozes_give_cards_that_all_render(run_cli, tmp_path, collection):
    document = Document(id="d1", title="Book", highlights=[
        Highlight(id="nested", text="Nested {{c1::outer {{c2::inner}} rest}} done"),
        Highlight(id="stray", text="}} {{Title}} {{c1::unterminated **bold** end"),
        Highlight(id="bold", text="**bold {{c1::inner}}** mix"),
    ])
    import_package(collection, convert(run_cli, write_library(tmp_path / "lib.json", document),
                                       tmp_path / "deck.apkg"))
    cards = {(hid, card.ord): (visible(card.question()), visible(card.answer()))
             for hid in ("nested", "stray") for card in note_for(collection, hid, CLOZE).cards()}
    assert sorted(cards) == [("nested", 0), ("nested", 1), ("stray", 0)]
    assert cards["nested", 0][0].startswith("Nested [...] done")
    assert cards["nested", 1][0].startswith("Nested outer [...] rest done")
    assert cards["nested", 0][1].startswith("Nested outer inner rest done")
    assert cards["stray", 0][0].startswith("}} {{Title}} {{c1::unterminated [...] end")
    assert cards["stray", 0][1].startswith("}} {{Title}} {{c1::unterminated bold end")
    assert note_for(collection, "nested")["Text"] == "Nested outer inner rest done"
    [bold] = note_for(collection, "bold", CLOZE).cards()
    assert visible(bold.question()).startswith("bold [...] mix")
    assert visible(bold.answer()).startswith("bold inner mix")
    assert note_for(collection, "bold")["Text"] == "<b>bold inner</b> mix"


def test_anki_media_latex_and_mathjax_syntax_in_highlights_is_text(run_cli, tmp_path, collection):
    written = {"sound": "The tag [sound:intro.mp3] embeds audio.",
               "latex": "[$]x[/$] and [latex]y[/latex] are LaTeX; [anki:tts lang=en_US]speak[/anki:tts]",
               "mathjax": r"Write \(foo\) for a literal (foo), or **\[x\]**."}
    document = Document(id="d1", title="Regular [sound:title.mp3]", highlights=[
        Highlight(id=hid, text=text, note="[sound:note.mp3]") for hid, text in written.items()])
    import_package(collection, convert(run_cli, write_library(tmp_path / "lib.json", document),
                                       tmp_path / "deck.apkg"))
    assert collection.media.check().missing == []  # no field refers to a sound or a LaTeX image
    for card in (card for nid in collection.find_notes("") for card in collection.get_note(nid).cards()):
        for side in (card.question(), card.answer()):
            assert "[anki:play" not in side  # a sound player
            assert "<img" not in side  # a LaTeX image
            # What MathJax reads (the page's text): no delimiter left whole.
            assert not re.search(r"\\[()[\]]", html.unescape(side))
    for hid, text in written.items():
        for design in (BOOK, CLOZE) if hid == "mathjax" else (BOOK,):
            shown = visible(note_for(collection, hid, design).cards()[0].answer()).replace("\u2060", "")
            assert shown.startswith(text.replace("**", "")), shown
            assert "Regular [sound:title.mp3]" in shown
            assert "[sound:note.mp3]" in shown
