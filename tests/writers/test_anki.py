"""The ``anki`` writer without Anki: markup rules, frozen note types, options, determinism."""

from __future__ import annotations

import errno
import html
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import genanki
import pytest

from excerpta.locks import lock_folder, staging_list
from excerpta.model import Document, Highlight, LocationType
from excerpta.writers.anki.action_notes import question_and_answer
from excerpta.writers.anki.cards import note_fields, note_guid
from excerpta.writers.anki.clozes import MAX_NESTING, Cloze, card_numbers, parse_clozes
from excerpta.writers.anki.history import PreviousNote, note_digest, read_previous_notes, settle_mtime
from excerpta.writers.anki.markup import (
    anki_tags,
    cloze_text,
    describe_location,
    escape_html,
    render_text,
    safe_link,
)
from excerpta.writers.anki.note_types import FIELDS, MODEL_IDS, ROOT_DECK_ID, note_type_name
from excerpta.writers.anki.writer import AnkiOptions, deck_id_for, deck_key, subdeck_name

from paths import EXAMPLES


def test_note_type_contract_is_frozen_for_schema_version_1():
    # Changing any of these makes every existing note in users' collections "conflicting".
    assert FIELDS == ("HighlightId", "Text", "Note", "Question", "Answer", "Title", "Author", "Location",
                      "URL", "Extra1", "Extra2", "Extra3")
    assert MODEL_IDS == {"book": 1395081196, "cloze": 1467234666, "qa": 1357199147}
    assert ROOT_DECK_ID == 1759614281
    assert [note_type_name(d) for d in ("book", "cloze", "qa")] == [
        "excerpta v1 · Which book?", "excerpta v1 · Cloze", "excerpta v1 · Q&A"]


def test_guid_depends_only_on_design_and_highlight_id():
    assert note_guid("book", "readwise-1") == note_guid("book", "readwise-1")
    assert len({note_guid("book", "readwise-1"), note_guid("cloze", "readwise-1"),
                note_guid("book", "readwise-2")}) == 3


def test_unchanged_library_leaves_the_deck_file_untouched(run_cli, tmp_path):
    out = tmp_path / "deck.apkg"
    first = run_cli("convert", EXAMPLES / "library.json", "--to", "anki", "--out", out)
    assert first.exit_code == 0
    before = (out.read_bytes(), out.stat().st_mtime_ns)
    second = run_cli("convert", EXAMPLES / "library.json", "--to", "anki", "--out", out)
    assert second.exit_code == 0
    assert f"unchanged {out}" in second.output
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_the_work_files_a_killed_run_left_are_removed_by_the_next(run_cli, tmp_path):
    # A deck is built in a folder beside the output's lock (excerpta's state folder, not the
    # shared temporary one): a run killed outright leaves its collection there, the highlights
    # in it, and the next run into the output, holding the lock, removes it.
    out = tmp_path / "deck.apkg"
    lock_folder()  # made, as by the killed run
    left = staging_list(out).with_suffix(".scratch")
    left.mkdir(parents=True)
    (left / "collection.anki2").write_bytes(b"a killed run's collection")
    result = run_cli("--state", tmp_path / "state.sqlite", "convert", EXAMPLES / "library.json",
                     "--to", "anki", "--out", out)
    assert result.exit_code == 0, result.output
    assert not left.exists()
    assert zipfile.ZipFile(out).namelist()


# The file size limit stands in for a full disk (a write refused), in a process of its own; a
# deck of 1,000 highlights is built past it while the state's files stay under it.
_CONVERT_UNDER_A_SIZE_LIMIT = """
import resource, signal, sys
from excerpta.cli.app import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # refused, not killed (as CPython sets it)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
sys.argv = ["excerpta", *sys.argv[2:]]
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE")
def test_no_room_to_build_a_deck_names_the_deck_and_excerptas_folder_not_the_work_file(tmp_path):
    # Audit L2: "…/locks/<hash>.scratch: cannot build the deck there (disk I/O error)" named a
    # file the user never chose, and not why.
    clippings, deck = tmp_path / "clip.txt", tmp_path / "deck.apkg"
    clippings.write_text("".join(
        f"Title (Author)\n- Your Highlight on page 1 | Location 10-12 | Added on Monday, 1 January 2024 "
        f"00:00:00\n\nsome text {n}\n==========\n" for n in range(1000)), encoding="utf-8")
    src = Path(__file__).parents[2] / "src"
    ran = subprocess.run([sys.executable, "-c", _CONVERT_UNDER_A_SIZE_LIMIT, "204800", "convert", clippings,
                          "--to", "anki", "--out", deck], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(src)})
    locks = Path(os.environ["XDG_STATE_HOME"]) / "excerpta" / "locks"
    assert (ran.returncode, ran.stderr) == (74, (
        f"excerpta: error: {deck}: File too large (preparing it in excerpta's working folder {locks}, "
        "where a file reached this process's file size limit, 204800 bytes: raise it (ulimit -f) and "
        "run again)\n"))
    assert not deck.exists()
    assert list(locks.glob("*.scratch")) == []


# A build failing mid-statement (a page spilled past the limit) while the error is held: is the
# collection still open? (On a full disk, its room would stay taken, and the run log after it
# fail in its place.)
_BUILD_UNDER_A_SIZE_LIMIT = """
import os, resource, sys
from contextlib import suppress
from pathlib import Path
from excerpta import registry
from excerpta.model import Document, Highlight
from excerpta.writers.anki.package import build_collection
writer = registry.writer("anki").from_options({})
documents = [Document(id="d", title="Book", highlights=[
    Highlight(id=f"h{n}", text=f"passage {n} " * 10) for n in range(10_000)])]
