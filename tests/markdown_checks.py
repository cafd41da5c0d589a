"""What "runs nothing" means for Markdown in a vault, checked with a real CommonMark parser
(markdown-it-py) rather than with excerpta's own idea of Markdown. Shared by the tests of
``excerpta.markdown_safety`` and of the obsidian writer (``from markdown_checks import …``)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark")


def tokens(markdown: str) -> list[Token]:
    """Every block and inline token of ``markdown``."""
    found = []
    for token in PARSER.parse(markdown):
        found.append(token)
        found.extend(token.children or ())
    return found


def assert_runs_nothing(markdown: str) -> None:
    """No fence, HTML, horizontal rule or setext heading; no code Dataview runs (inline code
    and, by default, code blocks starting with "=" or "$="); no ``%%`` outside code (Obsidian
    reads comments from the source); no ``<%`` anywhere (Templater reads the whole file)."""
    found = tokens(markdown)
    assert not {token.type for token in found} & {"fence", "html_block", "html_inline", "hr"}, markdown
    assert not [t for t in found if t.type == "heading_open" and t.markup in ("-", "=")], markdown
    code = [token.content for token in found if token.type in ("code_inline", "code_block")]
    assert not [c for c in code if c.strip().startswith(("=", "$="))], markdown
    assert markdown.count("%%") <= sum(c.count("%%") for c in code), markdown
    assert "<%" not in markdown
