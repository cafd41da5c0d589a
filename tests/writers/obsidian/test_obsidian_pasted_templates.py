"""Templates as users bring them: pasted from the Readwise plugin, saved by Windows editors,
split into files of macros, or with a name misspelled."""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import yaml

from excerpta.adapters import ReadState
from excerpta.errors import ConfigError
from excerpta.model import Document, Highlight
from excerpta.readers.readwise_json import ReadwiseJsonReader

from .conftest import template_folder
from paths import CORPUS

CORPUS_EXPORT = CORPUS / "readwise" / "synthetic" / "v2-export-page1.synthetic.json"
UNKNOWN_NAMES = "excerpta.writers.obsidian.template_undefined"


def _note(vault: Path) -> str:
    return next(vault.rglob("*.md")).read_text(encoding="utf-8")


def _properties(vault: Path) -> dict[str, object]:
    return yaml.safe_load(_note(vault).split("---\n")[1])


@pytest.mark.parametrize(("name", "source", "line", "message"), [
    ("frontmatter.yaml", 'title: title\nhandle: "@author"\n', 2, "unexpected char '@'"),
    ("frontmatter.yaml", "title: title\ncode: '`x`'\n", 2, "unexpected char '`'"),
    ("frontmatter.yaml", 'title: title\ncategory: "#{{category}}"\n', 2,
     "the value of 'category' is not one expression (frontmatter.yaml maps each property to a Jinja "
     "expression, not to text with {{ }}: write `title: title`, `date: date|date('Y-m-d')`"),
    ("frontmatter.yaml", 'title: "Notes on {{ title }}"\n', 1, "maps each property to a Jinja expression"),
])
def test_a_front_matter_value_jinja_cannot_read_is_a_user_error_naming_its_line(
        tmp_path, sync, books, name, source, line, message):
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=template_folder(tmp_path, {name: source}))
    assert str(caught.value).startswith(f"template {name}, line {line}: ")
    assert message in str(caught.value)


def test_an_atomic_front_matter_value_jinja_cannot_read_is_a_user_error_too(tmp_path, sync, books):
    templates = template_folder(tmp_path, {"highlight_frontmatter.yaml": "a: title\nb: '$x'\n"})
    with pytest.raises(ConfigError, match=r"^template highlight_frontmatter.yaml, line 2: unexpected char"):
        sync([books(1)], templates=templates, atomic=True)


def test_the_plugins_front_matter_template_pasted_gives_the_same_properties(tmp_path, vault, sync, books):
    # Reference readwise.md 4.5: the plugin's "YAML front matter" template, {{ }} text.
    templates = template_folder(tmp_path, {"frontmatter.yaml": (
        'title: "{{title}}"\n'
        "date: {{date|date('Y-m-d')}}\n"
        "author: [[{{author}}]]\n"
        'Aliases: ["{{title}}", "{{full_title}}"]\n'
        "tags:\n  - {{category}}\n  - \"'literature-note'\"\n"
        "source: '[[{{ title }}|{{- author -}}]]'\n")})
    sync([books(2, author="Ann: A Life")], templates=templates)
    assert _properties(vault) == {
        "excerpta-id": "readwise-1001", "title": "Walden", "date": "2024-03-01",
        "author": "[[Ann A Life|Ann: A Life]]", "Aliases": ["Walden", "Walden"],
        "tags": ["books", "literature-note"], "source": "[[Walden|Ann: A Life]]"}


def test_templates_saved_with_a_byte_order_mark_and_crlf_are_read_without_them(tmp_path, vault, sync, books):
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, text in {"filename.jinja": "{{ title }}\r\n", "header.md.jinja": "# {{ title }}\r\n",
                       "highlight.md.jinja": "- {{ highlight_text }}\r\n"}.items():
        (folder / name).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    sync([books(2)], templates=folder)
    assert [path.name for path in vault.rglob("*.md")] == ["Walden.md"]
    text = _note(vault)
    assert "\ufeff" not in text
    assert "\r" not in text
    assert "%% excerpta:begin header %%\n# Walden\n" in text
    assert "- Highlight number 1. ^hl-readwise-1\n- Highlight number 2. ^hl-readwise-2\n" in text


def test_a_missing_date_is_written_as_nothing_not_none(tmp_path, vault, sync):
    undated = Document(id="u", title="Undated", highlights=[Highlight(id="h", text="No date.")])
    templates = template_folder(tmp_path, {
        "filename.jinja": "{{ title }} {{ date }}", "header.md.jinja": "# {{ title }} (Updated {{ date }})\n",
        "highlight.md.jinja": "- {{ highlight_text }} (highlighted {{ highlighted_at }})\n"})
    sync([undated], templates=templates)
    assert [path.name for path in vault.rglob("*.md")] == ["Undated.md"]
    text = _note(vault)
    assert "# Undated (Updated )\n" in text
    assert "- No date. (highlighted ) ^hl-h\n" in text