collection = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (2_500_000, resource.RLIM_INFINITY))
try:
    build_collection(collection, writer.placed_notes(documents, {}), 0)
except OSError as err:
    held = []
    for fd in os.listdir("/proc/self/fd"):
        with suppress(OSError):  # (the listing's own)
            held.append(os.readlink(f"/proc/self/fd/{fd}"))
    print(err.errno, str(collection) in held)
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_a_collection_that_cannot_be_built_is_closed_at_once(tmp_path):
    src = Path(__file__).parents[2] / "src"
    ran = subprocess.run([sys.executable, "-c", _BUILD_UNDER_A_SIZE_LIMIT, tmp_path / "collection.anki2"],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(src)})
    assert ran.stdout.split() == [str(errno.EIO), "False"], ran.stderr


def test_deck_package_is_a_legacy_apkg_with_fixed_entry_dates(run_cli, tmp_path):
    out = tmp_path / "deck.apkg"
    run_cli("convert", EXAMPLES / "library.json", "--to", "anki", "--out", out)
    with zipfile.ZipFile(out) as package:
        entries = package.infolist()
        assert [e.filename for e in entries] == ["collection.anki2", "media"]
        assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}
        assert package.read("media") == b"{}"


def test_unknown_card_design_is_one_line_error(run_cli, tmp_path):
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "anki", "--out", tmp_path / "d.apkg",
                     "--anki-cards", "book,flashy")
    assert result.exit_code == 2
    assert "anki option cards" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "d.apkg").exists()


def test_empty_deck_name_segment_is_refused(run_cli, tmp_path):
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "anki", "--out", tmp_path / "d.apkg",
                     "--anki-deck", "Reading:: ")
    assert result.exit_code == 2
    assert "anki option deck" in result.output


@pytest.mark.parametrize(("title", "deck"), [
    ("Book:::Sub", "H::Book:Sub"), ("Book :: Sub", "H::Book : Sub"), ("A::::B::C", "H::A:B:C"),
    (":::Lead", "H::Lead"), ("Re: Walden", "H::Re: Walden"), (" :: ", "H::Untitled"), ("", "H::Untitled")])
def test_no_run_of_colons_in_a_title_makes_a_sub_deck(title, deck):
    assert subdeck_name("H", title) == deck
    assert subdeck_name("H", title).count("::") == 1


def test_no_field_holds_anki_s_field_separator_or_a_control_character_it_would_drop():
    dirty = "a\x1fb\x00c\x1bd\x7fe\tf"
    document = Document(id="d", title=dirty, author=dirty, url="https://x.example/\x1f")
    highlight = Highlight(id=f"id{dirty}", text=f"**{dirty}**", note=dirty, chapter=dirty,
                          location=dirty, tags=[dirty])
    for design in ("book", "cloze"):
        fields = note_fields(document, highlight, design) or []
        assert len(fields) == len(FIELDS)
        assert not [f for f in fields if any((c < " " and c != "\t") or c == "\x7f" for c in f)]
    book = dict(zip(FIELDS, note_fields(document, highlight, "book") or [], strict=True))
    assert (book["HighlightId"], book["Title"], book["Note"]) == ("ida bcde\tf", "a bcde\tf", "a bcde\tf")
    assert book["Text"] == "<b>a bcde\tf</b>"
    assert anki_tags([dirty]) == ["a_bcde_f"]
    assert subdeck_name("H", dirty) == "H::a bcde f"
    assert AnkiOptions(deck="Reading\x1f::\x00Highlights").deck == "Reading::Highlights"


