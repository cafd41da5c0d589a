"""Templates: Readwise's variables and date codes, sandboxed, errors name the template and line."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.errors import ConfigError
from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian import ObsidianWriter
from excerpta.writers.obsidian.dates import format_date, pluralize
from excerpta.writers.obsidian.templates import as_tag
from markdown_checks import PARSER

from .conftest import sync_once, template_folder

MOMENT = datetime(2023, 8, 12, 16, 37, 5, tzinfo=UTC)


@pytest.mark.parametrize(("fmt", "expected"), [
    ("F j, Y", "August 12, 2023"),
    ("Y-m-d", "2023-08-12"),
    ("g:i A", "4:37 PM"),
    ("D, jS M y", "Sat, 12th Aug 23"),
    ("l N", "Saturday Aug."),
    ("H:i:s", "16:37:05"),
    ("P", "4:37 p.m."),
    (r"\Y\e\a\r: Y", "Year: 2023"),
    ("n/j/y", "8/12/23"),
])
def test_date_filter_understands_django_php_format_codes(fmt, expected):
    assert format_date(MOMENT, fmt) == expected


def test_date_codes_of_the_zone_follow_django():
    summer = datetime(2024, 7, 2, 15, 5, tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris"))
    winter = datetime(2024, 1, 2, 15, 5, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    assert format_date(summer, "Z I O") == "7200 1 +0200"
    assert format_date(winter, "Z I") == "-18000 0"
    assert format_date(MOMENT, "Z I") == "0 0"
    assert format_date("2024-07-02T15:05:00", "[Z][I]") == "[][]"  # no zone: nothing, as Django


def test_date_filter_accepts_iso_strings_and_gives_empty_for_nothing():
    assert format_date("2024-11-18T20:11:07.838Z", "F j, Y") == "November 18, 2024"
    assert format_date(None, "Y") == ""
    assert format_date("not a date", "Y") == ""


def test_pluralize_follows_django():
    assert (pluralize(1), pluralize(2), pluralize([1, 2]), pluralize(1, "y,ies"), pluralize(3, "y,ies")) \
        == ("", "s", "s", "y", "ies")


def _note(vault):
    return next(vault.rglob("*.md")).read_text(encoding="utf-8")


def test_a_pasted_readwise_highlight_template_renders_with_readwise_variables(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "> {{ highlight_text }}\n"
            "> — {{ author }}, *{{ title }}* ({{ highlight_location }}, "
            "{{ highlighted_at|date('F j, Y') }}) ^rwhi{{ highlight_id }}\n"
            "{% if highlight_tags %}Tags: {{ highlight_tags|join(', ') }}{% endif %}",
        "filename.jinja": "{{ author }} - {{ title }}",
    })
    book = books(1)
    book.highlights[0].tags = ["favorite", "h2"]
    sync([book], templates=templates)
    text = (vault / "Books" / "Henry David Thoreau - Walden.md").read_text()
    assert ("> Highlight number 1.\n"
            "> — Henry David Thoreau, *Walden* (Location\u00a0100, March 1, 2024) ^rwhireadwise-1\n"
            "Tags: favorite, h2 ^hl-readwise-1\n") in text


def test_our_block_id_is_not_added_twice_when_the_template_places_it(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"highlight.md.jinja": "- {{ highlight_text }} ^{{ block_id }}"})
    sync([books(1)], templates=templates)
    assert "- Highlight number 1. ^hl-readwise-1\n" in _note(vault)


def test_front_matter_template_maps_properties_to_expressions(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "frontmatter.yaml": "aliases: '[title, full_title] | unique | list'\n"
            "highlights: num_highlights\n"
            "last: last_highlighted_date\n"
            "empty: document_note\n"
            "source: source | upper\n",
    })
    sync([books(2)], templates=templates)
    properties = yaml.safe_load(_note(vault).split("---\n")[1])
    assert properties == {"excerpta-id": "readwise-1001", "aliases": ["Walden"], "highlights": 2,
                          "last": datetime(2024, 3, 1, 20, 2), "source": "KINDLE"}


@pytest.mark.parametrize(("name", "source", "line", "message"), [
    ("header.md.jinja", "# {{ title }}\n\n{% if %}\n", 3, "Expected an expression"),
    ("highlight.md.jinja", "- {{ highlight_text }}\n{{ 1 / 0 }}", 2, "division by zero"),
    ("header.md.jinja", "# x\n{{ title.__class__.__mro__ }}", 2, "unsafe"),
    ("filename.jinja", "{{ title | nosuchfilter }}", 1, "No filter named 'nosuchfilter'"),
    ("frontmatter.yaml", "title: title\nbad: title |\n", 2, "frontmatter.yaml, line 2"),
    ("frontmatter.yaml", "title: title\nboom: 1 / 0\n", 2, "division by zero"),
    ("frontmatter.yaml", "title: title\n  bad: [\n", 2, "not valid YAML ("),
    ("frontmatter.yaml", "nested: \"{'a': title}\"\n", 1, "Obsidian shows no nested properties"),
    ("frontmatter.yaml", "title: title\n# a comment\nescape: title.__class__.__mro__\n", 3, "unsafe"),
    ("frontmatter.yaml", "a: title\nb: authors | first\nc: (authors | first).nope()\n", 3,
     "has no attribute 'nope'"),
    # What Python itself cannot read or compile is the template's error too, not a crash.
    ("header.md.jinja", "# x\n{{ " + "1" * 4400 + " }}", 2, "Exceeds the limit (4300 digits)"),
    ("frontmatter.yaml", "a: title\nb: " + "1" * 4400 + "\n", 2, "Exceeds the limit (4300 digits)"),
    ("header.md.jinja", "# x\n{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", 2, "nested too deeply"),
    ("frontmatter.yaml", "a: title\nb: " + "(" * 3000 + "1" + ")" * 3000 + "\n", 2, "nested too deeply"),
    ("header.md.jinja", "# x\n{{ 1" + " + 1" * 3000 + " }}", 2, "nested too deeply"),
    ("highlight.md.jinja", "x\n" + "{% for a in [1] %}" * 25 + "{% endfor %}" * 25, 2,
     "cannot be compiled (too many statically nested blocks)"),
])
def test_a_template_error_is_a_user_error_naming_the_template_and_line(
        tmp_path, sync, books, name, source, line, message):
    templates = template_folder(tmp_path, {name: source})
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=templates)
    text = str(caught.value)
    assert text.startswith(f"template {name}, line {line}: ")
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize(("name", "source", "line", "message"), [
    ("embed.md.jinja", "- ![[{{ highlight_link }}\n{% endif %}", 2, "endif"),
    ("highlight_filename.jinja", "{{ 1 / 0 }}", 1, "division by zero"),
    ("highlight_frontmatter.yaml", "a: title\nb: title |\n", 2, "highlight_frontmatter.yaml, line 2"),
    ("highlight_header.md.jinja", "{{ document_link.__class__.__mro__ }}", 1, "unsafe"),
])
def test_an_atomic_template_error_names_the_template_and_line_when_atomic_is_on(
        tmp_path, sync, books, name, source, line, message):
    templates = template_folder(tmp_path, {name: source})
    sync([books(1)], templates=templates)  # not used without atomic: no error
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=templates, atomic=True)
    text = str(caught.value)
    assert text.startswith(f"template {name}, line {line}: ")
    assert message in text


def test_a_missing_templates_folder_is_a_user_error(tmp_path):
    with pytest.raises(ConfigError, match=r"templates folder .* does not exist"):
        ObsidianWriter.from_options({"templates": str(tmp_path / "nope")})


def test_a_templates_folder_under_the_home_folder_may_be_named_with_a_tilde(tmp_path, monkeypatch):
    # As a configuration file gives it (no shell to expand it): "~/…" did not exist.
    monkeypatch.setenv("HOME", str(tmp_path))
    template_folder(tmp_path, {"highlight.md.jinja": "- {{ highlight_text }}!"})
    writer = ObsidianWriter.from_options({"templates": "~/templates"})
    assert writer.options.templates == tmp_path / "templates"
    with pytest.raises(ConfigError, match="no such user's home folder"):
        ObsidianWriter.from_options({"templates": "~no-such-user-here/templates"})


def test_location_labels_follow_readwise(vault, sync, books):
    podcast = books(0, id="p", title="Episode", category=Category.PODCASTS, asin=None, highlights=[
        Highlight(id="t", text="Said aloud.", location=101, location_type=LocationType.TIME_OFFSET,
                  url="https://share.snipd.com/snip/x"),
        Highlight(id="pg", text="On paper.", location=12, location_type=LocationType.PAGE),
    ])
    tweets = books(0, id="tw", title="Tweets From Someone", category=Category.TWEETS, asin=None,
                   highlights=[Highlight(id="s", text="A tweet.", location=1,
                                         location_type=LocationType.ORDER,
                                         url="https://twitter.com/x/status/1")])
    sync([podcast, tweets])
    text = (vault / "Podcasts" / "Episode.md").read_text()
    assert "- Said aloud. ([Time 0:01:41](https://share.snipd.com/snip/x)) ^hl-t\n" in text
    assert "- On paper. (Page\u00a012) ^hl-pg\n" in text
    assert "- A tweet. ([View Tweet](https://twitter.com/x/status/1)) ^hl-s\n" in (
        vault / "Tweets" / "Tweets From Someone.md").read_text()


def test_multiline_highlights_and_notes_are_indented_as_readwise_does_paragraphs_kept(vault, sync, books):
    book = books(0, highlights=[Highlight(
        id="m", text="1 -- first\n2 -- second\r\n\r\nthird paragraph", note="line one\nline two",
        url="https://twitter.com/x/status/2")], category=Category.TWEETS, title="T")
    sync([book])
    assert ("- 1 -- first\n  2 -- second\n\n  third paragraph ([View Tweet](https://twitter.com/x/status/2))"
            " ^hl-m\n    - Note: line one\n      line two\n") in _note(vault)


def test_changing_a_template_rerenders_every_note(tmp_path, vault, sync, books):
    sync([books(1)])
    templates = template_folder(tmp_path, {"highlights_header.md.jinja": "## Passages\n"})
    sink = sync([books(1)], templates=templates)
    assert [o.action for o in sink.outcomes] == ["update"]
    assert "## Passages\n" in _note(vault)


def test_page_and_chapter_variables_for_citations(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "- {{ highlight_text }} ({{ author }}, p. {{ highlight_page or '?' }}"
            "{% if highlight_chapter %}, {{ highlight_chapter }}{% endif %})",
    })
    book = books(2)
    book.highlights[0].page, book.highlights[0].chapter = 12, "Economy"
    sync([book], templates=templates)
    text = _note(vault)
    assert "- Highlight number 1. (Henry David Thoreau, p. 12, Economy) ^hl-readwise-1\n" in text
    assert "- Highlight number 2. (Henry David Thoreau, p. ?) ^hl-readwise-2\n" in text


def test_highlights_written_as_quotes_are_not_added_twice_by_later_syncs(tmp_path, vault, sync_forgetting,
                                                                         books):
    # A template need not write list items: the block ids still say what the note holds, also
    # for a note the state knows nothing about (lost, or written by an older excerpta).
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "> {{ highlight_text }}\n>\n> — {{ highlight_location }}\n",
    })
    book = books(2)
    added = Highlight(id="readwise-3", text="A third.", location=300, location_type=LocationType.LOCATION)
    sync_forgetting([book], templates=templates)
    note = next(vault.rglob("*.md"))
    note.write_text(note.read_text().replace("> Highlight number 1.", "> Highlight number 1, quoted by me."))
    for policy in ("merge", "append-only"):
        sync_forgetting([book.model_copy(update={"highlights": [*book.highlights, added]})],
                        templates=templates, sync_policy=policy)
        text = note.read_text()
        assert [text.count(f"^hl-readwise-{n}") for n in (1, 2, 3)] == [1, 1, 1], policy
        assert "> Highlight number 1, quoted by me." in text


def test_a_template_can_import_a_macro_from_another(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "highlights_header.md.jinja": "{% macro starred(text) %}*{{ text }}* ({{ title }}){% endmacro %}"
            "{% macro bang(n) %}{% for _ in range(n) %}!{% endfor %}{% endmacro %}## Highlights",
        "highlight.md.jinja": '{% from "highlights_header.md.jinja" import starred with context %}'
            '{% import "highlights_header.md.jinja" as plain %}'
            "- {{ starred(highlight_text) }}{{ plain.bang(2) }}",
    })
    sync([books(2)], templates=templates)
    text = _note(vault)
    assert "- *Highlight number 1.* (Walden)!! ^hl-readwise-1\n" in text
    assert "- *Highlight number 2.* (Walden)!! ^hl-readwise-2\n" in text


@pytest.mark.parametrize(("value", "tag"), [
    ("हिन्दी", "हिन्दी"),  # vowel signs and virama are combining marks, part of their letter
    ("தமிழ்", "தமிழ்"),
    ("ภาษาไทย", "ภาษาไทย"),
    (unicodedata.normalize("NFD", "café"), "café"),  # as NFC: one character, not e + U+0301
    ("Behavioral Economics & Co.", "Behavioral-Economics-Co"),
    ("#inbox/to-read", "inbox/to-read"),
    ("1984", "y1984"),
    ("a\u2e2fb", "a-b"),  # a letter to Python, in a punctuation block to Obsidian
    ("क, ि", "क-ि"),  # a mark amid separators is kept, the separators one "-"
    ("../../x", "x"),  # no empty level of a nested tag (it was "/-/x")
    ('=HYPERLINK("http://evil","x")', "HYPERLINK-http/evil-x"),
    ("/", ""),
    ("emoji 🐍📚", "emoji-🐍📚"),  # Obsidian takes emoji in a tag (the audit saw "emoji")
    ("👨\u200d👩\u200d👧 family", "👨👩👧-family"),  # no joiner (Obsidian refuses U+200D), no "-" between
    ("☕️ break", "☕️-break"),  # U+FE0F, a variation selector, kept with its emoji
    ("⌚ ⏳ ▶ ↔ ™", "⌚-⏳-▶-↔-™"),  # emoji outside the emoji blocks (review)
    ("\u203c\ufe0f", ""),  # "‼" is punctuation to Obsidian: its selector is not left alone
    ("‼\ufe0f wow", "wow"),
])
def test_tag_filter_keeps_letters_with_their_combining_marks(value, tag):
    assert as_tag(value) == tag


# Obsidian's tag check, as reverse-engineered from app.js (reference writers.md, section 1.2).
OBSIDIAN_TAG = re.compile(r"#[^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_any_text_becomes_a_tag_obsidian_accepts_or_nothing(value):
    tag = as_tag(value)
    assert tag == "" or (OBSIDIAN_TAG.fullmatch("#" + tag) and not re.fullmatch(r"\d+", tag))
    assert unicodedata.is_normalized("NFC", tag)


def test_document_tags_in_any_script_reach_the_tags_property_whole(tmp_path):
    vault = tmp_path / "vault"
    book = Document(id="d1", title="Walden", category=Category.BOOKS,
                    highlights=[Highlight(id="h1", text="x")],
                    tags=["हिन्दी", "தமிழ்", unicodedata.normalize("NFD", "café")])
    sync_once(vault, tmp_path / "state.sqlite", [book])
    text = (vault / "Books" / "Walden.md").read_text(encoding="utf-8")
    assert yaml.safe_load(text.split("---\n")[1])["tags"] == ["हिन्दी", "தமிழ்", "café"]


def test_tags_that_become_one_obsidian_tag_are_listed_once(tmp_path):
    # Obsidian compares tags without case; "R&D" and "R-D" are both the tag R-D.
    vault = tmp_path / "vault"
    book = Document(id="d1", title="Walden", category=Category.BOOKS,
                    highlights=[Highlight(id="h1", text="x", tags=["a b", "a-b", "A B"])],
                    tags=["History", "history", "R&D", "R-D", "a b", "a-b"])
    sync_once(vault, tmp_path / "state.sqlite", [book], atomic=True)
    text = (vault / "Books" / "Walden.md").read_text(encoding="utf-8")
    assert yaml.safe_load(text.split("---\n")[1])["tags"] == ["History", "R-D", "a-b"]
    [highlight_note] = [p for p in vault.rglob("*.md") if p.name != "Walden.md"]
    front = yaml.safe_load(highlight_note.read_text(encoding="utf-8").split("---\n")[1])
    assert front["tags"] == ["a-b"]
def test_a_value_that_would_break_a_link_gives_one_working_link_showing_the_value(vault, sync, books):
    book = books(1, author="Smith]] and [[Jones | Co #2", tags=["x]]y", "plain"])
    book.highlights[0].tags = ["a]]b", "c|d", "re: work"]
    sync([book])
    text = _note(vault)
    assert "- Author: [[Smith and Jones Co 2|Smith and Jones Co #2]]\n" in text
    assert "- Document Tags: [[xy]] [[plain]]\n" in text
    assert "    - Tags: [[ab]] [[cd|c d]] [[re work|re: work]]\n" in text
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["author"] == ["[[Smith and Jones Co 2|Smith and Jones Co #2]]"]


def test_an_ordinary_value_is_linked_as_the_readwise_plugin_links_it(vault, sync, books):
    sync([books(1, author="Henry David Thoreau, Jr.", tags=["R&D", "two words", "📚"])])
    text = _note(vault)
    assert "- Author: [[Henry David Thoreau, Jr.]]\n" in text
    assert "- Document Tags: [[R&D]] [[two words]] [[📚]]\n" in text


def test_a_value_no_note_could_be_named_links_to_the_name_it_would_have(vault, sync, books):
    # The Readwise plugin writes [[AC/DC]]: a link to a note "DC" in a folder "AC" (interop audit).
    sync([books(1, author="<b>Smith</b>", tags=["AC/DC", "what?", 'say "hi"', "a\\b*"])])
    text = _note(vault)
    assert "- Author: [[bSmithb|&lt;b>Smith&lt;/b>]]\n" in text
    assert '- Document Tags: [[ACDC|AC/DC]] [[what|what?]] [[say hi|say "hi"]] [[ab|a\\b*]]\n' in text
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["author"] == ["[[bSmithb|<b>Smith</b>]]"]


def test_a_pasted_template_linking_a_value_by_hand_gets_the_same_working_link(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "header.md.jinja": "By [[{{author}}]] ({{ '[[' }}{{ title }}]]), "
                           "[[{{ author | upper }}|{{ title }}]]\n{{ undefined_thing }}[[{{- author }}]]\n",
    })
    sync([books(1, author="Ann: A Life")], templates=templates)
    text = _note(vault)
    assert "By [[Ann A Life|Ann: A Life]] ([[Walden]]), [[ANN A LIFE|Walden]]\n" in text
    assert "[[Ann: A Life]]\n" in text  # whitespace control: left as written


def test_a_highlight_notes_source_link_shows_the_title_without_breaking(vault, sync, books):
    sync([books(1, title="Notes | Part 1 [[draft]]")], atomic=True)
    own = next(p for p in vault.rglob("*.md") if p.parent.name != "Books").read_text(encoding="utf-8")
    assert "- Source: [[Books/Notes  Part 1 draft|Notes Part 1 draft]]\n" in own


def _blockquotes(text: str) -> list[str]:
    """The text of each blockquote of the highlights region, by a CommonMark parser."""
    body = text.split("%% excerpta:begin highlights %%\n")[1].split("%% excerpta:end")[0]
    found, depth, inline = [], 0, []
    for token in PARSER.parse(body):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if token.type == "inline" and depth:
            inline.append(token.content)
        if token.type == "blockquote_close" and not depth:
            found.append("\n".join(inline))
            inline = []
    return found


QUOTE = "> {{ highlight_text }}\n\n"


def test_a_template_ending_with_a_blank_line_keeps_its_highlights_apart(tmp_path, vault, sync, books):
    sync([books(3)], templates=template_folder(tmp_path, {"highlight.md.jinja": QUOTE}))
    assert _blockquotes(_note(vault)) == [f"Highlight number {n}. ^hl-readwise-{n}" for n in (1, 2, 3)]


def test_a_highlight_added_to_an_edited_quote_note_is_a_quote_of_its_own(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"highlight.md.jinja": QUOTE})
    book = books(3)
    sync([book.model_copy(update={"highlights": book.highlights[::2]})], templates=templates)
    path = next(vault.rglob("*.md"))
    path.write_text(_note(vault).replace("^hl-readwise-1\n", "^hl-readwise-1\n\nmine\n"), encoding="utf-8")
    sync([book], templates=templates)
    assert _blockquotes(_note(vault)) == [f"Highlight number {n}. ^hl-readwise-{n}" for n in (1, 2, 3)]
    assert "\n\nmine\n\n" in _note(vault)


@pytest.mark.parametrize(("source", "line", "message"), [
    ("? [x, y]\n: title\n", 1, "a property name must be text, not a list"),
    ("title: title\n? {a: b}\n: title\n", 2, "a property name must be text, not a mapping"),
    ('"": title\n', 1, "a property name must not be empty"),
    ("title: title\n'  ': author\n", 2, "a property name must not be empty"),
    ('"k\\ny": title\n', 1, "the property name 'k\\ny' must be on one line, without control characters"),
    ("title: title\nauthor: author\ntitle: author\n", 3, "property 'title' is given twice (first on line 1)"),
])
def test_a_front_matter_key_that_is_no_property_name_is_a_user_error(
        tmp_path, vault, sync, books, source, line, message):
    templates = template_folder(tmp_path, {"frontmatter.yaml": source})
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=templates)
    assert str(caught.value) == f"template frontmatter.yaml, line {line}: {message}"
    assert not list(vault.rglob("*.md"))


def test_front_matter_keys_yaml_reads_as_numbers_or_booleans_are_property_names(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"frontmatter.yaml": "1984: title\nyes: category\n"})
    sync([books(1)], templates=templates)
    assert "\n'1984': Walden\n'yes': books\n" in _note(vault)


@pytest.mark.parametrize(("files", "message"), [
    ({"highlight.jinja": "> {{ highlight_text }}"},
     r"highlight\.jinja is not a template name, did you mean highlight\.md\.jinja\? \(the names are "
     r"filename\.jinja, frontmatter\.yaml, header\.md\.jinja, .*embed\.md\.jinja\)$"),
    ({"Filename.jinja": "{{ author }}", "highlight.md.jinja": "- {{ highlight_text }}"},
     r"Filename\.jinja is not a template name, did you mean filename\.jinja\?"),
    ({"frontmatter.yml": "title: title"},
     r"frontmatter\.yml is not a template name, did you mean frontmatter\.yaml\?"),
    ({"Highlight-Filename.j2": "{{ block_id }}"},
     r"Highlight-Filename\.j2 is not a template name, did you mean highlight_filename\.jinja\?"),
    ({"README.md": "my templates", "notes.txt": "x"}, r"holds no template \(the names are filename\.jinja, "),
    ({}, r"holds no template \(the names are "),
])
def test_a_templates_folder_with_misnamed_or_no_templates_is_a_user_error(tmp_path, files, message):
    folder = tmp_path / "tpl"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    where = re.escape(str(folder))
    with pytest.raises(ConfigError, match=rf"^templates folder {where}:? {message}") as caught:
        ObsidianWriter.from_options({"templates": str(folder)})
    assert "\n" not in str(caught.value)


def test_files_beside_the_templates_that_are_not_templates_are_left_alone(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"highlight.md.jinja": "- {{ highlight_text }}!"})
    for other in ("README.md", "highlight.md.jinja.bak", "highlight.md.jinja~", ".highlight.jinja.swp"):
        (templates / other).write_text("not a template", encoding="utf-8")
    sync([books(1)], templates=templates)
    assert "- Highlight number 1.! ^hl-readwise-1" in _note(vault)


def test_a_templates_path_that_is_a_file_is_a_user_error_saying_so(tmp_path):
    template = tmp_path / "highlight.md.jinja"
    template.write_text("- {{ highlight_text }}", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^templates folder .*\.jinja is a file: give the folder"):
        ObsidianWriter.from_options({"templates": str(template)})