def test_a_template_includes_and_imports_a_file_of_macros_from_its_folder(tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": '{% import "macros.jinja" as m %}- {{ m.quoted(highlight_text) }}\n'
                              '{%- include "parts/tail.jinja" %}\n',
        "macros.jinja": "{% macro quoted(text) %}“{{ text }}”{% endmacro %}",
    })
    (templates / "parts").mkdir()
    (templates / "parts" / "tail.jinja").write_text(" ({{ title }})", encoding="utf-8")
    sink = sync([books(1)], templates=templates)
    assert "- “Highlight number 1.” (Walden) ^hl-readwise-1\n" in _note(vault)
    # A change to the file of macros re-renders the notes, as one to a template does.
    (templates / "macros.jinja").write_text("{% macro quoted(text) %}«{{ text }}»{% endmacro %}",
                                            encoding="utf-8")
    sink = sync([books(1)], templates=templates)
    assert [outcome.action for outcome in sink.outcomes] == ["update"]
    assert "- «Highlight number 1.» (Walden) ^hl-readwise-1\n" in _note(vault)


@pytest.mark.parametrize("include", [
    '["macros.jinja"]', '"macros.jinja" if title else "other.jinja"',
    '["nothing.jinja", "macros.jinja"]', "name",
])
def test_a_file_of_macros_included_by_a_name_made_at_render_time_re_renders_the_notes_when_changed(
        tmp_path, vault, sync, books, include):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "{% set name = 'macros.jinja' %}- {{ highlight_text }}"
                              "{% include " + include + " %}\n",
        "macros.jinja": "!",
    })
    sync([books(1)], templates=templates)
    assert "- Highlight number 1.! ^hl-readwise-1\n" in _note(vault)
    (templates / "macros.jinja").write_text("?", encoding="utf-8")
    sink = sync([books(1)], templates=templates)
    assert [outcome.action for outcome in sink.outcomes] == ["update"]
    assert "- Highlight number 1.? ^hl-readwise-1\n" in _note(vault)


def test_a_file_named_in_latin1_beside_a_name_made_at_render_time_is_one_more_file_it_may_be(
        tmp_path, vault, sync, books):
    # b"caf\xe9.jinja", named by a Latin-1 system: hashed as its bytes with the others, no crash.
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "{% set name = 'macros.jinja' %}- {{ highlight_text }}{% include name %}\n",
        "macros.jinja": "!",
    })
    latin1 = templates / os.fsdecode(b"caf\xe9.jinja")
    latin1.write_text("?", encoding="utf-8")
    sync([books(1)], templates=templates)
    assert "- Highlight number 1.! ^hl-readwise-1\n" in _note(vault)
    latin1.write_text("??", encoding="utf-8")  # a name made at render time might be it
    sink = sync([books(1)], templates=templates)
    assert [outcome.action for outcome in sink.outcomes] == ["unchanged"]


def test_a_file_of_macros_that_cannot_be_compiled_is_its_error_naming_its_line(tmp_path, sync, books):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": '{% import "macros.jinja" as m %}- {{ highlight_text }}\n',
        "macros.jinja": "{% macro f() %}\n{{ " + "1" * 4400 + " }}{% endmacro %}",
    })
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=templates)
    assert str(caught.value).startswith("template macros.jinja, line 2: Exceeds the limit (4300 digits)")


def test_the_text_of_a_macro_a_call_or_a_set_block_is_made_inert_once(tmp_path, vault, sync):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": '{% import "macros.jinja" as m %}{% macro own(x) %}[{{ x }}]{% endmacro %}'
                              "{% macro wrap() %}({{ caller() }}){% endmacro %}"
                              "{% set block %}{{ highlight_text }}{% endset %}"
                              "- {{ m.angled(highlight_text) }} {{ own(highlight_text) }} {{ block }} "
                              "{% call wrap() %}{{ highlight_text }}{% endcall %}\n",
        "macros.jinja": "{% macro angled(x) %}<{{ x }}>{% endmacro %}",
    })
    book = Document(id="d", title="Generics", highlights=[Highlight(id="h", text="List<String> & %%")])
    sync([book], templates=templates)
    inert = "List&lt;String> & %&#37;"  # (written once: "<" would open an HTML tag, "%%" a comment)
    assert f"- <{inert}> [{inert}] {inert} ({inert}) ^hl-h\n" in _note(vault)


