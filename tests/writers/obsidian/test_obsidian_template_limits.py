"""A template cannot write a note without bound, nor run without end: each render is bounded
in size, steps and time, and passing a bound is the template's error, naming it and the line."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest

from excerpta.errors import ConfigError
from excerpta.model import Document, Highlight, LocationType
from excerpta.writers.obsidian.render import NoteRenderer
from excerpta.writers.obsidian.template_limits import RenderLimits
from excerpta.writers.obsidian.templates import HIGHLIGHT_NOTE, NoteTemplates

from .conftest import kindle_book, template_folder

MOMENT = datetime(2024, 7, 2, 15, 5, tzinfo=UTC)


@pytest.mark.parametrize(("name", "source", "message"), [
    ("highlight.md.jinja", 'x\n{{ "x" * 1000000000 }}\n',
     "a repetition with '*' would be 1,000,000,000 long"),
    ("highlight.md.jinja", "x\n{{ [1, 2] * 100000000 }}\n",
     "a repetition with '*' would be 1,400,000,000 long"),
    ("header.md.jinja", "x\n{{ 10 ** 100000000 }}\n", "'**' would make a number of about 400,000,000 bits"),
    ("highlight.md.jinja", '{% set ns = namespace(s="x") %}\n{% for i in range(40) %}'
                           "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "a text joined with '~' would be 8,388,608 long"),
    ("highlight.md.jinja", '{% set ns = namespace(s="x") %}\n{% for i in range(40) %}'
                           "{% set ns.s = ns.s + ns.s %}{% endfor %}",
     "a text or list joined with '+' would be 8,388,608 long"),
    ("highlight.md.jinja", "x\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                           "{% endfor %}",
     "stopped after 250,000 loop turns and calls in one render"),
    ("highlight.md.jinja", '{% set s = "y" * 4000000 %}\n{% for i in range(100) %}{{ s }}{% endfor %}',
     "rendered more than 8 MB of text"),
    ("highlight.md.jinja", '{% set s = "y" * 4000000 %}\n{% set t %}{% for i in range(100) %}{{ s }}'
                           "{% endfor %}{% endset %}", "rendered more than 8 MB of text"),
    ("frontmatter.yaml", 'a: title\nb: title * 1000000000\n', "a repetition with '*'"),
])
def test_a_template_making_a_huge_note_or_looping_without_end_is_stopped_as_its_error(
        tmp_path, vault, sync, books, name, source, message):
    templates = template_folder(tmp_path, {name: source})
    started = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        sync([books(1)], templates=templates)
    assert time.monotonic() - started < 1
    text = str(caught.value)
    assert re.match(rf"template {name}(, line 2)?: ", text), text  # (no line: the note as a whole)
    assert message in text
    assert not any(vault.rglob("*.md"))


def _assert_header_refused(tmp_path, source: str, message: str) -> None:
    """A header template ``source`` is refused on its line 2 before it writes more than a note
    of 10,000 characters may hold, saying ``message``."""
    templates = NoteTemplates.load(template_folder(tmp_path, {"header.md.jinja": source}),
                                   limits=RenderLimits(characters=10_000))
    templates.budget.allow(0)
    with pytest.raises(ConfigError) as caught:
        templates.render(templates.header, templates.context({"title": "Walden"}))
    assert str(caught.value).startswith("template header.md.jinja, line 2: ")
    assert message in str(caught.value)
    assert str(caught.value).endswith("more than a note may hold (10,000 characters)")


# Each would make 100,000 characters or more; the limit is 10,000 (a real one, 8 MB, is passed
# the same way by ten thousand times these widths, which would take gigabytes before the fix).
@pytest.mark.parametrize(("expression", "message"), [
    ("title.ljust(300000)|length", "a text made with 'ljust' would be 300,000 long"),
    ("title.center(100000)", "a text made with 'center' would be 100,000 long"),
    ("title.rjust(100000)", "a text made with 'rjust'"),
    ("title.zfill(100000)", "a text made with 'zfill'"),
    ("('\\t' * 100).expandtabs(1000)", "a text made with 'expandtabs' would be 100,100 long"),
    ("('x' * 100).replace('x', 'y' * 1000)", "a text made with 'replace' would be 100,000 long"),
    ("('y' * 1000).join(range(100)|map('string'))", "a text made with 'join' would be 99,190 long"),
    ("title.translate({87: 'y' * 5000})", "a text made with 'translate' would be 30,000 long"),
    ("'%100000s' % title", "a text formatted with '%' would be 100,014 long"),
    ("'%*s' % (100000, title)", "a text formatted with '%'"),
    ("'%.100000f' % 1.5", "a text formatted with '%'"),
    ("'{:>100000}'.format(title)", "a text made with 'format'"),
    ("'{:>{}}'.format(title, 100000)", "a text made with 'format'"),
    ("'{t:>100000}'.format_map({'t': title})", "a text made with 'format'"),
    ("title|center(100000)", "a text centred with 'center' would be 100,000 long"),
    ("('a\\n' * 10)|indent(10000)", "a text indented with 'indent'"),
    ("title|wordwrap(1, wrapstring='y' * 9000)", "a text wrapped with 'wordwrap'"),
    ("('x' * 100)|replace('x', 'y' * 1000)", "a text made with 'replace' would be 100,000 long"),
    ("range(100)|map('string')|join('y' * 1000)", "a text made with 'join' would be 99,190 long"),
    ("'%100000s'|format(title)", "a text made with 'format'"),
    ("[1]|batch(100000, 'x')|list", "a batch filled up by 'batch' would be 100,000 long"),
    ("[1]|slice(100000)|list", "the slices made by 'slice' would be 100,000 long"),
    ("['y' * 1000] * 100", "a repetition with '*' would be 100,600 long"),
    # (a text within the bound that a filter or a method makes larger: measured once made, so a
    # chain of them, each up to 6 times larger, stops at the first step past the bound)
    ("('\\\\' * 6000)|tojson|length", "the text made by 'tojson' would be 12,002 long"),
    ("('<' * 6000)|tojson|length", "the text made by 'tojson' would be 36,002 long"),
    ("('ß' * 6000)|upper|length", "the text made by 'upper' would be 12,000 long"),
    ("('ß' * 6000).upper()|length", "a text made with 'upper' would be 12,000 long"),
])
def test_a_string_method_filter_or_format_is_refused_before_it_makes_a_huge_text(
        tmp_path, expression, message):
    _assert_header_refused(tmp_path, f"# x\n{{{{ {expression} }}}}", message)


# A list is weighed as the text it would be written as, every text it holds counted however
# deep, and a key used many times counted as many times: each would make 18,000 to 81,000,000
# characters under a limit of 10,000 (at the real 8 MB, terabytes), refused before it is made.
@pytest.mark.parametrize(("source", "message"), [
    ('{{ ("%(a)s" * 10) % {"a": a} }}', "a text formatted with '%' would be 60,050 long"),
    ('{{ ("%(a)s" * 10)|format(a=a) }}', "a text made with 'format' would be 60,050 long"),
    ('{{ [{"k": a}, {"k": a}]|join(attribute="k") }}', "items collected in one list would be 12,010 long"),
    ("{% set ns = namespace(l=[a]) %}{% for i in range(10) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
     "a text or list joined with '+' would be 12,012 long"),
    ("{{ ([[a]] * 9000)|string|length }}", "a repetition with '*' would be 54,108,000 long"),
    ("{{ [[a], [a]] ~ '' }}", "a text joined with '~' would be 12,022 long"),
    ("{{ [[a], [a]]|string|length }}", "the text of a value given to 'string' would be 12,022 long"),
    ("{{ [[a], [a]]|upper|length }}", "the text of a value given to 'upper' would be 12,022 long"),
    ("{{ [[a], [a]] }}", "the text of a value written would be 12,022 long"),
    ("{{ '%s' % ([[a], [a]],) }}", "a text formatted with '%' would be 12,024 long"),
    ("{{ lipsum(1000)|length }}", "the text of 'lipsum' would be 1,616,000 long"),
    # Many values, each within the bound, collected in one list (as they come: not all made).
    ("{{ range(1000)|map('center', 5000)|list|length }}", "items collected in one list would be 10,010"),
    ("{{ range(1000)|map('center', 5000)|join }}", "items collected in one list would be 10,010"),
    ("{{ ''.join(range(1000)|map('center', 5000)) }}", "items collected in one list would be 10,010"),
    ("{{ range(1000)|map('center', 5000)|sort|first }}", "items collected in one list would be 10,010"),
    ("{{ range(100)|map('center', 5000)|map('list')|sum(start=[]) }}", "collected in one list"),
    # Bytes are written as b'\xc3\xbf…': four characters a byte.
    ("{{ ('\u00ff' * 2000).encode() }}", "the text of a value written would be 16,003 long"),
    # (a namespace holding itself: counted up to the limit, not for ever)
    ("{% set ns = namespace() %}{% set ns.x = ns %}{{ '{}'.format(ns) }}", "a text made with 'format'"),
])
def test_a_list_holding_long_texts_is_weighed_by_its_text_before_it_is_made_or_written(
        tmp_path, source, message):
    _assert_header_refused(tmp_path, "# x\n{% set a = 'x' * 6000 %}" + source, message)


@pytest.mark.parametrize(("source", "message"), [
    # A list holding a long text many times.
    ("a: title\nb: [\"'x' * 4000\", \"'y' * 4000\", \"'z' * 4000\"]\n",
     "line 2: property 'b' would be 12,014 long"),
    # Many properties, each within the bound, past it all told.
    ("".join(f"p{i}: \"'x' * 3000\"\n" for i in range(5)),
     "line 4: the properties up to 'p3' would be 12,008 long"),
], ids=["a-long-list", "many-properties"])
def test_front_matter_too_large_is_refused_before_it_is_written(tmp_path, source, message):
    templates = NoteTemplates.load(template_folder(tmp_path, {"frontmatter.yaml": source}),
                                   limits=RenderLimits(characters=10_000))
    templates.budget.allow(0)
    with pytest.raises(ConfigError) as caught:
        templates.properties(templates.context({"title": "Walden"}))
    assert str(caught.value) == (f"template frontmatter.yaml, {message}, more than a note may hold "
                                 "(10,000 characters)")


def test_string_methods_filters_and_formats_of_ordinary_sizes_still_work(tmp_path):
    source = ("{{ title.ljust(8) }}|{{ '%5s|%-3d|%%' % ('a', 1) }}|{{ '{:>5}{}'.format('a', 2) }}|"
              "{{ 'a b'|replace(' ', '_') }}|{{ [1, 2]|join(',') }}|{{ title|center(10) }}|"
              "{{ 'ab'|wordwrap(1) }}|{{ [1, 2, 3]|batch(2, 0)|list }}|{{ [1, 2, 3]|slice(2)|list }}|"
              "{{ '%s+%s'|format('a', 'b') }}|{{ ', '.join(['x', 'y']) }}|{{ 10 % 3 }}|"
              "{{ ('a' * 3).replace('a', 'bb', 2) }}|{{ 'x'|indent(2) }}|{{ ['ab'] * 2 }}|"
              "{{ '{:%Y}'.format(when) }}{% for i in range(2) %}|{{ title.replace('W', 'w', 1).center(8) }}"
              "{{ '-'.join(['a', 'b']) }}{{ '%s' % i }}{{ '{}'.format(i) }}{% endfor %}")
    templates = NoteTemplates.load(template_folder(tmp_path, {"header.md.jinja": source}))
    text = templates.render(templates.header, templates.context({"title": "Walden", "when": MOMENT}))
    assert text == ("Walden  |    a|1  |%|    a2|a_b|1,2|  Walden  |a\nb|[[1, 2], [3, 0]]|[[1, 2], [3]]|a+b|"
                    "x, y|1|bbbba|x|['ab', 'ab']|2024| walden a-b00| walden a-b11")


def test_a_render_running_past_its_time_is_stopped(tmp_path):
    folder = template_folder(tmp_path, {"header.md.jinja": "{% for i in range(100000) %}{% endfor %}"})
    templates = NoteTemplates.load(folder, limits=RenderLimits(seconds=0.001))
    context = templates.context({})
    with pytest.raises(ConfigError, match=r"^template header.md.jinja, line 1: stopped: one render took "
                                          r"more than 0.001 s"):
        templates.render(templates.header, context)
    assert templates.render(templates.chapter, {**context, "chapter": "One"})  # the next render starts afresh


def test_every_render_has_its_own_budget(tmp_path, vault, sync, books):
    # 50 highlights of 10,000 turns each: 500,000 turns in the note, under the limit per render.
    templates = template_folder(tmp_path, {
        "highlight.md.jinja": "{% for i in range(10000) %}{% endfor %}{{ highlight_text }}\n"})
    sync([books(50)], templates=templates)
    assert len(next(vault.rglob("*.md")).read_text().splitlines()) > 50


def _one_highlight_of(text: str) -> Document:
    return kindle_book(highlights=[Highlight(id="readwise-1", text=text, location=100,
                                             location_type=LocationType.LOCATION)])


def test_a_highlight_larger_than_the_bound_is_data_not_a_template_mistake(vault, sync):
    # 10 MB in one cell of a readwise-csv export, the default templates: its note is written.
    text = "All work and no play. " * 480_000
    sync([_one_highlight_of(text)])
    assert text.strip() in next(vault.rglob("*.md")).read_text(encoding="utf-8")


def test_a_template_blowing_up_a_large_document_is_still_stopped(tmp_path, vault, sync):
    templates = template_folder(tmp_path, {"highlight.md.jinja": "x\n{{ highlight_text * 10 }}\n"})
    with pytest.raises(ConfigError, match=r"^template highlight.md.jinja, line 2: a repetition with '\*' "
                                          r"would be 30,000,000 long"):
        sync([_one_highlight_of("y" * 3_000_000)], templates=templates)  # 8 MB + 4 times 3 MB: not 30 MB
    assert not any(vault.rglob("*.md"))


def test_an_embed_renders_on_its_own_budget_started_and_allowed_for_the_document(tmp_path):
    # The embed is the atomic set's template, rendered in the document's note: each embed is a
    # render of its own (the text of many embeds does not add up, the clock starts with it) and
    # may make as much as the document's own text allows.
    limits = RenderLimits(characters=2000)
    folder = template_folder(tmp_path, {
        "embed.md.jinja": "- {% for i in range(3) %}{% endfor %}{{ highlight_text }} "
                          "![[{{ highlight_link }}#^{{ block_id }}]]\n"})
    document_set = NoteTemplates.load(folder, limits=limits)
    atomic = NoteTemplates.load(folder, HIGHLIGHT_NOTE, limits=limits)
    highlights = [Highlight(id=f"h{i}", text="y" * 40, location=i) for i in range(100)]
    highlights.append(Highlight(id="long", text="z" * 3000, location=100))  # past 2,000 alone
    document = kindle_book(highlights=highlights)
    renderer = NoteRenderer(document_set, embed=atomic.embed).with_links(
        {highlight.id: f"T/{highlight.id}" for highlight in highlights})
    atomic.budget.deadline = time.monotonic() - 1  # its last highlight note rendered long ago
    body = renderer.render(document).highlights_body
    assert body.count("![[T/") == 101
