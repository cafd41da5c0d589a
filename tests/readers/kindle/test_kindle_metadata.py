"""The metadata line grammar: every locale and firmware generation of the locale table.

Lines are copied from the reference (``shared/reference/local-formats.md`` §1.4) and the corpus.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
from kindle_reading import CLIPPINGS, erase_kind_phrases, real_clippings

from excerpta.input_files import open_text
from excerpta.readers.kindle.locales import LOCALES, ClippingKind
from excerpta.readers.kindle.metadata import (
    UNKNOWN_LOCALE,
    MetadataError,
    parse_metadata,
    parse_metadata_generally,
)

H, N, B = ClippingKind.HIGHLIGHT, ClippingKind.NOTE, ClippingKind.BOOKMARK
AUG22 = datetime(2024, 8, 22, 18, 10, 53)

CASES = [
    # line, kind, locale, page, location, when
    ("- Your Highlight on page 12 | Location 123-125 | Added on Sunday, January 2, 2022 10:11:12 AM",
     H, "en", (12, 12), (123, 125), datetime(2022, 1, 2, 10, 11, 12)),
    ("- Your Note on page 112 | Location 1300 | Added on Thursday, August 22, 2024 12:05:00 AM",
     N, "en", (112, 112), (1300, 1300), datetime(2024, 8, 22, 0, 5)),
    ("- Your Bookmark on page 112 | location 1300 | Added on Thursday, 22 August 2024 18:10:53",
     B, "en", (112, 112), (1300, 1300), AUG22),
    ("- Your Highlight at location 98-99 | Added on Monday, 30 September 2019 12:14:06 PM",
     H, "en", None, (98, 99), datetime(2019, 9, 30, 12, 14, 6)),
    ("- Highlight Loc. 5444-45  | Added on Saturday, October 31, 2009, 09:25 AM",
     H, "en", None, (5444, 5445), datetime(2009, 10, 31, 9, 25)),
    ("- Highlight Loc. 1998-02  | Added on Saturday, October 31, 2009, 09:25 PM",
     H, "en", None, (1998, 2002), datetime(2009, 10, 31, 21, 25)),
    ("- Highlight on Page 10 | Added on Monday, 3 December 12 19:50:09 Greenwich Mean Time",
     H, "en", (10, 10), None, datetime(2012, 12, 3, 19, 50, 9, tzinfo=UTC)),
    ("- Highlight Loc. 143-46  | Added on Friday, 6 July 12 07:37:42 GMT+01:00",
     H, "en", None, (143, 146), datetime(2012, 7, 6, 7, 37, 42, tzinfo=timezone(timedelta(hours=1)))),
    ("- Your Highlight on page ix | Added on Thursday, 22 August 2024 18:10:53",
     H, "en", ("ix", "ix"), None, AUG22),
    ("- Clip This Article on Location 401 | Added on Monday, September 16, 2019 9:50:16 AM",
     H, "en", None, (401, 401), datetime(2019, 9, 16, 9, 50, 16)),
    ("- Deine Markierung auf Seite 112 | bei Position 1300-1301 | Hinzugefügt am Donnerstag, "
     "22. August 2024 18:10:53", H, "de", (112, 112), (1300, 1301), AUG22),
    ("- Ihre Notiz auf Seite 10 | Position 149 | Hinzugefügt am Mittwoch, 13. November 2019 um 19:08:59 Uhr",
     N, "de", (10, 10), (149, 149), datetime(2019, 11, 13, 19, 8, 59)),
    ("- Ihr Lesezeichen auf Seite 222 | Position 3393 | Hinzugefügt am Montag, 17. Juni 2013 um 22:32:42 Uhr",
     B, "de", (222, 222), (3393, 3393), datetime(2013, 6, 17, 22, 32, 42)),
    ("- La subrayado en la página 112 | posición 1300-1301 | Añadido el jueves, 22 de agosto de 2024 "
     "18:10:53", H, "es", (112, 112), (1300, 1301), AUG22),
    ("- Mi marcador Posición 6 | Añadido el viernes 26 de abril de 2013, 0:04:34",
     B, "es", None, (6, 6), datetime(2013, 4, 26, 0, 4, 34)),
    ("- Votre surlignement sur la page 112 | emplacement 1300-1301 | Ajouté le jeudi 22 août 2024 18:10:53",
     H, "fr", (112, 112), (1300, 1301), AUG22),
    ("- Votre signet Emplacement 12 | Ajouté le vendredi 26 avril 2013 à 00:18:27",
     B, "fr", None, (12, 12), datetime(2013, 4, 26, 0, 18, 27)),
    ("- La tua nota a pagina 112 | posizione 1300 | Aggiunto in data giovedì 22 agosto 2024 18:10:53",
     N, "it", (112, 112), (1300, 1300), AUG22),
    ("- Il mio segnalibro Posizione 22 | Aggiunto il venerdì 6 aprile 12, 00:25:08",
     B, "it", None, (22, 22), datetime(2012, 4, 6, 0, 25, 8)),
    ("- Seu destaque ou posição 77-80 | Adicionado: sábado, 2 de novembro de 2019 14:03:00",
     H, "pt-BR", None, (77, 80), datetime(2019, 11, 2, 14, 3)),
    ("- Seu marcador de página na página 33 | Posição 500 | Adicionado na data segunda-feira, "
     "17 de junho de 2013, 20:39:30", B, "pt-BR", (33, 33), (500, 500), datetime(2013, 6, 17, 20, 39, 30)),
    ("- Je highlight op pagina 112 | locatie 1300 t/m 1301 | Toegevoegd op donderdag 22 augustus 2024 "
     "18:10:53", H, "nl", (112, 112), (1300, 1301), AUG22),
    ("- Je bladwijzer op pagina 112 | locatie 1300 | Toegevoegd op donderdag 22 mei 2024 18:10:53",
     B, "nl", (112, 112), (1300, 1300), datetime(2024, 5, 22, 18, 10, 53)),
    ("– Ваш выделенный отрывок на странице 112 | Место 1300–1301 | Добавлено: четверг, 22 августа 2024 г. "
     "в 18:10:53", H, "ru", (112, 112), (1300, 1301), AUG22),
    ("– Ваша заметка в месте 1300 | Добавлено: четверг, 22 августа 2024 г. в 18:10:53",
     N, "ru", None, (1300, 1300), AUG22),
    ("- 112ページ|位置No. 1300-1301のハイライト |作成日: 2024年8月22日木曜日 18:10:53",
     H, "ja", (112, 112), (1300, 1301), AUG22),
    ("- 112ページ|位置No. 1300のブックマーク |作成日: 2024年8月22日木曜日 18:10:53",
     B, "ja", (112, 112), (1300, 1300), AUG22),
    ("- 您在第 22 页（位置 #290-291）的标注 | 添加于 2016年4月4日星期一 上午8:33:27",
     H, "zh-CN", (22, 22), (290, 291), datetime(2016, 4, 4, 8, 33, 27)),
    ("- 您在位置 #2544 的笔记 | 添加于 2023年2月9日星期四 下午12:36:38",
     N, "zh-CN", None, (2544, 2544), datetime(2023, 2, 9, 12, 36, 38)),
    ("- 您在位置 #2544 的书签 | 添加于 2023年2月9日星期四 上午12:36:38",
     B, "zh-CN", None, (2544, 2544), datetime(2023, 2, 9, 0, 36, 38)),
    ("- 我的笔记 第222页 | 位置3397 | 已添加至 2013年6月17日 星期一 22:27:30",
     N, "zh-CN", (222, 222), (3397, 3397), datetime(2013, 6, 17, 22, 27, 30)),
]


@pytest.mark.parametrize(("line", "kind", "locale", "page", "location", "when"), CASES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_metadata_line_of_every_locale_and_generation(line, kind, locale, page, location, when):
    metadata = parse_metadata(line)
    assert (metadata.kind, metadata.locale, metadata.page, metadata.location, metadata.when) == (
        kind, locale, page, location, when)


def test_every_locale_of_the_issue_is_in_the_table():
    tags = {locale.tag for locale in LOCALES}
    assert {"en", "de", "fr", "es", "it", "pt-BR", "nl", "ru", "ja", "zh-CN"} <= tags


def test_line_without_a_known_kind_or_a_record_shape_is_an_error_naming_the_line():
    for line in ("- Your Scribble on page 3",  # no date field
                 "- Your Scribble | Added on Monday, July 4, 1845 9:15:00 AM",  # no position
                 "- Your Scribble on page 3 | Added on Monday, July 4, 1845"):  # no time
        with pytest.raises(MetadataError, match="Your Scribble"):
            parse_metadata(line)


@pytest.mark.parametrize(("line", "kind", "page", "location", "when"), [
    # Polish (wording made up: no real file yet): a range is a highlight, a single location a note.
    ("- Twoje zakreślenie na stronie 5 | pozycja 70-72 | Dodano środa, 22 sierpnia 2024 18:10:53",
     ClippingKind.HIGHLIGHT, (5, 5), (70, 72), datetime(2024, 8, 22, 18, 10, 53)),
    ("- Twoja notatka na stronie 5 | pozycja 72 | Dodano środa, 22 sierpnia 2024 18:11:00",
     ClippingKind.NOTE, (5, 5), (72, 72), datetime(2024, 8, 22, 18, 11)),
    # Korean numeric date with 오후 (PM) before the time.
    ("- 회원님의 하이라이트 | 위치 100-102 | 추가됨: 2024년 8월 22일 목요일 오후 6:10:53",
     ClippingKind.HIGHLIGHT, None, (100, 102), datetime(2024, 8, 22, 18, 10, 53)),
    # A known location word in an unknown wording, a Swedish month, an en dash range.
    ("- Din markering Position 14–16 | Tillagd den 3 mars 2023 07:05:00",
     ClippingKind.HIGHLIGHT, None, (14, 16), datetime(2023, 3, 3, 7, 5)),
    # English with an unknown kind word: a single page, no month we cannot read.
    ("- Your Scribble on page 3 | Added on Monday, July 4, 1845 9:15:00 AM",
     ClippingKind.NOTE, (3, 3), None, datetime(1845, 7, 4, 9, 15)),
    # A month in no language of the table: the record is read, without a date.
    ("- Sorotan Anda | lokasi 70-72 | Ditambahkan Kamis, 22 Agustusz 2024 18:10:53",
     ClippingKind.HIGHLIGHT, None, (70, 72), None),
])
def test_a_line_in_an_unknown_wording_is_read_by_its_shape(line, kind, page, location, when):
    metadata = parse_metadata(line)
    assert (metadata.kind, metadata.locale, metadata.page, metadata.location, metadata.when) == (
        kind, UNKNOWN_LOCALE, page, location, when)


def test_the_shape_rule_on_every_real_metadata_line_with_its_kind_phrase_erased():
    # Measured: all 30 notes of the real files have a single location (read as notes), and 176
    # of 193 highlights a range; the other 17 are 2009 "Loc. 1234" and page-only records.
    counts: Counter[tuple[ClippingKind, ClippingKind]] = Counter()
    for path in real_clippings():
        with open_text(path) as handle:
            lines = handle.read().splitlines()
        for line in lines:
            try:
                known = parse_metadata(line)
            except MetadataError:
                continue
            if known.kind is B or "|" not in line:
                continue
            shaped = parse_metadata(erase_kind_phrases(line))
            assert shaped.locale == UNKNOWN_LOCALE
            assert (shaped.location, shaped.page, shaped.when) == (known.location, known.page, known.when)
            counts[known.kind, shaped.kind] += 1
    assert counts == {(N, N): 30, (H, H): 176, (H, N): 17}


def test_an_impossible_day_is_read_without_it_and_said():
    # A hand edit's 31 February skipped the whole record; a date that is not understood was
    # already read without it: the record (its text, its page) is kept and the date reported.
    metadata = parse_metadata("- Your Note on page 3 | Added on Monday, February 31, 2020 9:15:00 AM")
    assert (metadata.page, metadata.when) == ((3, 3), None)
    assert metadata.unread == ("impossible date 'Added on Monday, February 31, 2020 9:15:00 AM' (day is "
                               "out of range for month); read without it")


def test_line_without_a_date_has_no_timestamp():
    assert parse_metadata("- Your Highlight Location 5-6").when is None


def test_fast_paths_agree_with_the_general_grammar_on_every_corpus_line():
    compared = 0
    for path in sorted(CLIPPINGS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip("\ufeff")[:1] in ("-", "–") and "|" in line:
                try:
                    general = parse_metadata_generally(line)
                except MetadataError:
                    continue
                assert parse_metadata(line) == general, line
                compared += 1
    assert compared > 700