def test_titles_anki_takes_for_one_deck_name_have_one_deck_key():
    assert deck_key("H::walden") == deck_key("H::WALDEN")
    assert deck_key("H::Straße") == deck_key("H::STRASSE")
    assert deck_key("H::Caf\u00e9") == deck_key("H::Cafe\u0301")
    assert deck_key("H::a b") != deck_key("H::a  b")
    # Existing users' decks keep their ids: the id is still the name's own.
    assert deck_id_for("Highlights::Walden") == 1435438274


def test_nested_user_clozes_are_kept_and_read_as_their_text_on_other_cards():
    text = "Nested {{c1::outer {{c2::inner::hint}} rest}} done"
    assert cloze_text(text, None) == text
    assert render_text(text) == "Nested outer inner rest done"
    assert card_numbers(parse_clozes(text)) == {1, 2}


def test_cloze_syntax_that_is_not_a_cloze_cannot_open_or_close_one():
    assert cloze_text("{{c1::unterminated **bold** end", None) == \
        "&#123;&#123;c1::unterminated {{c1::bold}} end"
    assert cloze_text("a}} {{Title}} ==b==", None) == "a&#125;&#125; &#123;&#123;Title&#125;&#125; {{c1::b}}"
    assert cloze_text("{{c1::x}} then }} and {{c2::", None) == \
        "{{c1::x}} then &#125;&#125; and &#123;&#123;c2::"
    assert cloze_text("{x} .", ".cloze x") == "&#123;{{c1::x}}&#125; ."
    assert render_text("{{c1::unterminated **bold** end") == "{{c1::unterminated <b>bold</b> end"


def test_clozes_anki_makes_no_card_for_are_text():
    assert cloze_text("{{c0::zero}} and **b**", None) == "&#123;&#123;c0::zero&#125;&#125; and {{c1::b}}"
    assert cloze_text("{{c65536::big}}", None) is None
    assert card_numbers(parse_clozes("{{c65535::max}}")) == {65535}


def test_clozes_nested_past_the_limit_are_text_and_never_exhaust_the_stack():
    deep = "{{c1::" * 5000 + "x" + "}}" * 5000
    rendered = cloze_text(deep, None) or ""
    assert rendered.count("{{c1::") == MAX_NESTING
    assert card_numbers(parse_clozes(rendered)) == {1}
    assert render_text(deep).startswith("{{c1")  # the text past the limit, as it was written
    [outer] = parse_clozes("{{c1::a{{c2::b}}c::h}}")
    assert outer == Cloze("1", ["a", Cloze("2", ["b"]), "c"], "h")


def test_bold_and_mark_spans_each_become_the_next_cloze():
    assert cloze_text("A **b** c ==d e== f", None) == "A {{c1::b}} c {{c2::d e}} f"


def test_text_without_marks_gives_no_cloze():
    assert cloze_text("if a == b and b == c", None) is None
    assert cloze_text("2 ** 3 ** 2", None) is None
    assert cloze_text("plain", "an ordinary note") is None


def test_cloze_note_hides_every_occurrence_of_each_term_under_one_number_and_ignores_missing_ones():
    # Hiding only the first "cat" left the answer showing on its own card (reference audit 6).
    assert cloze_text("The cat sat on the cat mat.", ".cloze cat; dog; MAT") == \
        "The {{c1::cat}} sat on the {{c1::cat}} {{c2::mat}}."
    assert cloze_text("Case Mitochondria MITOCHONDRIA", ".cloze mitochondria") == \
        "Case {{c1::Mitochondria}} {{c1::MITOCHONDRIA}}"
    assert cloze_text("a cat and a dog and a cat", ".cloze dog; cat") == \
        "a {{c2::cat}} and a {{c1::dog}} and a {{c2::cat}}"
    assert cloze_text("Nothing to hide.", ".cloze absent") is None


def test_cloze_terms_are_numbered_in_the_order_the_note_lists_them():
    # An appended term gets the next number; the others keep theirs (their cards' history).
    assert cloze_text("Entropy always increases.", ".cloze increases") == "Entropy always {{c1::increases}}."
    assert cloze_text("Entropy always increases.", ".cloze increases; entropy") == \
        "{{c2::Entropy}} always {{c1::increases}}."


