"""Several kinds of cloze marks on one highlight: bold and mark spans and a ``.cloze`` note's
terms make one card together (audit s22 L1: the note was silently ignored beside a span);
the user's own ``{{c1::…}}`` clozes make it alone, and the unused note is said."""

from __future__ import annotations

from excerpta.model import Document, Highlight
from excerpta.writers.anki.markup import cloze_note_unused, cloze_text
from writers.test_anki_import import CLOZE, at, import_package, note_for, write_library
from writers.test_anki_reimport import asked_for


def test_cloze_note_terms_are_hidden_beside_bold_and_mark_spans_numbered_after_them():
    assert cloze_text("Beta text **pond**.", ".cloze beta") == "{{c2::Beta}} text {{c1::pond}}."
    assert cloze_text("Beta text ==pond==.", ".cloze text") == "Beta {{c2::text}} {{c1::pond}}."
    assert cloze_text("A **b** c ==d== e f", ".cloze f; e") == "A {{c1::b}} c {{c2::d}} {{c4::e}} {{c3::f}}"


def test_a_term_that_is_a_spans_text_hides_its_other_occurrences_under_the_spans_number():
    # One card: "pond" left showing beside the bold one would give its answer away.
    assert cloze_text("The pond, the **Pond**.", ".cloze pond; the") == \
        "{{c2::The}} {{c1::pond}}, {{c2::the}} {{c1::Pond}}."


def test_a_term_inside_a_longer_span_is_hidden_only_outside_it():
    assert cloze_text("**Walden Pond** and the pond", ".cloze pond") == \
        "{{c1::Walden Pond}} and the {{c2::pond}}"


def test_terms_added_beside_a_span_leave_every_earlier_number_where_it_was():
    assert cloze_text("Beta text **pond**.", ".cloze text; beta", [("pond", 1), ("Beta", 2)]) == \
        "{{c2::Beta}} {{c3::text}} {{c1::pond}}."
    # A span bolded after the note's terms were numbered: the terms keep theirs.
    assert cloze_text("Beta **text** pond.", ".cloze pond", [("pond", 1)]) == \
        "Beta {{c2::text}} {{c1::pond}}."


def test_the_users_own_clozes_alone_make_the_card_and_the_cloze_note_is_unused():
    assert cloze_text("Alpha {{c1::woods}} text.", ".cloze alpha") == "Alpha {{c1::woods}} text."
    assert cloze_note_unused("Alpha {{c1::woods}} text.", ".cloze alpha")
    assert not cloze_note_unused("Alpha {{c1::woods}} text.", "an ordinary note")
    assert not cloze_note_unused("Alpha **woods** text.", ".cloze alpha")
    assert not cloze_note_unused("{{c0::zero}} alpha", ".cloze alpha")  # c0 makes no card: text
    assert cloze_text("{{c0::zero}} alpha", ".cloze alpha") == \
        "&#123;&#123;c0::zero&#125;&#125; {{c1::alpha}}"


def test_an_unused_cloze_note_is_warned_of_once_and_named_with_v(run_cli, tmp_path):
    library = write_library(tmp_path / "lib.json", Document(id="d", title="Walden", highlights=[
        Highlight(id=f"h{n}", text=f"Alpha {{{{c1::woods}}}} {n}.", note=".cloze alpha") for n in range(2)]))
    quiet = run_cli("convert", library, "--to", "anki", "--out", tmp_path / "a.apkg")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.count("anki: 2 .cloze note(s) not used: their highlights hold their own "
                              "{{c1::…}} clozes, which alone make the cloze card") == 1
    assert "Walden: h0" not in quiet.output
    loud = run_cli("-v", "convert", library, "--to", "anki", "--out", tmp_path / "b.apkg")
    assert "anki: .cloze note not used (the highlight holds its own {{c1::…}} clozes, which alone " \
           "make its cloze card): Walden: h1" in loud.output
    plain = run_cli("convert", library, "--to", "anki", "--anki-cards", "book", "--out", tmp_path / "c.apkg")
    assert "not used" not in plain.output  # no cloze card asked for


def test_editing_the_cloze_note_of_a_bold_highlight_reaches_anki_and_keeps_the_reviewed_card(
        run_cli, tmp_path, collection):
    deck, state = tmp_path / "deck.apkg", tmp_path / "st.sqlite"

    def convert(version: str, note: str, updated: int) -> str:
        highlight = Highlight(id="h", text="Beta text **pond**.", note=note, highlighted_at=at(1),
                              updated_at=at(updated))
        library = write_library(tmp_path / f"{version}.json",
                                Document(id="d", title="T", highlights=[highlight]))
        result = run_cli("convert", library, "--to", "anki", "--out", deck, "--state", state)
        assert result.exit_code == 0, result.output
        return result.output

    convert("v1", ".cloze beta", 1)
    import_package(collection, deck)
    studied = asked_for(collection, "h")
    assert sorted(studied.values()) == ["Beta", "pond"]
    reviewed = next(cid for cid, word in studied.items() if word == "pond")
    card = collection.get_card(reviewed)
    card.start_timer()
    collection.sched.answerCard(card, 4)

    assert f"update {deck}" in convert("v2", ".cloze text; beta", 2)  # was "unchanged"
    assert len(import_package(collection, deck).updated) == 1
    now = asked_for(collection, "h")
    assert sorted(now.values()) == ["Beta", "pond", "text"]
    assert (now[reviewed], collection.get_card(reviewed).reps) == ("pond", 1)
    assert note_for(collection, "h", CLOZE)["Text"] == "{{c2::Beta}} {{c3::text}} {{c1::pond}}."
