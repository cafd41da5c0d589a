"""The ``kindle`` reader on every file of ``shared/corpus/kindle_clippings``.

Expected values were written by reading each file (see PROVENANCE.md for what each exercises).
Times are read with ``timezone="UTC"`` so the expected instants are the wall clock in the file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from kindle_reading import CLIPPINGS, read_corpus

from excerpta.model import LocationType
from excerpta.readers.kindle.locales import ClippingKind
from excerpta.readers.kindle.records import iter_records


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def record_kinds(name: str) -> dict[ClippingKind, int]:
    counts = dict.fromkeys(ClippingKind, 0)
    with (CLIPPINGS / name).open(encoding="utf-8") as handle:
        for record in iter_records(handle):
            assert record.metadata is not None, record.problem
            counts[record.metadata.kind] += 1
    return counts


def test_every_corpus_file_is_read_without_a_single_skipped_record():
    for path in sorted(CLIPPINGS.glob("*.txt")):
        assert read_corpus(path.name).problems == [], path.name


def test_multilang_file_reads_every_locale_and_attaches_each_note_to_its_own_language():
    read = read_corpus("yakimka_multilang_11locales.txt")
    assert record_kinds("yakimka_multilang_11locales.txt") == {
        ClippingKind.HIGHLIGHT: 11, ClippingKind.NOTE: 11, ClippingKind.BOOKMARK: 11}
    assert read.titles() == ["Hexagonal Architecture Explained"]
    assert read.documents[0].author == "Cockburn, Alistair"
    highlights = read.highlights()
    languages = ["Deutsch", "Español", "Français", "Italiano", "Japanese", "Nederlands",
                 "Português (Brasil)", "Russian", "Chinese", "English (US)", "English (UK)"]
    assert [h.text for h in highlights] == [f"My highlight in {lang}" for lang in languages]
    assert [h.note for h in highlights] == [f"My note in {lang}" for lang in languages]
    for highlight in highlights:
        assert (highlight.location, highlight.end_location) == (1300, 1301)
        assert highlight.location_type is LocationType.LOCATION
        # zh writes 下午6:10:53, en-US 6:10:53 PM: the same instant as the 24h locales.
        assert highlight.highlighted_at == utc(2024, 8, 22, 18, 10, 53)


def test_multilang_bookmarks_are_kept_only_when_asked_for():
    read = read_corpus("yakimka_multilang_11locales.txt", kindle_bookmarks=True)
    bookmarks = [h for h in read.highlights() if not h.text and not h.note]
    # The same position bookmarked in 11 languages is one bookmark.
    assert [(b.location, b.end_location) for b in bookmarks] == [(1300, None)]


def test_pt_br_file_with_a_bom_before_every_record():
    read = read_corpus("fyodor_pt_br_crlf_bom.txt")
    assert record_kinds("fyodor_pt_br_crlf_bom.txt") == {
        ClippingKind.HIGHLIGHT: 26, ClippingKind.NOTE: 6, ClippingKind.BOOKMARK: 3}
    # 26 highlights, 4 notes attached to them, 2 notes nothing contains (115 and 754).
    assert len(read.highlights()) == 28
    assert all("\ufeff" not in d.title for d in read.documents)
    pragmatic = read.document("The Pragmatic Programmer: From Journeyman to Master")
    assert pragmatic.author == "Andrew Hunt;David Thomas"
    notes = {h.location: h.note for h in pragmatic.highlights if h.note}
    assert notes == {
        755: "Diz que nao ha muito o que fazer. Cita as IDEs no caso de C.",
        754: "Única solução que ele menciona.",
        767: "Dá como e exemplo a falta de normalização.",
        779: notes[779],
        793: "Impatient duplication",
    }
    assert notes[779].startswith("Falando sobre ter start, end e lngth numa classe.")
    lone = next(h for h in pragmatic.highlights if h.location == 754)
    assert (lone.text, lone.location_type) == ("", LocationType.LOCATION)
    p2k = read.document("Your P2K Articles (2019-11-01)")
    assert p2k.author == "P2K"
    assert (p2k.highlights[0].location, p2k.highlights[0].end_location) == (77, 80)
    assert p2k.highlights[0].highlighted_at == utc(2019, 11, 2, 14, 3, 0)
    assert read.document("Book without author").author is None
    crime = read.document("Crime and Punishment (AmazonClassics Edition)")
    assert (crime.author, crime.highlights[0].location) == ("Dostoyevsky, Fyodor", 6607)


def test_legacy_2009_file_expands_abbreviated_location_ends():
    read = read_corpus("georgboe_en_legacy2009_loc_abbrev_crlf.txt")
    assert record_kinds("georgboe_en_legacy2009_loc_abbrev_crlf.txt") == {
        ClippingKind.HIGHLIGHT: 101, ClippingKind.NOTE: 1, ClippingKind.BOOKMARK: 3}
    highlights = read.highlights()
    # The one note (Tipping Point, Loc. 1933) has no Tipping Point highlight around it: kept alone.
    assert len(highlights) == 102
    ranges = {(h.location, h.end_location) for h in highlights}
    assert {(5444, 5445), (1004, 1005), (3199, 3202), (2501, 2503), (7203, 7204), (6672, None)} <= ranges
    first = highlights[0]
    assert first.location == 5444
    assert first.highlighted_at == utc(2009, 10, 31, 9, 25)
    lone_note = next(h for h in highlights if h.note)
    assert lone_note.text == ""
    assert lone_note.note == "hello world\nthis is the shit\nhello world\nthis is the shit"
    assert lone_note.location == 1933


def test_legacy_2009_bookmarks_with_page_only_and_location():
    read = read_corpus("georgboe_en_legacy2009_loc_abbrev_crlf.txt", kindle_bookmarks=True)
    test_doc = read.document("Test")
    assert [(h.location_type, h.location) for h in test_doc.highlights] == [
        (LocationType.LOCATION, 6144), (LocationType.PAGE, 308)]


def test_note_written_before_its_highlight_attaches_to_it():
    read = read_corpus("eugeneware_en_note_before_highlight_crlf_bom.txt")
    assert read.titles() == [
        "Better Than Before: Mastering the Habits of Our Everyday Lives",
        "The Shallows: What the Internet Is Doing to Our Brains",
        "Making_Sense_of_Stream_Processing_Confluent_1.pdf",
    ]
    better = read.document("Better Than Before: Mastering the Habits of Our Everyday Lives")
    assert [h.location for h in better.highlights] == [1041, 1061, 1062, 2032, 2139, 2146]
    shallows = read.document("The Shallows: What the Internet Is Doing to Our Brains")
    amish = read.highlight("Some religious communities")
    assert (amish.location, amish.end_location) == (841, 842)
    assert amish.note.startswith("There is a beautiful simplicity that comes from not driving.")
    assert amish.highlighted_at == utc(2015, 7, 13, 4, 6, 30)
    assert [(h.location, bool(h.text), bool(h.note)) for h in shallows.highlights] == [
        (841, True, True), (968, True, False), (1908, False, True)]
    pdf = read.document("Making_Sense_of_Stream_Processing_Confluent_1.pdf")
    assert pdf.author is None
    assert [(h.location_type, h.location) for h in pdf.highlights] == [
        (LocationType.PAGE, 105), (LocationType.PAGE, 110)]
    assert len(read.highlights()) == 11


def test_multiline_note_with_lf_inside_a_crlf_file():
    read = read_corpus("fyodor_multiline_note_mixed_eol.txt")
    [highlight] = read.highlights()
    assert highlight.text == "all’espressione"
    assert highlight.note == "This\nis\na\ntest\nnote"
    assert highlight.location == 5170
    assert highlight.highlighted_at == utc(2020, 5, 13, 20, 55, 46)
    assert read.documents[0].author == "Rowling, J.K."


def test_personal_documents_with_page_ranges_and_parenthesised_titles():
    read = read_corpus("fyodor_page_only_personal_docs.txt")
    assert [(d.title, d.author) for d in read.documents] == [
        ("Kindle Paperwhite User’s Guide, 7th Edition", "Amazon"),
        ("Rutherford 1996 - Of Birds and Gifts", None),
        ("Brubaker 2004 - Ethnicity without groups", None),
        ("Dangerous Visions (S.F. MASTERWORKS)", "Ellison, Harlan"),
        ("The Early Works of F. Scott Fitzgerald (With Active Table of Contents)", "Fitzgerald, F. Scott"),
    ]
    birds = read.document("Rutherford 1996 - Of Birds and Gifts").highlights[0]
    assert (birds.location_type, birds.location, birds.end_location) == (LocationType.PAGE, 13, None)
    assert birds.highlighted_at == utc(2020, 5, 11, 15, 8, 37)
    visions = read.document("Dangerous Visions (S.F. MASTERWORKS)").highlights[0]
    assert (visions.location_type, visions.location, visions.end_location) == (
        LocationType.LOCATION, 1097, 1099)


def test_send_to_kindle_documents_sharing_a_start_location_stay_apart():
    read = read_corpus("hadynz_dup-location-scenario.txt")
    assert [(d.author, d.highlights[0].location, d.highlights[0].end_location) for d in read.documents] == [
        ("HN to Kindle", 3, 9), ("HN to Kindle", 3, 10),
        ("b8cd5f21-3503-4d65-bfbf-cea4ad864210@hntokindle.com", 3, 13)]
    assert read.documents[2].title == "Papers every developer should read at least twice (2017)"


def test_2012_page_only_records_with_greenwich_mean_time_and_an_exact_repeat():
    read = read_corpus("hadynz_dup-same-page.txt")
    highlights = read.highlights()
    # "Highlight 3" was saved twice on page 10: the later copy is kept.
    assert [(h.text, h.location) for h in highlights] == [
        ("Highlight 1", 7), ("Highlight 2", 10), ("Highlight 3", 10)]
    assert all(h.location_type is LocationType.PAGE for h in highlights)
    assert highlights[0].highlighted_at == utc(2012, 12, 3, 19, 42, 30)
    assert highlights[2].highlighted_at == utc(2012, 12, 3, 19, 51, 33)


def test_hand_edited_file_and_an_extended_highlight_replacing_its_first_copy():
    read = read_corpus("hadynz_first-scenario.txt")
    elantris = read.document("Elantris: Tenth Anniversary Author's Definitive Edition")
    assert [(h.location, h.end_location) for h in elantris.highlights] == [(398, 399), (481, 484), (483, 484)]
    assert elantris.highlights[0].text == (
        "—anything to keep from acknowledging what she was: a lanky, brusque")
    orwell = read.document("1984")
    assert orwell.author == "Orwell, George"
    assert [(h.text[:21], h.location, h.note) for h in orwell.highlights] == [
        ("“Don’t you see that t", 737, "The ABC model - key for growth and happiness"),
        ("", 1971, "Airplane Accidents - also how software projects go wrong"),
    ]
    assert orwell.highlights[0].highlighted_at == utc(2017, 9, 9, 13, 27, 9)


def test_chinese_location_only_records_and_nested_parentheses_in_the_author():
    read = read_corpus("hadynz_missing-note-scenario.txt")
    [document] = read.documents
    assert (document.title, document.author) == ("飘（上下） (外国文学名著名译丛书)", "(美)米切尔")
    [highlight] = document.highlights
    assert (highlight.location, highlight.end_location) == (2543, 2544)
    assert highlight.note == "原来是为她哥哥守孝,到这里才说明白。"
    assert highlight.highlighted_at == utc(2023, 2, 9, 18, 35, 21)


def test_highlight_with_an_empty_body_is_kept_and_the_bookmark_dropped():
    read = read_corpus("hadynz_no-content-scenario.txt")
    assert [(h.location, h.end_location, h.text[:8]) for h in read.highlights()] == [
        (267, 271, "The rare"), (275, None, "")]
    assert read.highlights()[1].highlighted_at == utc(2020, 8, 12, 12, 7, 48)


def test_en_gb_at_location_with_a_bom_from_the_second_record_on():
    read = read_corpus("hadynz_simple.txt", kindle_bookmarks=True)
    [document] = read.documents
    assert (document.title, document.author) == (
        "Strength in Stillness: The Power of Transcendental Meditation", "Roth, Bob")
    assert [(h.location, h.end_location, h.highlighted_at) for h in document.highlights] == [
        (98, 99, utc(2019, 9, 30, 0, 14, 6)), (157, 163, utc(2019, 10, 1, 2, 45, 45)),
        (156, None, utc(2019, 10, 1, 3, 6, 12))]


def test_file_starting_with_a_separator_and_a_title_without_author():
    read = read_corpus("hadynz_trailing-separator-start.txt")
    [document] = read.documents
    assert (document.title, document.author) == ("Jornada de Montahue - P Hernan Alessandri", None)
    assert [(h.location_type, h.location, h.text[:8]) for h in document.highlights] == [
        (LocationType.PAGE, 125, "para nos"), (LocationType.PAGE, 125, "personal")]
    assert document.highlights[0].highlighted_at == utc(2012, 4, 24, 16, 13)


def test_notes_attach_to_the_highlight_ending_at_their_location_even_when_written_first():
    read = read_corpus("hadynz_unordered-scenario.txt")
    assert [(h.location, h.end_location, h.note) for h in read.highlights()] == [
        (89, 91, "Hollow 1"), (98, None, "Few more"), (113, 114, "Hollow 2\n\nHollow 3")]


def test_records_run_together_without_separators_are_split_again():
    read = read_corpus("katrinleinweber_de_um_uhr_NO_SEPARATORS.txt")
    [document] = read.documents
    assert (document.title, document.author) == (
        "21 Lessons, for the 21st Century", "Noah-Harari; Yuval: Book 2")
    [highlight] = document.highlights
    assert highlight.text == (
        "A global world puts unprecedented pressure on our personal conduct and morality.")
    assert highlight.note == "What role does retreat / waldenponding / minimalism play to counter that??"
    assert (highlight.location, highlight.end_location) == (149, 150)
    assert highlight.highlighted_at == utc(2019, 11, 13, 19, 8, 59)


def test_device_language_switched_between_records():
    read = read_corpus("samueldg_bilingual_en_gb_es.txt")
    assert [(d.author, d.highlights[0].location, d.highlights[0].highlighted_at) for d in read.documents] == [
        ("Samantha Shannon", 1756, utc(2021, 2, 26, 11, 3, 2)),
        ("Carlos Ruiz Zafón", 60, utc(2022, 7, 6, 6, 54, 57))]


def test_page_word_in_either_case():
    read = read_corpus("samueldg_en_Page_capitalized.txt")
    assert [(h.location, h.end_location, h.highlighted_at) for h in read.highlights()] == [
        (140, 142, utc(2012, 9, 15, 7, 55, 46)), (1839, 1840, utc(2015, 4, 30, 2, 25, 56))]


def test_multiple_authors_and_location_only_records():
    read = read_corpus("samueldg_en_multiauthor_nopage.txt")
    assert [d.author for d in read.documents] == [
        "Joshua Bloch;Brian Goetz;Tim Peierls;Joseph Bowbeer;David Holmes;Doug Lea",
        "Irakli Nadareishvili, Ronnie Mitra, Matt McLarty, and Mike Amundsen",
        "Len Fischer", "Schopenhauer, Arthur"]
    wilde = read.highlight("“Always forgive your enemies")
    assert (wilde.location, wilde.end_location) == (1849, None)
    schopenhauer = read.highlight("As compilation is not my business,")
    assert schopenhauer.note == "remarque de Proust?"
    assert len(read.highlights()) == 4


def test_chinese_12_hour_clock_with_morning_marker():
    read = read_corpus("zicai_zh_cn_page_loc_12h.txt")
    [document] = read.documents
    assert (document.title, document.author) == ("送你一颗子弹", "刘瑜")
    assert [(h.location, h.end_location, h.highlighted_at) for h in document.highlights] == [
        (290, 291, utc(2016, 4, 4, 8, 33, 27)), (380, 381, utc(2016, 4, 4, 8, 51, 10)),
        (397, 398, utc(2016, 4, 4, 8, 53, 10)), (2900, 2901, utc(2016, 4, 12, 7, 56, 12))]


def test_same_location_with_different_text_are_different_highlights():
    read = read_corpus("zweihander_en_exact_duplicates.txt")
    first = read.document("The First Book")
    assert [(h.location, h.text) for h in first.highlights] == [
        (558, "This is the third note."), (3776, "This is the first note."),
        (558, "This is the fourth note with\na line break.")]
    assert read.document("The Sec (o) nd Book").author == "Author Second"


def test_legacy_and_locale_variants_file():
    read = read_corpus("SYNTHETIC_legacy_and_locale_metadata_variants.txt")
    emma = read.document("Emma")
    assert [(h.location, h.end_location, h.note) for h in emma.highlights] == [
        (1998, 2002, None), (596, 597, "Old-style note, two spaces before the pipe.")]
    gmt = read.document("Life Every Day Jul-Aug 2012").highlights[0]
    assert gmt.highlighted_at == datetime(2012, 7, 6, 7, 37, 42, tzinfo=timezone(timedelta(hours=1)))
    german = read.document("Stolz und Vorurteil")
    assert [(h.location, h.highlighted_at, bool(h.text)) for h in german.highlights] == [
        (14, utc(2013, 4, 26, 0, 49, 32), True), (1138, utc(2021, 7, 3, 17, 52, 9), True),
        (1300, utc(2024, 8, 22, 18, 10, 53), False)]
    assert read.document("Orgoglio e pregiudizio").highlights[0].highlighted_at == utc(2012, 4, 6, 0, 25, 8)
    assert read.document("高慢と偏見").highlights[0].highlighted_at == utc(2013, 6, 17, 20, 31, 9)
    assert read.document("傲慢与偏见").highlights[1].highlighted_at == utc(2023, 2, 9, 18, 35, 21)
    moby = read.document("Moby Dick")
    # The clipping-limit marker is not text; the passage it replaced keeps the note made on it.
    assert [(h.text, h.note) for h in moby.highlights] == [
        ("Call me Ishmael. Some years ago", None),
        ("", "A note whose text contains the record separator on its own line:\n==========\n"
             "Parsers that split blindly on the separator break this record in two.")]
    alice = read.document("Alice's Adventures in Wonderland")
    assert (alice.author, alice.highlights[0].location_type, alice.highlights[0].location) == (
        None, LocationType.PAGE, 12)
    handbook = read.document("Kindle-Benutzerhandbuch (German Edition)")
    assert handbook.author == "Amazon (Editors)"
    assert read.document("Through the Looking-Glass").highlights[0].location == 401
    assert "Personal Notes" not in read.titles()  # its only record is a bookmark
    assert len(read.highlights()) == 24


def test_generated_mixed_locale_file_records_by_kind():
    assert record_kinds("SYNTHETIC_gen_mixed_locales_300.txt") == {
        ClippingKind.HIGHLIGHT: 200, ClippingKind.NOTE: 66, ClippingKind.BOOKMARK: 34}
    read = read_corpus("SYNTHETIC_gen_mixed_locales_300.txt")
    assert all(h.highlighted_at is not None for h in read.highlights())
    with_bookmarks = read_corpus("SYNTHETIC_gen_mixed_locales_300.txt", kindle_bookmarks=True)
    assert len(with_bookmarks.highlights()) - len(read.highlights()) == 34


def test_generated_english_file_records_by_kind():
    assert record_kinds("SYNTHETIC_gen_en_us_200.txt") == {
        ClippingKind.HIGHLIGHT: 137, ClippingKind.NOTE: 45, ClippingKind.BOOKMARK: 18}
    read = read_corpus("SYNTHETIC_gen_en_us_200.txt")
    assert all(h.highlighted_at is not None for h in read.highlights())


def test_generated_mixed_file_first_book_extended_japanese_highlight_and_portuguese_note():
    read = read_corpus("SYNTHETIC_gen_mixed_locales_300.txt")
    sal = read.document("Sal")
    assert sal.author == "Gri, Mi"
    first, second = sal.highlights[:2]
    # Re-saved from 355-360 to 355-362 nine minutes later: only the longer copy is kept.
    assert (first.location, first.end_location, first.highlighted_at) == (
        355, 362, utc(2014, 3, 2, 12, 16, 6))
    assert first.text.endswith("hunkelmor nezen mi. Mi gri mor.")
    assert (second.location, second.end_location, second.highlighted_at) == (
        406, None, utc(2014, 3, 3, 5, 20, 50))
    assert second.note == "Kelgri ka praost mi vumordor hun zen falto nixsal praqui karelnix relne."
