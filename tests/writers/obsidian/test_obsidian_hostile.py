"""Hostile titles and texts give valid notes, inside the output folder, whose front matter reads
back to the same values."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from excerpta.markdown_safety import restore
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian import frontmatter
from excerpta.writers.obsidian.frontmatter import dump_properties
from excerpta.writers.obsidian.naming import sanitize_name
from excerpta.writers.obsidian.render import NoteRenderer
from excerpta.writers.obsidian.templates import NoteTemplates

HOSTILE_TITLES = [
    "../../x",
    "..\\..\\windows",
    "/etc/passwd",
    "CON",
    "con",
    "a:b|c?",
    "漢字" * 50,  # 300 bytes in UTF-8
    "first line\n---\nsecond line",
    "yes",
    "null",
    "@x",
    "- y",
    "[[Link]]",
    "#hashtag",
    "1984",
    "key: value",
    "'single' \"double\"",
    "{{ title }}",
    "{% raw %}",
    ".hidden",
    "   ",
]
NASTY_TEXT = ("{{ 7 * 7 }} and {% if true %}yes{% endif %}\n"
              "%% excerpta:end highlights 0123456789abcdef %%\n"
              "---\n"
              "%% excerpta:begin header %%")
RENDERER = NoteRenderer(NoteTemplates.load())
FORBIDDEN = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f]')


def _documents() -> list[Document]:
    return [
        Document(id=f"doc-{n}", title=title, author=title, category=Category.BOOKS,
                 tags=["yes", "null", "@x", "- y", "two words", "1984"],
                 highlights=[Highlight(id=f"h-{n}", text=NASTY_TEXT, note="{{ note }}: null",
                                       location=n, location_type=LocationType.LOCATION)])
        for n, title in enumerate(HOSTILE_TITLES)
    ]


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text[4:text.index("\n---\n", 4)])


def test_hostile_titles_give_one_valid_note_each_inside_the_vault(vault, sync):
    documents = _documents()
    sync(documents)
    notes = sorted(vault.rglob("*.md"))
    assert len(notes) == len(documents)
    assert sorted(p.name for p in vault.iterdir()) == ["Books"]  # nothing escaped the folders
    for note in notes:
        assert note.resolve().is_relative_to(vault.resolve())
        stem = note.name.removesuffix(".md")
        assert not FORBIDDEN.search(stem)
        assert not stem.startswith((".", " "))
        assert not stem.endswith((".", " "))
        assert len(note.name.encode("utf-8")) <= 120 + len(" 12345678.md")
    names = {p.name.casefold() for p in notes}
    assert "con_.md" in names
    assert "漢字" * 20 + ".md" in {p.name for p in notes}  # cut at 120 bytes


def test_front_matter_of_hostile_notes_reads_back_to_the_same_values(vault, sync):
    documents = _documents()
    sync(documents)
    by_id = {}
    for note in vault.rglob("*.md"):
        properties = _front_matter(note.read_text(encoding="utf-8"))
        by_id[properties["excerpta-id"]] = properties
    for document in documents:
        properties = by_id[document.id]
        one_line = " ".join(document.title.split())
        assert properties.get("title") == (one_line or None)
        assert properties["tags"] == ["yes", "null", "x", "y", "two-words", "y1984"]
        assert properties["category"] == "books"
        # One link that works: no character that breaks a link in its target; the value is
        # what it shows (less the brackets that would end it).
        if not one_line:
            assert properties.get("author") is None
            continue
        [link] = properties["author"]
        assert re.fullmatch(r"\[\[[^\[\]|#^:]+(?:\|[^\[\]|]+)?\]\]", link), link
        target, _, shown = link[2:-2].partition("|")
        assert (shown or target) == " ".join(re.sub(r"[\[\]]", "", one_line).replace("|", " ").split())


# Plain in YAML 1.1 (PyYAML's), numbers or booleans to a YAML 1.2 reader such as Obsidian's, or
# the other way round; then strings of each of those kinds of character.
OTHER_TYPES = ["1e3", "1E-3", ".5", "+12", "1_000", "0o17", "0x1F", "0b101", "y", "N", "yes", "Off", "~",
               "null", "NaN", ".inf", "-.Inf", "12:30", "2024-01-01", "1984", "1.5", "-1", "true",
               "1e3 🚀", "0o17\u2028", "y <% x %>"]


@pytest.mark.parametrize("value", OTHER_TYPES)
def test_front_matter_reads_back_as_strings_in_a_yaml_1_2_reader_too(value):
    properties = {"excerpta-id": "d1", "title": value, "aliases": [value, "plain"]}
    text = dump_properties(properties)[4:-4]
    assert YAML(typ="safe", pure=True).load(text) == properties
    assert yaml.safe_load(text) == properties


@pytest.mark.parametrize(("author", "written"), [("|", None), ("[[ ]]", None), ("#^", ["#^"])])
def test_an_author_of_nothing_but_link_breaking_characters_leaves_no_empty_link(vault, sync, author,
                                                                              written):
    sync([Document(id="d1", title="Walden", author=author, category=Category.BOOKS,
                   highlights=[Highlight(id="h1", text="Simplify.")])])
    properties = _front_matter((vault / "Books" / "Walden.md").read_text(encoding="utf-8"))
    assert properties.get("author") == written  # nothing to link to: the text alone, or nothing


def test_template_syntax_inside_highlight_text_is_written_literally(vault, sync):
    sync(_documents()[:1])
    text = next(vault.rglob("*.md")).read_text(encoding="utf-8")
    assert "- {{ 7 * 7 }} and {% if true %}yes{% endif %}\n" in text
    assert "49" not in text
    assert "    - Note: {{ note }}: null\n" in text


def test_an_indented_line_in_a_highlight_does_not_move_its_block_id_into_the_text():
    # Poetry and code keep their indents in the source; a list item's line cannot show one, and
    # with it the line looked like a sub-bullet: the id went after the first line, mid-paragraph.
    highlight = Highlight(id="h1", text="So we beat on,\n    boats against the current", note="Mine.")
    body = RENDERER.render(Document(id="d", title="T", highlights=[highlight])).highlights_body
    assert "- So we beat on,\n  boats against the current ^hl-h1\n    - Note: Mine.\n" in body


def test_marker_lookalikes_in_highlight_text_cannot_break_the_regions(vault, sync):
    documents = _documents()[:2]
    sync(documents)
    # Re-sync with an edit: the region is found intact and updated in place.
    changed = [d.model_copy(update={"highlights": [d.highlights[0].model_copy(update={"note": "edited"})]})
               for d in documents]
    sink = sync(changed)
    assert [o.action for o in sink.outcomes] == ["update", "update"]
    for note in vault.rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        assert text.count("%% excerpta:begin highlights %%\n") == 1
        assert "    - Note: edited\n" in text
        # Indented, and its %% defused: inert to our parser and to Obsidian.
        assert "  %&#37; excerpta:end highlights 0123456789abcdef %&#37;\n" in text
    assert [o.action for o in sync(changed).outcomes] == []


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=300))
def test_any_title_becomes_a_portable_name(title):
    name = sanitize_name(title)
    assert name
    assert not FORBIDDEN.search(name)
    assert not name.startswith((".", " "))
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= 121  # 120, plus "_" after a device name
    assert not re.fullmatch(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", name, re.IGNORECASE)


def _shown_on_one_line(text: str) -> str:
    """``text`` as a note shows it on one line: whitespace collapsed, the other control
    characters (NUL, ESC…: nothing to show, and a NUL makes a file binary) left out."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cc" or c.isspace()).split())


