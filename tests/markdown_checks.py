"""What "runs nothing" means for Markdown in a vault, checked with a real CommonMark parser
(markdown-it-py) rather than with excerpta's own idea of Markdown. Shared by the tests of
``excerpta.markdown_safety`` and of the obsidian writer (``from markdown_checks import …``)."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from excerpta.markdown_safety import runs_code

PARSER = MarkdownIt("commonmark")
# As a renderer that keeps every link as written (markdown-it's own check would hide a
# javascript: link, Obsidian's may not): each link's destination, escapes and entities decoded.
LINKING_PARSER = MarkdownIt("commonmark")
LINKING_PARSER.validateLink = lambda url: True
LINKING_PARSER.normalizeLink = lambda url: url


def tokens(markdown: str) -> list[Token]:
    """Every block and inline token of ``markdown``."""
    found = []
    for token in PARSER.parse(markdown):
        found.append(token)
        found.extend(token.children or ())
    return found


def link_targets(markdown: str) -> list[str]:
    """The destination of every link and image of ``markdown`` (:data:`LINKING_PARSER`)."""
    found: list[str] = []

    def visit(tokens: list[Token]) -> None:
        for token in tokens:
            if token.type in ("link_open", "image"):
                found.append(str(token.attrs.get("href", token.attrs.get("src", ""))))
            visit(token.children or [])

    visit(LINKING_PARSER.parse(markdown))
    return found


def assert_runs_nothing(markdown: str) -> None:
    """No fence, HTML, horizontal rule or setext heading; no code Dataview runs (inline code
    and, by default, code blocks starting with "=" or "$="); no ``%%`` outside code (Obsidian
    reads comments from the source); no ``<%`` anywhere (Templater reads the whole file); no
    link or image to a URL that runs code (:func:`excerpta.markdown_safety.runs_code`)."""
    found = tokens(markdown)
    assert not {token.type for token in found} & {"fence", "html_block", "html_inline", "hr"}, markdown
    assert not [t for t in found if t.type == "heading_open" and t.markup in ("-", "=")], markdown
    code = [token.content for token in found if token.type in ("code_inline", "code_block")]
    assert not [c for c in code if c.strip().startswith(("=", "$="))], markdown
    assert markdown.count("%%") <= sum(c.count("%%") for c in code), markdown
    assert "<%" not in markdown
    runs = [url for url in link_targets(markdown) if runs_code(url)]  # the parser decoded them
    assert not runs, markdown