@pytest.mark.parametrize(("text", "note", "numbered"), [
    # What the writer gave before numbers followed the note's order: terms listed in text order
    # (the common case) keep these numbers.
    ("Entropy always increases.", ".cloze increases", "Entropy always {{c1::increases}}."),
    ("Entropy always increases.", ".cloze Entropy; increases", "{{c1::Entropy}} always {{c2::increases}}."),
    ("The cat sat on the cat mat.", ".cloze cat; dog; MAT",
     "The {{c1::cat}} sat on the {{c1::cat}} {{c2::mat}}."),
    ("a b c", ".cloze a; a b; b; c", "{{c1::a}} {{c2::b}} {{c3::c}}"),
])
def test_terms_listed_in_text_order_keep_the_numbers_earlier_versions_gave(text, note, numbered):
    assert cloze_text(text, note) == numbered


def test_a_cloze_hiding_the_same_text_as_last_time_keeps_its_number():
    # Bolding an earlier word: "life" was c1 in the deck written last time.
    assert cloze_text("The cost of a thing is **life**.", None) == "The cost of a thing is {{c1::life}}."
    assert cloze_text("The **cost** of a thing is **life**.", None, [("life", 1)]) == \
        "The {{c2::cost}} of a thing is {{c1::life}}."
    # A removed term leaves its number unused (its card keeps its own history, now empty).
    assert cloze_text("a b c", ".cloze b; c", [("a", 1), ("b", 2), ("c", 3)]) == "a {{c2::b}} {{c3::c}}"
    assert cloze_text("a b c d", ".cloze c; d; a", [("c", 2), ("d", 3)]) == \
        "{{c4::a}} b {{c2::c}} {{c3::d}}"
    # Text as the deck stores it: escaped, "::" an entity; the same text twice, each its own.
    assert cloze_text("**x::y** and **x::y**", None, [("x:&#58;y", 2), ("x:&#58;y", 1)]) == \
        "{{c2::x:&#58;y}} and {{c1::x:&#58;y}}"


def test_generated_clozes_cannot_be_broken_by_braces_or_colons_in_the_text():
    assert cloze_text("see **a::b}}c** <x>", None) == "see {{c1::a:&#58;b&#125;&#125;c}} &lt;x&gt;"


def test_user_clozes_are_kept_with_their_content_escaped():
    assert cloze_text("{{c2::<b>x</b>::hint}} & **y**", None) == \
        "{{c2::&lt;b&gt;x&lt;/b&gt;::hint}} &amp; <b>y</b>"


def test_render_text_shows_marks_and_strips_user_cloze_syntax():
    assert render_text("{{c1::Paris::city}} is **big** & ==old==\nyes") == \
        "Paris is <b>big</b> &amp; <mark>old</mark><br>yes"


def test_a_mark_around_user_clozes_is_rendered_and_never_cuts_one():
    text = "**bold {{c1::inner}}** mix ==a {{c2::b}} c== \ue000"
    assert render_text(text) == "<b>bold inner</b> mix <mark>a b c</mark> \ue000"
    assert cloze_text(text, None) == "<b>bold {{c1::inner}}</b> mix <mark>a {{c2::b}} c</mark> \ue000"
    assert render_text("a **b {{c1::c** d}} e") == "a **b c** d e"


def test_anki_media_latex_and_mathjax_syntax_in_text_shows_as_written():
    text = r"[sound:a.mp3] [anki:tts lang=en]x[/anki:tts] [LaTeX]y[/latex] [$]z[/$] [$$]w[/$$] \(f\) \[g\]"
    escaped = escape_html(text)
    for live in ("[sound:", "[anki:", "[LaTeX]", "[$]", "[$$]", "\\(", "\\)", "\\[", "\\]"):
        assert live not in escaped
    assert html.unescape(escaped).replace("\u2060", "") == text
    assert escape_html("[1] costs $5, a\\b") == "[1] costs $5, a\\b"  # nothing else changes
    assert safe_link("https://x.org/[sound:a.mp3]") == "https://x.org/&#91;sound:a.mp3]"


@pytest.mark.parametrize(("note", "expected"), [
    (".qa What is X? It is Y.", ("What is X?", "It is Y.")),
    (".QA   Why?Because.", ("Why?", "Because.")),
    (".QA   Why?", None),  # no answer
    (".qa Name the author", None),  # no question mark: no question
    (".qa ? an answer", None),
    (".qa", None),
    ("qa: not an action", None),
    (".quality note", None),
    (None, None),
])
def test_qa_notes_split_at_the_first_question_mark(note, expected):
    assert question_and_answer(note) == expected


def test_a_qa_note_that_makes_no_card_is_an_ordinary_note():
    document = Document(id="d", title="T")
    for note in (".qa Just an answer without mark", ".qa Q only?"):
        highlight = Highlight(id="h", text="Context", note=note)
        assert note_fields(document, highlight, "qa") is None
        book = dict(zip(FIELDS, note_fields(document, highlight, "book") or [], strict=True))
        assert book["Note"] == note


