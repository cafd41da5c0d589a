"""Template variables: what the Readwise plugin's names hold in excerpta's notes."""

from __future__ import annotations

from datetime import UTC, datetime

import yaml

from excerpta.adapters import ReadState
from excerpta.model import Document, Highlight, LocationType
from excerpta.readers.readwise_json import ReadwiseJsonReader
from excerpta.readwise.options import ReadwiseOptions

from .conftest import template_folder
from paths import CORPUS

PAGE1 = CORPUS / "readwise" / "synthetic" / "v2-export-page1.synthetic.json"
DATES = ('{{ last_highlighted_date|date("Y-m-d") }} / {{ date|date("F j, Y") }} at {{ time }}'
         ' / {{ num_highlights }}')


def _front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_dates_of_the_last_highlight_leave_out_deleted_highlights(tmp_path, vault, sync, books):
    book = books(3)
    book.highlights[0].highlighted_at = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    book.highlights[1].highlighted_at = datetime(2024, 9, 9, 10, 0, tzinfo=UTC)
    book.highlights[1].is_deleted = True  # deleted (or discarded in review) upstream, last
    book.highlights[2].highlighted_at = None
    sync([book], templates=template_folder(tmp_path, {"header.md.jinja": DATES}), timezone="UTC")
    text = (vault / "Books" / "Walden.md").read_text(encoding="utf-8")
    assert "2024-01-01 / January 1, 2024 at 10:00 AM / 2\n" in text


def test_published_date_is_a_variable_and_empty_as_no_source_gives_one(tmp_path, vault, sync, books):
    header = "[{{ published_date }}] {{ published_date is defined }}"
    sync([books(1)], templates=template_folder(tmp_path, {"header.md.jinja": header}))
    assert "[] True\n" in (vault / "Books" / "Walden.md").read_text(encoding="utf-8")


def test_front_matter_gets_texts_of_several_lines_without_the_bodys_list_indent(tmp_path, vault, sync, books):
    book = books(1)
    book.summary = "Summary one.\nSame paragraph.\n\nSummary two."
    book.document_note = "Note line one.\nNote line two."
    templates = template_folder(tmp_path, {"frontmatter.yaml": "summary: summary\nnote: document_note\n"})
    sync([book], templates=templates)
    note = vault / "Books" / "Walden.md"
    assert _front_matter(note) | {"excerpta-id": None} == {
        "excerpta-id": None, "summary": "Summary one.\nSame paragraph.\n\nSummary two.",
        "note": "Note line one.\nNote line two."}
    # The body keeps them in their list item.
    assert "Summary one.\n  Same paragraph.\n\n  Summary two." in note.read_text(encoding="utf-8")


def test_a_highlight_notes_front_matter_gets_its_text_and_note_unindented(tmp_path, vault, sync):
    documents = list(ReadwiseJsonReader(ReadwiseOptions()).read(str(PAGE1), ReadState()))
    templates = template_folder(tmp_path, {"highlight_frontmatter.yaml": "note: highlight_note\n"
                                                                          "text: highlight_text\n"})
    sync(documents, templates=templates, atomic=True)
    notes = [path for path in (vault / "Books").rglob("*.md")
             if _front_matter(path)["excerpta-id"] == "hl-readwise-700000002"]
    assert len(notes) == 1
    assert _front_matter(notes[0]) == {
        "excerpta-id": "hl-readwise-700000002", "note": "My note.\nSecond line of the note.",
        "text": "A multi-paragraph highlight.\n\nSecond paragraph of the same highlight."}


def _page1_book():
    documents = list(ReadwiseJsonReader(ReadwiseOptions()).read(str(PAGE1), ReadState()))
    (book,) = (d for d in documents if d.id == "readwise-90000001")
    return book


def test_a_readwise_book_is_named_and_headed_by_its_readable_title_the_full_title_beside(vault, sync):
    # As Readwise's plugin: file name and "# {{title}}" the readable title, "Full Title" the title.
    sync([_page1_book()])
    assert [p.relative_to(vault).as_posix() for p in vault.rglob("*.md")] == ["Books/An Example Book.md"]
    note = vault / "Books" / "An Example Book.md"
    text = note.read_text(encoding="utf-8")
    assert "\n# An Example Book\n" in text
    assert "\n- Full Title: An Example Book: With a Long Subtitle\n" in text
    assert _front_matter(note)["title"] == "An Example Book"


def test_a_pasted_template_gets_title_readable_and_full_title_full(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"header.md.jinja": "[{{title}}] [{{ full_title }}]",
                                           "filename.jinja": "{{ full_title }}"})
    sync([_page1_book(), books(1)], templates=templates)
    book = vault / "Books" / "An Example Book With a Long Subtitle.md"
    assert "[An Example Book] [An Example Book: With a Long Subtitle]\n" in book.read_text(encoding="utf-8")
    # A document without a readable title has its title in both.
    assert "[Walden] [Walden]\n" in (vault / "Books" / "Walden.md").read_text(encoding="utf-8")


def test_a_note_written_before_readable_titles_keeps_its_path_and_shows_the_readable_title(
        vault, sync, sync_forgetting):
    book = _page1_book()
    before = book.model_copy(update={"readable_title": None})  # what an older excerpta stored
    sync([before])
    old = vault / "Books" / "An Example Book With a Long Subtitle.md"
    assert old.is_file()
    sync([book])  # the recorded path
    sync_forgetting([book])  # no record: found by its excerpta-id
    assert list(vault.rglob("*.md")) == [old]
    text = old.read_text(encoding="utf-8")
    assert "\n# An Example Book\n" in text
    assert "\n- Full Title: An Example Book: With a Long Subtitle\n" in text


ONE_LINE = ("source", "asin", "document_tags", "highlight_tags", "highlight_location", "highlight_page",
            "highlight_color", "title", "author", "highlight_chapter")


def test_every_variable_said_to_be_one_line_is_one_line(tmp_path, vault, sync):
    broken = "one\r\n- two\u2028three \n\n  # four"
    document = Document(id="d", title=broken, author=broken, source=broken, asin=broken, tags=[broken],
                        highlights=[Highlight(id="h", text="Text.", location=broken,
                                              location_type=LocationType.PAGE, page=broken, color=broken,
                                              chapter=broken, tags=[broken])])
    template = "".join(f"{name}=[{{{{ {name} }}}}]\n" for name in ONE_LINE)
    sync([document], templates=template_folder(tmp_path, {"highlight.md.jinja": template}))
    lines = next(vault.rglob("*.md")).read_text(encoding="utf-8").splitlines()
    shown = dict(line.split("=", 1) for line in lines if line.split("=", 1)[0] in ONE_LINE)
    assert shown.keys() == set(ONE_LINE)
    assert all(value.removesuffix(" ^hl-h").endswith("]") for value in shown.values())  # each one line
    assert shown["highlight_location"] == "[Page\u00a0one - two three # four]"  # (its no-break space kept)
    assert shown["highlight_page"] == "[one - two three # four]"
    assert shown["document_tags"] == "[['one - two three # four']]"