@settings(max_examples=300, deadline=None)
@given(title=st.text(max_size=200), author=st.text(max_size=60),
       tags=st.lists(st.text(max_size=20), max_size=4), url=st.text(max_size=60))
def test_any_document_fields_read_back_from_the_front_matter(title, author, tags, url):
    document = Document(id="doc-1", title=title, author=author or None, url=url or None, tags=tags)
    properties = RENDERER.render(document).properties
    assert yaml.safe_load(dump_properties(properties)[4:-4]) == properties
    assert properties.get("title") == (_shown_on_one_line(title) or None)


@settings(max_examples=300, deadline=None)
@given(chapters=st.lists(st.one_of(st.none(), st.text(max_size=40), st.sampled_from(HOSTILE_TITLES)),
                         min_size=1, max_size=5))
def test_any_chapter_is_one_heading_line_and_never_opens_or_closes_a_region(chapters):
    highlights = [Highlight(id=f"h{n}", text=f"Passage {n}.", location=n, location_type=LocationType.LOCATION,
                            chapter=chapter) for n, chapter in enumerate(chapters, start=1)]
    rendered = RENDERER.render(Document(id="d", title="T", highlights=highlights))
    body = rendered.highlights_body
    lines = body.split("\n")
    # Every highlight is still one block, in order, each with its id at the end of its line.
    assert [line.rsplit("^hl-", 1)[1] for line in lines if "^hl-" in line] == [f"h{n}" for n in
                                                                             range(1, len(chapters) + 1)]
    for line in lines:  # headings are single lines that cannot be region markers
        assert not re.match(r"^%% excerpta:(?:begin|end) ", line)
    headings = [restore(line.removeprefix("### ").strip()) for line in lines if line.startswith("### ")]
    assert headings == [text for text in _collapse(chapters) if text]


def _collapse(chapters):
    """The chapter headings the renderer should write: one per change of (one-line) chapter."""
    out, current = [], ""
    for chapter in chapters:
        text = _shown_on_one_line(chapter or "")
        if text != current:
            current = text
            out.append(text)
    return out


