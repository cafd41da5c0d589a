"""Property: with a template that writes each highlight as a quote of several lines and a
second paragraph (no list items), a hand-edited note keeps every line the user wrote and still
brings upstream edits and deletions to the highlights they left alone; a new highlight goes in
location order, and never between a line the user wrote and the block it runs into."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.model import Category, Document, Highlight, LocationType

from .conftest import sync_once, template_folder

COUNT = 5
TEMPLATE = "> {{ highlight_text }}\n> — {{ highlight_location }}\n\nNote: {{ highlight_note or 'none' }}\n"
USER_LINES = st.sampled_from(["My line.", "> My own quote.", "Another thought of mine", "*mine*"])
# Where the user writes a line: right above a highlight's first line, or after its last, with
# or without a blank line between.
PLACES = st.tuples(st.integers(1, COUNT), st.sampled_from(["above", "below"]), st.booleans(), USER_LINES)


def _book(texts: dict[int, str | None], added: Sequence[int] = ()) -> Document:
    """Highlights 1..COUNT with ``texts`` (None: deleted upstream), then one added after
    highlight ``n`` (0: before the first) for each of ``added``, listed last as a state lists it."""
    return Document(id="d1", title="Walden", author="Thoreau", category=Category.BOOKS, highlights=[
        Highlight(id=f"h{n}", text=texts[n] or f"Text {n}.", note=f"note {n}", location=n * 100,
                  location_type=LocationType.LOCATION, is_deleted=texts[n] is None)
        for n in range(1, COUNT + 1)] + [
        Highlight(id=f"n{n}", text=f"New {n}.", location=n * 100 + 50, location_type=LocationType.LOCATION)
        for n in added])


def _span(lines: list[str], n: int) -> tuple[int, int]:
    """The first and last line of highlight ``n``'s block as written by the template."""
    last = next(i for i, line in enumerate(lines) if line.endswith(f"^hl-h{n}"))
    return last - 1, last + 2  # "> text", "> — location ^id", "", "Note: …"


@settings(max_examples=150, deadline=None)
@given(places=st.lists(PLACES, max_size=4, unique_by=lambda p: (p[0], p[1])),
       upstream=st.lists(st.sampled_from(["keep", "edit", "delete"]), min_size=COUNT, max_size=COUNT),
       added=st.lists(st.integers(0, COUNT), max_size=3, unique=True))
def test_a_quote_template_merge_keeps_the_users_lines_and_follows_upstream(places, upstream, added):
    with tempfile.TemporaryDirectory() as folder:
        vault, state = Path(folder) / "vault", Path(folder) / "state.sqlite"
        templates = template_folder(Path(folder), {"highlight.md.jinja": TEMPLATE})
        sync_once(vault, state, [_book({n: f"Text {n}." for n in range(1, COUNT + 1)})], templates=templates)
        [path] = vault.rglob("*.md")
        lines = path.read_text(encoding="utf-8").split("\n")
        mine: list[str] = []
        for n, where, blank, line in sorted(places, key=lambda p: (-p[0], p[1] == "above")):
            first, last = _span(lines, n)
            new = [line, ""] if blank else [line]
            if where == "above":
                lines[first:first] = new
            else:
                lines[last + 1:last + 1] = ([""] if blank else []) + [line]
            mine.append(line)
        path.write_text("\n".join(lines), encoding="utf-8")
        # A line below a block with a blank line after it is that block's; one running into the
        # next block (this template writes none between blocks) is the next block's.
        ends_paragraph = {n: not lines[lines.index(f"Note: note {n}") + 2].strip()
                          for n in range(1, COUNT + 1)}

        texts = {n: None if up == "delete" else f"Upstream {n}." if up == "edit" else f"Text {n}."
                 for n, up in enumerate(upstream, start=1)}
        sync_once(vault, state, [_book(texts, added)], templates=templates)
        after = path.read_text(encoding="utf-8")
        for line in mine:
            assert after.split("\n").count(line) == mine.count(line), line
        lines = after.split("\n")
        for n, where, blank, line in places:  # a line written with no blank line stays by its block
            if not blank and where == "above" and upstream[n - 1] == "keep":
                assert lines[lines.index(f"> Text {n}.") - 1] == line, (n, after)
            elif not blank and where == "below" and upstream[n - 1] != "delete" and ends_paragraph[n]:
                assert lines[lines.index(f"Note: note {n}") + 1] == line, (n, after)
        located = [int(at) for at in re.findall(r"^> — Location\xa0(\d+) \^hl-", after, flags=re.MULTILINE)]
        assert located == sorted(located), after
        assert len(located) == upstream.count("keep") + upstream.count("edit") + len(added)
        for n, up in enumerate(upstream, start=1):
            count = after.count(f"^hl-h{n}\n")
            assert count == (0 if up == "delete" else 1), (n, after)
            if up == "edit":
                assert f"> Upstream {n}.\n" in after, n
        again = sync_once(vault, state, [_book(texts, added)], templates=templates)
        assert [o.action for o in again.outcomes if o.action in ("create", "update")] == []
