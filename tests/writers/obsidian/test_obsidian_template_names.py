"""Only the highlight variables a template reads are made: the same notes, made faster."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian import ObsidianWriter
from excerpta.writers.obsidian.template_names import used_names
from excerpta.writers.obsidian.templates import NoteTemplates
from excerpta.writers.obsidian.variables import (
    HIGHLIGHT_VARIABLES,
    TITLE_VARIABLES,
    document_variables,
    highlight_variables,
    title_variables,
)

from .conftest import template_folder


def _highlights() -> list[Highlight]:
    return [
        Highlight(id="h1", text="One line.", location=47, location_type=LocationType.LOCATION),
        Highlight(id="h2", text="Two\n\nparagraphs\r\nand\x00 a NUL", note="A note\nof two lines",
                  page="xii\n3", location=12, location_type=LocationType.PAGE, tags=["a tag", "two\nlines"],
                  color="yellow",
                  chapter="Part I\n> Chapter 1", is_favorite=True, is_deleted=True,
                  highlighted_at=datetime(2024, 3, 31, 1, 30, tzinfo=UTC), external_ids={"readwise": "77"}),
        Highlight(id="h 3/ü", text="- a list line", url="https://twitter.com/x/status/1",
                  location=101, location_type=LocationType.TIME_OFFSET, page=9),
        Highlight(id="h4", text="A web one", url="javascript:alert(1)", location=5,
                  location_type=LocationType.OFFSET),
    ]


@pytest.mark.parametrize("asin", [None, "B0 1/x"])
@pytest.mark.parametrize("strike", [False, True])
@pytest.mark.parametrize("paragraphs", [False, True])
def test_each_variable_made_alone_is_the_one_made_with_all(asin, strike, paragraphs):
    document = Document(id="d", title="T", asin=asin, category=Category.BOOKS, highlights=_highlights())
    zone = ZoneInfo("Europe/Berlin")
    base = document_variables(document, zone)
    for highlight in document.highlights:
        every = highlight_variables(document, highlight, base, strike=strike, zone=zone,
                                    paragraphs=paragraphs)
        assert set(every) == {*base, *HIGHLIGHT_VARIABLES}
        for name in HIGHLIGHT_VARIABLES:
            some = highlight_variables(document, highlight, base, strike=strike, zone=zone,
                                       paragraphs=paragraphs, names={name})
            assert some[name] == every[name]
            assert type(some[name]) is type(every[name])
            assert {key: value for key, value in some.items() if key in every} == {
                key: every[key] for key in some}
        none = highlight_variables(document, highlight, base, strike=strike, zone=zone, paragraphs=paragraphs,
                                   names=())
        assert set(none) == {*base, "highlight_text", "highlight_note", "highlight_chapter"}


def _names(tmp_path, source: str, **helpers: str) -> frozenset[str] | None:
    folder = template_folder(tmp_path, {"highlight.md.jinja": source, **helpers})
    return used_names(NoteTemplates.load(folder).highlight)


def test_a_templates_names_are_the_ones_it_reads(tmp_path):
    assert used_names(NoteTemplates.load().highlight) == {
        "highlight_text", "highlight_location", "highlight_location_url", "highlight_tags", "highlight_note"}
    source = ("{% set x = highlight_id %}{{ x }}"
              "{% macro m(a) %}{{ a }}{{ block_id }}{{ varargs }}{% endmacro %}{{ m(title) }}"
              "{% for t in highlight_tags %}{{ loop.index }}{{ t }}{% endfor %}"
              "[[{{ author }}]]")
    assert _names(tmp_path, source) == {"highlight_id", "block_id", "title", "highlight_tags", "author"}


@pytest.mark.parametrize("source", [
    '{% include "part.jinja" %}',
    '{% import "part.jinja" as p %}{{ p.x }}',
    '{% from "part.jinja" import x %}{{ x() }}',
    '{% extends "part.jinja" %}',
    "{% block b %}{{ highlight_text }}{% endblock %}",
    "{{ self }}",
])
def test_a_template_reading_more_than_its_source_says_is_unknown(tmp_path, source):
    part = "{% macro x() %}{{ highlight_id }}{% endmacro %}"
    assert _names(tmp_path, source, **{"part.jinja": part}) is None


def _book() -> Document:
    return Document(id="d", title="Walden", author="Thoreau", category=Category.BOOKS, asin="B01",
                    highlights=_highlights()[:3])


@pytest.mark.parametrize("template", [
    "- {{ highlight_text }}",
    "- {{ raw_highlight_text }} {{ highlight_id }} {{ highlight_page }} {{ highlight_color }} "
    "{{ highlight_is_favorite }} {{ highlighted_at }} {{ highlight_url }} {{ block_id }} {{ is_deleted }}",
    '{% include "part.jinja" %}',
    "> {{ highlight_text }} {{ highlight_note }}\n\n",
])
def test_notes_are_those_of_every_variable_made(tmp_path, monkeypatch, template):
    folder = template_folder(tmp_path, {"highlight.md.jinja": template,
                                        "part.jinja": "- {{ highlight_id }} {{ raw_highlight_text }}"})
    writer = ObsidianWriter.from_options({"templates": folder, "timezone": "Europe/Berlin"})
    fast = writer.renderer.render(_book(), strike={"hl-h2"})
    monkeypatch.setattr(writer.renderer, "_highlight_names", None)
    assert writer.renderer.render(_book(), strike={"hl-h2"}) == fast


def test_an_unknown_name_is_warned_with_a_hint_among_every_variable(tmp_path, caplog):
    template = "- {{ highlight_text }} {{ raw_highlight_txt }}"
    folder = template_folder(tmp_path, {"highlight.md.jinja": template})
    writer = ObsidianWriter.from_options({"templates": folder})
    with caplog.at_level(logging.WARNING):
        writer.renderer.render(_book())
    assert "did you mean raw_highlight_text?" in caplog.text


@pytest.mark.parametrize("readable", [None, "", "Walden\n(short)"])
def test_the_titles_made_alone_are_the_document_variables(readable):
    document = Document(id="d", title=" Walden;\x00 or\r\nLife ", readable_title=readable, highlights=[])
    every = document_variables(document)
    assert title_variables(document) == {name: every[name] for name in TITLE_VARIABLES}


FILE_NAMES = ["{{ title }}", "{{ full_title }} - {{ title }}", "{{ title }} {{ author }}", "{{ titel }}",
              "{% include 'part.jinja' %}"]


@pytest.mark.parametrize("template", FILE_NAMES)
def test_a_file_name_is_the_one_of_every_variable(tmp_path, monkeypatch, template):
    folder = template_folder(tmp_path, {"filename.jinja": template, "part.jinja": "{{ author }} {{ title }}"})
    renderer = ObsidianWriter.from_options({"templates": folder}).renderer
    document = Document(id="d", title="Walden: or, Life", readable_title="Walden", author="Thoreau",
                        highlights=[])
    fast = renderer.file_stem(document)
    monkeypatch.setattr(renderer, "_titles_only", False)
    assert renderer.file_stem(document) == fast