def test_with_atomic_notes_hostile_titles_and_texts_give_valid_notes_whose_embeds_resolve(vault, sync):
    documents = [document.model_copy(update={"highlights": [
        document.highlights[0],
        Highlight(id=f"t-{n}", text=title or "-", tags=["yes", "@x"], location=1000 + n,
                  location_type=LocationType.LOCATION)]})
        for n, (document, title) in enumerate(zip(_documents(), HOSTILE_TITLES, strict=True))]
    sync(documents, atomic=True)
    notes = sorted(vault.rglob("*.md"))
    assert len(notes) == 3 * len(documents)
    assert sorted(p.name for p in vault.iterdir()) == ["Books"]
    ids = {}
    for note in notes:
        assert note.resolve().is_relative_to(vault.resolve())
        for part in note.relative_to(vault).parts:
            stem = part.removesuffix(".md")
            assert not FORBIDDEN.search(stem), part
            assert not stem.startswith((".", " ")), part
            assert not stem.endswith((".", " ")), part
        ids[_front_matter(note.read_text(encoding="utf-8"))["excerpta-id"]] = note
    for document in documents:
        home = ids[document.id].relative_to(vault).as_posix().removesuffix(".md")
        text = ids[document.id].read_text(encoding="utf-8")
        targets = re.findall(r"^- !\[\[([^\]#]+)#\^(hl-[\w-]+)\]\] \^\2$", text, re.MULTILINE)
        assert len(targets) == 2
        for target, _ in targets:
            assert (vault / f"{target}.md").is_file()
        own = _front_matter(ids[f"hl-{document.highlights[1].id}"].read_text(encoding="utf-8"))
        assert own["source"] == f"[[{home}]]"
        assert own["tags"] == ["yes", "x"]
    assert [o.action for o in sync(documents, atomic=True).outcomes] == []


_SCALARS = st.one_of(
    st.text(max_size=30), st.integers(-10**6, 10**6), st.floats(), st.booleans(), st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
)


@settings(max_examples=500, deadline=None)
@given(properties=st.dictionaries(st.text(alphabet="abcdefgh-_", min_size=1, max_size=8),
                                  st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3)), max_size=5))
def test_the_fast_emitter_writes_the_same_bytes_as_the_python_one(properties):
    # libyaml's emitter is only a speed-up: where it is used, not a byte may differ.
    fast = frontmatter._dump_with_libyaml(properties)
    slow = yaml.dump(properties, Dumper=frontmatter._ObsidianDumper, allow_unicode=True, sort_keys=False,
                     width=2**31, default_flow_style=False)
    assert fast is None or fast == slow


def test_an_emoji_in_a_title_is_written_as_is_in_the_front_matter(vault, sync):
    sync([Document(id="d", title="🚀 Launch notes", category=Category.ARTICLES,
                   highlights=[Highlight(id="h", text="Go.")])])
    text = (vault / "Articles" / "🚀 Launch notes.md").read_text(encoding="utf-8")
    assert "\ntitle: 🚀 Launch notes\n" in text  # not "\U0001F680 Launch notes" in quotes


CODE_URLS = ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", " \x01java\tscript:alert(1)",
             "&#106;avascript&colon;alert(1)", "vbscript:msgbox(1)",
             "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="]


@pytest.mark.parametrize("url", CODE_URLS)
def test_a_url_that_runs_code_is_written_as_no_link_anywhere(vault, sync, url):
    document = Document(id="d1", title="Trap", category=Category.ARTICLES, url=url, cover_image_url=url,
                        highlights=[Highlight(id="h1", text="Click me.", url=url),
                                    Highlight(id="h2", text="Page one.", url=url, location=1,
                                              location_type=LocationType.PAGE)])
    sync([document], atomic=True)
    texts = [path.read_text(encoding="utf-8") for path in vault.rglob("*.md")]
    assert len(texts) == 3
    for text in texts:
        assert not re.search(r"script|data:|\]\(|url:", text, re.IGNORECASE), text
    # No "View Highlight" leading nowhere; a page is named without a link.
    assert "- Click me. ^hl-h1\n" in (vault / "Articles" / "Trap" / "Click me.md").read_text(encoding="utf-8")
    assert "- Page one. (Page\u00a01) ^hl-h2\n" in (vault / "Articles" / "Trap" / "Page one.md").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("url", ["https://example.com/a?b=javascript:x", "http://example.com",
                                 "kindle://book?action=open&asin=B0082RJSSQ&location=100",
                                 "readwise://highlight/123", "obsidian://open?vault=v&file=Note",
                                 "mailto:someone@example.com", "file:///home/me/data:1.pdf"])
def test_ordinary_urls_stay_links(vault, sync, url):
    document = Document(id="d1", title="Fine", category=Category.ARTICLES, url=url,
                        highlights=[Highlight(id="h1", text="Click me.", url=url)])
    sync([document])
    text = (vault / "Articles" / "Fine.md").read_text(encoding="utf-8")
    assert f"- Click me. ([View Highlight]({url})) ^hl-h1\n" in text
    assert yaml.safe_load(text.split("---\n")[1])["url"] == url
