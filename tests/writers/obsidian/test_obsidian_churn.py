"""No churn: a note whose regions differ from what excerpta wrote only in line endings or
trailing whitespace is not rewritten while nothing changed upstream; a note that must be
rewritten keeps its line endings."""

from __future__ import annotations

import os

from .conftest import template_folder

NOTE = "Books/Walden.md"
# The default templates up to this change ended tag lines with a space
# ("[[a]] [[b]] "): the notes our users have were written with these.
EARLIER_HEADER = (
    "# {{ title }}\n\n"
    "{% if image_url -%}\n![rw-book-cover]({{ image_url }})\n\n{% endif -%}\n"
    "## Metadata\n"
    "- Author: {% if author %}[[{{ author }}]]{% endif %}\n"
    "- Full Title: {{ full_title }}\n"
    "{% if category -%}\n- Category: #{{ category }}\n{% endif -%}\n"
    "{% if document_tags -%}\n"
    "- Document Tags: {% for tag in document_tags %}[[{{ tag }}]] {% endfor %}\n"
    "{% endif -%}\n"
)
EARLIER_HIGHLIGHT = (
    "- {{ highlight_text }}{% if highlight_location and highlight_location_url %} "
    "([{{ highlight_location }}]({{ highlight_location_url }})){% elif highlight_location %} "
    "({{ highlight_location }}){% endif %}{% if highlight_tags %}\n"
    "    - Tags: {% for tag in highlight_tags %}[[{{ tag }}]] {% endfor %}{% endif %}"
    "{% if highlight_note %}\n    - Note: {{ highlight_note }}{% endif %}"
)


def _tagged(books):
    book = books(2)
    book.highlights[0].tags = ["quotes", "nature"]
    return book


def _written_with_earlier_templates(tmp_path, sync, books):
    """A tagged book synced with the templates our users' notes were written with."""
    earlier = template_folder(tmp_path, {"header.md.jinja": EARLIER_HEADER,
                                         "highlight.md.jinja": EARLIER_HIGHLIGHT})
    book = _tagged(books)
    sync([book], templates=earlier)
    return earlier, book


def _left_alone(vault, sync, book) -> None:
    """Sync ``book`` again: the note is neither written nor touched."""
    path = vault / NOTE
    os.utime(path, (1_000_000, 1_000_000))
    before = path.read_bytes()
    sink = sync([book])
    assert [o.action for o in sink.outcomes] == ["unchanged"]
    assert path.read_bytes() == before
    assert path.stat().st_mtime == 1_000_000


def test_a_note_saved_with_crlf_is_not_rewritten_while_nothing_changed_upstream(vault, sync, books):
    book = _tagged(books)
    sync([book])
    (vault / NOTE).write_bytes((vault / NOTE).read_bytes().replace(b"\n", b"\r\n"))
    _left_alone(vault, sync, book)
    assert sync([book]).outcomes == []  # and from now on it is known as it is


def test_a_crlf_note_rewritten_for_an_upstream_change_stays_all_crlf(vault, sync, books):
    book = _tagged(books)
    sync([book])
    text = (vault / NOTE).read_text(encoding="utf-8").replace("- Category", "- Mine: kept\n- Category")
    (vault / NOTE).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))  # header edited by hand
    later = book.model_copy(update={"title": "Walden II", "highlights": [
        book.highlights[0].model_copy(update={"text": "Edited upstream."}), *book.highlights[1:]]})
    sync([later])
    after = (vault / NOTE).read_bytes()
    assert b"title: Walden II\r\n" in after
    assert b"- Edited upstream. (" in after
    assert b"- Mine: kept\r\n" in after
    assert b"\n" not in after.replace(b"\r\n", b"")


def test_the_default_templates_write_no_trailing_whitespace(vault, sync, books):
    book = _tagged(books)
    book.author = None
    book.highlights[1].note = "A note."
    sync([book])
    lines = (vault / NOTE).read_text(encoding="utf-8").split("\n")
    assert "- Document Tags: [[philosophy]]" in lines
    assert "    - Tags: [[quotes]] [[nature]]" in lines
    assert "- Author:" in lines
    assert [line for line in lines if line != line.rstrip()] == []


def test_a_note_a_linter_trimmed_is_not_rewritten_while_nothing_changed_upstream(
        tmp_path, vault, sync, books):
    earlier, book = _written_with_earlier_templates(tmp_path, sync, books)
    text = (vault / NOTE).read_text(encoding="utf-8")
    assert "- Document Tags: [[philosophy]] \n" in text
    (vault / NOTE).write_text("\n".join(line.rstrip() for line in text.split("\n")), encoding="utf-8")
    path = vault / NOTE
    for _ in range(2):  # no back and forth with the linter
        os.utime(path, (1_000_000, 1_000_000))
        sync([book], templates=earlier)
        assert path.stat().st_mtime == 1_000_000


def test_notes_written_before_the_templates_lost_their_trailing_spaces_are_not_rewritten(
        tmp_path, vault, sync, books):
    # Upgrading changes the default templates: every note is looked at again, none rewritten.
    _, book = _written_with_earlier_templates(tmp_path, sync, books)
    assert "    - Tags: [[quotes]] [[nature]] \n" in (vault / NOTE).read_text(encoding="utf-8")
    _left_alone(vault, sync, book)
    # The recorded hashes still tell the note as written by us: an upstream change arrives.
    sync([book.model_copy(update={"title": "Walden, retitled"})])
    text = (vault / NOTE).read_text(encoding="utf-8")
    assert "# Walden, retitled\n" in text
    assert "- Document Tags: [[philosophy]]\n" in text