@pytest.mark.parametrize("source", [
    "{% set b | striptags %}{{ highlight_text }}{% endset %}- {{ b }}\n",
    "- {% filter striptags %}{{ highlight_text }}{% endfilter %}\n",
    "- {{ highlight_text | striptags }}\n",
])
def test_a_filtered_set_or_filter_block_is_made_inert_as_it_is_written(tmp_path, vault, sync, source):
    # 'striptags' takes tags out and unescapes entities: its result is made inert as it is written.
    templates = template_folder(tmp_path, {"highlight.md.jinja": source})
    text = "<b>Bold</b> %%c ^hl-x &lt;% tp.file.title %&gt;"
    sync([Document(id="d", title="T", highlights=[Highlight(id="h", text=text)])], templates=templates)
    assert "- Bold %&#37;c &#94;hl-x &lt;% tp.file.title %> ^hl-h\n" in _note(vault)


@pytest.mark.parametrize(("include", "message"), [
    ('"macros.jinja"', "'macros.jinja' cannot be included: no such file in the templates folder"),
    ('"../outside.jinja"', "'../outside.jinja' cannot be included: only files inside the templates folder"),
    ('"linked.jinja"', "'linked.jinja' cannot be included: only files inside the templates folder"),
    ('"/etc/hostname"', "'/etc/hostname' cannot be included: only files inside the templates folder"),
    ('"a\\x00b"', "'a\\x00b' cannot be included: embedded null byte"),
    ('"' + "a" * 300 + '"', "'" + "a" * 300 + "' cannot be included: File name too long"),
])
def test_including_a_file_not_in_the_templates_folder_is_a_user_error_saying_so(
        tmp_path, vault, sync, books, include, message):
    (tmp_path / "outside.jinja").write_text("secret", encoding="utf-8")
    templates = template_folder(tmp_path, {"highlight.md.jinja": "- {{ highlight_text }}\n{% include "
                                                                 + include + " %}\n"})
    (templates / "linked.jinja").symlink_to(tmp_path / "outside.jinja")
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=templates)
    assert str(caught.value).startswith(f"template highlight.md.jinja, line 2: {message}")
    assert not any(vault.rglob("*.md"))


def test_an_unknown_name_is_written_as_nothing_and_warned_of_once_per_template(
        tmp_path, vault, sync, books, caplog):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "- {{ highlight_txet }}{{ highlight_text }}\n"
                              "{%- if num_books %} {{ num_books }}{% endif %}"
                              "{{ highlighted_att|date('Y') }}{{ nope is defined }}{{ nope2|default('') }}\n",
        "frontmatter.yaml": "title: titel\nauthor: '[[{{ authr }}]]'\n",
    })
    with caplog.at_level(logging.WARNING, logger=UNKNOWN_NAMES):
        sync([books(3)], templates=templates)
    assert "- Highlight number 1.False ^hl-readwise-1\n" in _note(vault)
    assert [record.getMessage() for record in caplog.records] == [
        "template frontmatter.yaml, line 2: 'authr' is not a variable of this template, written as nothing "
        "(did you mean author?)",
        "template frontmatter.yaml, line 1: 'titel' is not a variable of this template, written as nothing "
        "(did you mean title?)",
        "template highlight.md.jinja, line 1: 'highlight_txet' is not a variable of this template, written "
        "as nothing (did you mean highlight_text?)",
        "template highlight.md.jinja, line 2: 'num_books' is not a variable of this template, written "
        "as nothing",
        "template highlight.md.jinja, line 2: 'highlighted_att' is not a variable of this template, written "
        "as nothing (did you mean highlighted_at?)",
    ]


def test_an_unknown_name_with_an_attribute_or_in_a_front_matter_list_is_written_as_nothing_too(
        tmp_path, vault, sync, books, caplog):
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "- {{ highlight_text }}{{ book.title }}{{ book['title'].upper() }}\n",
        "frontmatter.yaml": "title: title\ntags: [title, tagz]\naliases: ['{{title}}', '{{ book.title }}']\n",
    })
    with caplog.at_level(logging.WARNING, logger=UNKNOWN_NAMES):
        sync([books(1)], templates=templates)
    text = _note(vault)
    assert "- Highlight number 1. ^hl-readwise-1\n" in text
    assert yaml.safe_load(text.split("---\n")[1]) == {
        "excerpta-id": "readwise-1001", "title": "Walden", "tags": ["Walden"], "aliases": ["Walden"]}
    assert [record.getMessage() for record in caplog.records] == [
        "template frontmatter.yaml, line 2: 'tagz' is not a variable of this template, written as nothing",
        "template frontmatter.yaml, line 3: 'book' is not a variable of this template, written as nothing "
        "(did you mean book_id?)",
        "template highlight.md.jinja, line 1: 'book' is not a variable of this template, written as nothing "
        "(did you mean book_id?)",
    ]


