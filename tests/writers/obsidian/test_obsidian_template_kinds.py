"""What a template does to a value keeps how it is made inert: a highlight's text changed by a
filter, a string method or an operator still ends with its block id, and a block's or a
macro's text used in an expression, or a filtered block, is made inert exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from excerpta.model import Document, Highlight

from .conftest import template_folder

LISTED = "intro\n- item one\n1. item two\nend"
HOSTILE = "List<String> & %%\n- item"


def _highlights(tmp_path: Path, vault: Path, sync, source: str, text: str) -> str:
    templates = template_folder(tmp_path, {"highlight.md.jinja": source})
    sync([Document(id="d", title="T", highlights=[Highlight(id="h", text=text)])], templates=templates)
    note = next(vault.rglob("*.md")).read_text(encoding="utf-8")
    start = note.index("## Highlights\n") + len("## Highlights\n")
    return note[start:note.index("\n%% excerpta:end", start)]


@pytest.mark.parametrize(("expression", "first", "items", "last"), [
    ('highlight_text | replace("o", "0")', "intr0", ("\\- item 0ne", "1\\. item tw0"), "end"),
    ("highlight_text | trim", "intro", ("\\- item one", "1\\. item two"), "end"),
    ("highlight_text | upper", "INTRO", ("\\- ITEM ONE", "1\\. ITEM TWO"), "END"),
    ("highlight_text.lower()", "intro", ("\\- item one", "1\\. item two"), "end"),
    ("highlight_text | title", "Intro", ("\\- Item One", "1\\. Item Two"), "End"),
    ("highlight_text | capitalize", "Intro", ("\\- item one", "1\\. item two"), "end"),
    ('"> " ~ highlight_text ~ "!"', "> intro", ("\\- item one", "1\\. item two"), "end!"),
    ('"%s!" | format(highlight_text)', "intro", ("\\- item one", "1\\. item two"), "end!"),
    ('"%s!" % highlight_text', "intro", ("\\- item one", "1\\. item two"), "end!"),
    ('"{}!".format(highlight_text)', "intro", ("\\- item one", "1\\. item two"), "end!"),
    ('[highlight_text, "!"] | join', "intro", ("\\- item one", "1\\. item two"), "end!"),
    ('highlight_text.replace("o", "0") | upper', "INTR0", ("\\- ITEM 0NE", "1\\. ITEM TW0"), "END"),
])
def test_a_highlights_text_changed_by_a_filter_method_or_operator_still_ends_with_its_block_id(
        tmp_path, vault, sync, expression, first, items, last):
    written = _highlights(tmp_path, vault, sync, "- {{ " + expression + " }}\n", LISTED)
    # Its list lines text (escaped once), so the block id ends the whole highlight.
    assert written == "\n".join([f"- {first}", *(f"  {item}" for item in items), f"  {last} ^hl-h"]) + "\n"


@pytest.mark.parametrize("source", [
    '{% macro m() %}<{{ highlight_text }}>{% endmacro %}- {{ m() ~ "" }}\n',
    "{% macro m() %}<{{ highlight_text }}>{% endmacro %}- {{ m() | trim }}\n",
    "{% macro m() %}<{{ highlight_text }}>{% endmacro %}- {{ m().strip() }}\n",
    '{% set b %}<{{ highlight_text }}>{% endset %}- {{ "%s" % b }}\n',
    "- {% filter trim %}<{{ highlight_text }}>{% endfilter %}\n",
    "{% set b | trim %}<{{ highlight_text }}>{% endset %}- {{ b }}\n",
    "- {% filter trim %}{% for i in [1] %}<{{ highlight_text }}>{% endfor %}{% endfilter %}\n",
])
def test_a_blocks_text_changed_by_an_expression_or_a_filter_is_made_inert_exactly_once(
        tmp_path, vault, sync, source):
    # As "- <{{ highlight_text }}>" writes it: "<" escaped once, the list line text once.
    assert _highlights(tmp_path, vault, sync, source, HOSTILE) == \
        "- &lt;List&lt;String> & %&#37;\n  \\- item> ^hl-h\n"


@pytest.mark.parametrize("source", [
    "- {% filter upper %}{{ highlight_text }}{% endfilter %}\n",
    "{% set b | upper %}{{ highlight_text }}{% endset %}- {{ b }}\n",
    "{% macro m() %}{{ highlight_text }}{% endmacro %}- {{ m() | upper }}\n",
    "- {{ highlight_text | upper }}\n",
])
def test_a_filter_keeping_escapes_writes_what_it_makes_of_the_text_once(tmp_path, vault, sync, source):
    written = _highlights(tmp_path, vault, sync, source, HOSTILE)
    assert written == "- LIST&lt;STRING> & %&#37;\n  \\- ITEM ^hl-h\n"