def test_qa_design_fields_and_action_notes_hidden_from_other_designs():
    document = Document(id="d", title="T", author="A")
    highlight = Highlight(id="h", text="Context", note=".qa Q? A")
    qa = dict(zip(FIELDS, note_fields(document, highlight, "qa") or [], strict=True))
    assert (qa["Question"], qa["Answer"], qa["Text"], qa["Note"]) == ("Q?", "A", "Context", "")
    book = dict(zip(FIELDS, note_fields(document, highlight, "book") or [], strict=True))
    assert book["Note"] == ""
    assert note_fields(document, highlight, "cloze") is None


@pytest.mark.parametrize(("location", "kind", "end", "expected"), [
    (1337, LocationType.LOCATION, None, "Location 1337"),
    (12, LocationType.PAGE, 13, "Page 12–13"),
    ("xii", LocationType.PAGE, None, "Page xii"),
    (3, LocationType.ORDER, None, "#3"),
    (3725, LocationType.TIME_OFFSET, None, "1:02:05"),
    (65, LocationType.TIME_OFFSET, None, "1:05"),
    (194, LocationType.OFFSET, None, "Offset 194"),
    (7, None, None, "7"),
    (None, None, None, ""),
])
def test_locations_are_described_for_readers(location, kind, end, expected):
    highlight = Highlight(id="h", text="t", location=location, location_type=kind, end_location=end)
    assert describe_location(highlight) == expected


def test_only_http_links_are_kept_and_they_are_attribute_safe():
    assert safe_link('https://example.org/?a=1&b="2"') == "https://example.org/?a=1&amp;b=&quot;2&quot;"
    assert safe_link("javascript:alert(1)") == ""
    assert safe_link("file:///etc/passwd") == ""
    assert safe_link(None) == ""


def test_tags_lose_whitespace_and_case_insensitive_duplicates():
    assert anki_tags(["Behavioral  Economics", " x ", "", "books", "Books", "a\tb"]) == [
        "Behavioral_Economics", "x", "books", "a_b"]


def test_a_tag_hierarchy_loses_its_empty_levels_which_anki_would_name_blank():
    assert anki_tags(["::lead", "trail::", "a::::b", "::", "topic::sub", "c:d", "lead"]) == [
        "lead", "trail", "a::b", "topic::sub", "c:d"]


def _note(text: str, tags: list[str]) -> genanki.Note:
    return genanki.Note(model=genanki.BASIC_MODEL, fields=[text, "back"], tags=tags)


def test_a_note_keeps_last_times_time_unless_its_content_changed():
    note = _note("front", ["a", "b"])
    same = PreviousNote(mod=500, digest=note_digest(["front", "back"], ["b", "a"]))
    other = PreviousNote(mod=500, digest=note_digest(["old front", "back"], ["a", "b"]))
    assert settle_mtime(note, natural=100, previous=None, now=900) == 100  # first export
    assert settle_mtime(note, natural=100, previous=same, now=900) == 500  # unchanged: same bytes
    assert settle_mtime(note, natural=700, previous=other, now=900) == 700  # the highlight is newer
    assert settle_mtime(note, natural=100, previous=other, now=900) == 900  # e.g. a renamed book
    assert settle_mtime(note, natural=100, previous=other, now=400) == 501  # a clock behind: still newer


@pytest.mark.parametrize("content", [b"", b"not a zip", None])
def test_a_missing_or_unreadable_previous_deck_gives_no_history(tmp_path, content, caplog):
    package = tmp_path / "deck.apkg"
    if content is not None:
        package.write_bytes(content)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert read_previous_notes(package, scratch) == {}
    assert list(scratch.iterdir()) == []
    assert ("not a deck" in caplog.text) == (content is not None)


def test_a_zip_whose_collection_is_not_a_database_gives_no_history(tmp_path, caplog):
    package = tmp_path / "deck.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("collection.anki2", b"garbage" * 100)
    assert read_previous_notes(package, tmp_path) == {}
    assert "not a deck excerpta can read" in caplog.text


def test_a_deck_sqlite_cannot_build_is_the_machine_refusing_a_folder_not_a_bug(tmp_path):
    # The CLI turns an OSError into one line (exit 74; excerpta.scratch names the deck for a
    # collection in its work folder); a raw sqlite3 error would be an internal error (exit 70).
    from excerpta.writers.anki.package import build_collection

    where = tmp_path / "gone"
    with pytest.raises(OSError, match=r"cannot build the deck \(unable to open database file\)") as err:
        build_collection(where / "collection.anki2", [], 0)
    assert err.value.filename == str(where / "collection.anki2")