def _documented_variables() -> dict[str, list[str]]:
    """The variables each default template's comment lists ("Variables: a, b (…), c.")."""
    folder = resources.files("excerpta.writers.obsidian") / "templates"
    listed = {}
    for name in ("header.md.jinja", "highlight.md.jinja", "chapter.md.jinja", "embed.md.jinja",
                 "highlight_header.md.jinja"):
        comment = re.search(r"Variables:(.*?)\.(?:\s|$)", (folder / name).read_text(), re.DOTALL)
        assert comment, name
        items = re.sub(r"\([^)]*\)", "", comment.group(1)).split(",")
        listed[name] = [item.strip() for item in items if re.fullmatch(r"\s*[a-z_]+\s*", item)]
    return listed


def test_the_default_templates_and_every_documented_variable_warn_of_nothing(tmp_path, vault, sync, caplog):
    documented = _documented_variables()
    document, highlight = documented["header.md.jinja"], documented["highlight.md.jinja"]
    assert {"title", "date", "last_highlighted_date"} <= set(document)
    assert {"highlight_chapter", "highlight_page", "raw_highlight_text"} <= set(highlight)
    every = {
        "header.md.jinja": document, "highlights_header.md.jinja": document,
        "chapter.md.jinja": [*document, "chapter"], "highlight.md.jinja": document + highlight,
        "embed.md.jinja": [*document, *highlight, "highlight_link"],
        "highlight_header.md.jinja": [*document, *highlight, "document_link"],
        "highlight_filename.jinja": document + highlight, "filename.jinja": document,
    }
    templates = template_folder(tmp_path, {
        name: "".join(f"{{% if {n} %}}{{{{ {n} }}}}{{% endif %}}{{{{ {n} | string | length }}}}"
                      for n in names) + "\n" for name, names in every.items()})
    (templates / "frontmatter.yaml").write_text("".join(f"p{i}: {n}\n" for i, n in enumerate(document)))
    documents = list(ReadwiseJsonReader().read(str(CORPUS_EXPORT), ReadState()))
    documents.append(Document(id="c", title="Chapters", highlights=[Highlight(
        id="c1", text="In a chapter.", chapter="One", highlighted_at=datetime(2024, 1, 1, tzinfo=UTC))]))
    with caplog.at_level(logging.WARNING, logger=UNKNOWN_NAMES):
        sync(documents, atomic=True)
        sync(documents, templates=templates, atomic=True)
    assert any("In a chapter." in path.read_text(encoding="utf-8") for path in vault.rglob("*.md"))
    assert caplog.records == []


def test_a_name_made_at_render_time_reads_neither_backups_nor_hidden_nor_binary_files(
        tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {"highlight.md.jinja": "{% set name = 'macros.jinja' %}"
                                                                 "- {{ highlight_text }}{% include name %}\n",
                                           "macros.jinja": "!"})
    sync([books(1)], templates=templates)
    for backup in ("macros.jinja~", ".macros.jinja.swp", ".#macros.jinja", "macros.jinja.bak"):
        (templates / backup).write_text("an editor's copy", encoding="utf-8")
    (templates / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (templates / ".git").mkdir()
    (templates / ".git" / "index.jinja").write_text("?", encoding="utf-8")
    sink = sync([books(1)], templates=templates)
    assert [outcome.action for outcome in sink.outcomes] == []  # none of them read: nothing to re-render
    templates.joinpath("highlight.md.jinja").write_text("{% set name = 'macros.jinja~' %}"
                                                        "- {{ highlight_text }}{% include name %}\n",
                                                        encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("'macros.jinja~' cannot be included: an editor's")):
        sync([books(1)], templates=templates)


@pytest.mark.parametrize("name", ["hl", "parts/hl.markdown", "parts/hl.liquid"])
def test_an_include_of_any_other_name_in_the_templates_folder_works(tmp_path, vault, sync, books, name):
    templates = template_folder(tmp_path, {"highlight.md.jinja": f"{{% include '{name}' %}}\n"})
    (templates / name).parent.mkdir(exist_ok=True)
    (templates / name).write_text("- {{ highlight_text }} (kept)", encoding="utf-8")
    sync([books(1)], templates=templates)
    (note,) = vault.rglob("*.md")
    assert "(kept)" in note.read_text(encoding="utf-8")
