"""Which inputs the ``play-books`` reader recognises, and the days it reads."""

from __future__ import annotations

from datetime import date

import pytest
from play_books_docs import Row, api_page, notes_of, web_page, web_page_zip, word_file, write_zip

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.errors import UnknownFormatError
from excerpta.readers.play_books.dates import parse_day

from paths import CORPUS, EXAMPLES

NOTES = notes_of(("Economy", [Row("Simplicity of life.", pg="GBS.PA12")]))


def detected(path) -> str | None:
    try:
        return registry.detect_reader(InputProbe.of(str(path))).name
    except UnknownFormatError:
        return None


def test_each_download_is_recognised_without_naming_its_format(tmp_path):
    page = tmp_path / "NotesfromWalden.html"
    page.write_text(web_page(NOTES), encoding="utf-8")
    api = tmp_path / "api.htm"
    api.write_text(api_page(NOTES), encoding="utf-8")
    for path in (EXAMPLES / "play_books_walden.docx", EXAMPLES / "play_books_meditations.zip", page, api,
                 word_file(tmp_path / "renamed.zip", NOTES), web_page_zip(tmp_path / "noext", NOTES)):
        assert detected(path) == "play-books", path


def test_a_document_without_highlights_is_recognised_by_its_banner(tmp_path):
    assert detected(word_file(tmp_path / "empty.docx", notes_of())) == "play-books"


def test_other_zips_word_files_and_pages_are_not_taken_for_notes(tmp_path):
    letter = word_file(tmp_path / "letter.docx", notes_of(banner=()), document="<d>Dear reader</d>")
    other = write_zip(tmp_path / "site.zip", {"index.html": "<html><body><h1>Home</h1></body></html>"})
    kindle = sorted((CORPUS / "kindle_notebook_html").glob("*.html"))[0]
    assert registry.reader("play-books").recognize(InputProbe.of(str(letter))) == 0
    assert registry.reader("play-books").recognize(InputProbe.of(str(other))) == 0
    assert detected(kindle) == "kindle-html"
    assert detected(EXAMPLES / "moonreader_backup.mrpro") == "moonreader"


def test_a_folder_is_no_input_of_its_own_its_files_are(tmp_path):
    word_file(tmp_path / "a.docx", NOTES)
    assert registry.reader("play-books").recognize(InputProbe.of(str(tmp_path))) == 0


@pytest.mark.parametrize(("text", "day"), [
    ("May 5, 2021", date(2021, 5, 5)),
    ("October 8, 2020", date(2020, 10, 8)),
    ("Sept. 30, 2019", date(2019, 9, 30)),
    ("  December   1,  2020 ", date(2020, 12, 1)),
    ("2024年5月1日", date(2024, 5, 1)),
    ("2024 年 12 月 31 日", date(2024, 12, 31)),
    ("2021-05-05", date(2021, 5, 5)),
    ("2021/5/6", date(2021, 5, 6)),
])
def test_days_in_the_wordings_seen_are_read(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["5/6/2021", "5. Mai 2021", "Mai 5, 2021", "February 30, 2021", "May 5 2021",
                                  "", "May 5, 2021 10:00", "2021年13月1日"])
def test_other_days_are_not_guessed(text):
    assert parse_day(text) is None
