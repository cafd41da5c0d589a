"""URLs and location labels from a source in a note: each one inert link whatever it holds (no
second link, no new line, no Markdown of its own), read back by readwise-md as written."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
import yaml

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.readers.readwise_md import read_note
from excerpta.writers.obsidian.frontmatter import note_body
from markdown_checks import link_targets, tokens

from .conftest import template_folder
from .test_obsidian_inert import assert_inert_note

# A source's URL → the link destination written: what cannot stay in one percent-encoded.
HOSTILE_URLS = {
    "https://example.com/a) [evil](javascript:alert(1)":
        "https://example.com/a%29%20%5Bevil%5D%28javascript:alert%281%29",
    "https://example.com/a\n# Injected heading\n- [ ] injected task":
        "https://example.com/a%0A#%20Injected%20heading%0A-%20%5B%20%5D%20injected%20task",
    "http://i.example/c.png) ![[Secret diary]] [y](javascript:alert(2)":
        "http://i.example/c.png%29%20!%5B%5BSecret%20diary%5D%5D%20%5By%5D%28javascript:alert%282%29",
    "https://e.com/a[x](javascript:alert(2))": "https://e.com/a%5Bx%5D%28javascript:alert%282%29%29",
    'https://e.com/<b>`$= x`"q"\\\u00a0z': "https://e.com/%3Cb%3E%60$=%20x%60%22q%22%5C%C2%A0z",
    "kindle://book) [x](javascript:1)": "kindle://book%29%20%5Bx%5D%28javascript:1%29",
    "  https://example.com/a%20b  ": "https://example.com/a%20b",
    "http://[::1]:8080/a b": "http://[::1]:8080/a%20b",
    # Only an IPv6 host's brackets stay: the userinfo before it is encoded like the rest.
    "https://a b\n> quoted\n|x|y|\n@[::1]/p q": "https://a%20b%0A%3E%20quoted%0A|x|y|%0A@[::1]/p%20q",
    # A browser strips spaces and controls at either end, not a no-break space (U+00A0, U+3000).
    "https://example.com/a\u00a0": "https://example.com/a%C2%A0",
}


def _note(vault, sync, document: Document) -> str:
    sync([document])
    [path] = vault.rglob("*.md")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("url", "written"), HOSTILE_URLS.items())
def test_a_url_is_one_link_and_reads_back_as_written(vault, sync, url, written):
    document = Document(id="d1", title="Links", category=Category.ARTICLES, url=url, cover_image_url=url,
                        highlights=[Highlight(id="h1", text="First.", url=url),
                                    Highlight(id="h2", text="Second.", url=url)])
    text = _note(vault, sync, document)
    assert_inert_note(text)
    body = note_body(text)
    web = written.startswith("http")  # only a web URL is a cover embed (see below)
    assert link_targets(body) == [written] * (3 if web else 2)  # the cover and each "View Highlight"
    assert [t.tag for t in tokens(body) if t.type == "heading_open"] == ["h1", "h2", "h2"]  # the template's
    assert f"- First. ([View Highlight]({written})) ^hl-h1\n" in body  # the block id on its highlight
    assert f"\n- URL: {written}\n" in body
    assert yaml.safe_load(text.split("---\n")[1])["url"] == written
    assert unquote(written) == unquote(url.strip(" "))  # the same URL
    back = read_note(next(vault.rglob("*.md")))
    assert (back.url, back.cover_image_url) == (written, written if web else None)
    assert [(h.text, h.url) for h in back.highlights] == [("First.", written), ("Second.", written)]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file://host/share/x.png", "app://local/etc/passwd",
                                 "obsidian://advanced-uri?vault=v&eval=alert(1)", "kindle://book/B0"])
def test_only_a_web_url_is_a_cover_image_fetched_when_the_note_is_shown(vault, sync, url):
    # Security audit: an article's og:image (its page's author's to choose) as a file: share
    # or an obsidian:// command, embedded, was fetched with no click. A link asks for one.
    document = Document(id="d1", title="Cover", category=Category.ARTICLES, url=url, cover_image_url=url,
                        highlights=[Highlight(id="h1", text="First.")])
    text = _note(vault, sync, document)
    assert "rw-book-cover" not in text
    assert f"\n- URL: {url}\n" in text


def test_a_url_with_paired_parentheses_is_written_as_it_is(vault, sync):
    url = "https://en.wikipedia.org/wiki/Walden_(book)"
    document = Document(id="d1", title="Links", category=Category.ARTICLES, url=url,
                        highlights=[Highlight(id="h1", text="First.", url=url)])
    text = _note(vault, sync, document)
    assert f"- First. ([View Highlight]({url})) ^hl-h1\n" in text
    back = read_note(next(vault.rglob("*.md")))
    assert (back.url, back.highlights[0].url) == (url, url)


@pytest.mark.parametrize("url", ["Secret diary.md", "www.example.com/a", "/etc/passwd", "https://", "http:///x",
                                 "java script:alert(1)", "\u3000https://example.com/b"])
def test_what_is_no_absolute_url_is_no_link(vault, sync, url):
    document = Document(id="d1", title="Links", category=Category.ARTICLES, url=url, cover_image_url=url,
                        highlights=[Highlight(id="h1", text="Click.", url=url)])
    text = _note(vault, sync, document)
    assert link_targets(note_body(text)) == []
    assert "- Click. ^hl-h1\n" in text
    assert "URL:" not in text
    assert "url" not in yaml.safe_load(text.split("---\n")[1])


@pytest.mark.parametrize("url", [None, "https://example.com/p"])
def test_a_page_label_is_one_link_text_and_reads_back(vault, sync, url):
    label = "1](javascript:alert(1))[x\\(y)"
    document = Document(id="d1", title="Pages", category=Category.BOOKS, highlights=[
        Highlight(id="h1", text="Paged.", url=url, location=label, location_type=LocationType.PAGE),
        Highlight(id="h2", text="Lined.", url=url, location="2\n# z", location_type=LocationType.PAGE)])
    text = _note(vault, sync, document)
    assert_inert_note(text)
    body = note_body(text)
    assert link_targets(body) == ([url] * 2 if url else [])
    assert [t.tag for t in tokens(body) if t.type == "heading_open"] == ["h1", "h2", "h2"]
    back = read_note(next(vault.rglob("*.md"))).highlights[0]
    assert (back.text, back.location, back.location_type) == ("Paged.", label, LocationType.PAGE)


@pytest.mark.parametrize("label", ["{{highlight_location}}", "{{ highlight_location | link_label }}"])
def test_a_location_is_its_label_as_it_is_but_in_a_link_text(tmp_path, vault, sync, label):
    # Readwise's spelling pasted ([{{x}}](…)) is one link text; elsewhere (a code span here, a
    # property, a file name) the label shows no backslash. A "| link_label" of the template's
    # own escapes it once, not twice.
    template = (f"- {{{{highlight_text}}}} ([{label}]({{{{highlight_location_url}}}}))"
                " `{{ highlight_location }}`")
    document = Document(id="d1", title="Pages", category=Category.BOOKS, highlights=[
        Highlight(id="h1", text="Paged.", url="https://example.com/p", location="xii]",
                  location_type=LocationType.PAGE)])
    sync([document], templates=template_folder(tmp_path, {"highlight.md.jinja": template}))
    body = note_body(next(vault.rglob("*.md")).read_text(encoding="utf-8"))
    assert "- Paged. ([Page\u00a0xii\\]](https://example.com/p)) `Page\u00a0xii]` ^hl-h1\n" in body
    assert link_targets(body) == ["https://example.com/p"]
    assert [t.content for t in tokens(body) if t.type == "code_inline"] == ["Page\u00a0xii]"]
