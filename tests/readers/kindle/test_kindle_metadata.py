"""The metadata line grammar: every locale and firmware generation of the locale table.

Lines are copied from the reference (``shared/reference/local-formats.md`` §1.4) and the corpus.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from kindle_reading import CLIPPINGS

from excerpta.readers.kindle.locales import LOCALES, ClippingKind
from excerpta.readers.kindle.metadata import MetadataError, parse_metadata, parse_metadata_generally

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


def test_line_without_a_known_kind_is_an_error_naming_the_line():
    with pytest.raises(MetadataError, match="Your Scribble"):
        parse_metadata("- Your Scribble on page 3 | Added on Monday, July 4, 1845 9:15:00 AM")


def test_impossible_day_is_an_error():
    with pytest.raises(MetadataError, match="impossible date"):
        parse_metadata("- Your Note on page 3 | Added on Monday, February 31, 2020 9:15:00 AM")


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
