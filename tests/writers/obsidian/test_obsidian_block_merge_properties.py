"""Property: whatever the user does inside the highlights region, a re-sync keeps every line
they wrote or changed, brings upstream edits to the blocks they left alone, and never puts
back a highlight they deleted or writes one twice."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excerpta.model import Category, Document, Highlight, LocationType

from .conftest import sync_once

COUNT = 6
# What the user does to each of our highlight blocks, and what upstream does to each highlight.
USER_ACTIONS = ("keep", "reword", "sub-bullet", "delete")
UPSTREAM_ACTIONS = ("keep", "edit", "delete")
# Lines a user may add between blocks: blank-line separated, as Markdown needs them to be.
USER_LINES = st.text(alphabet=st.characters(categories=["L", "N"], include_characters=" .,!?"),
                     min_size=1, max_size=30).map(lambda s: "My line " + s.strip())


def _book(texts: dict[int, str | None], extra: int = 0, chapters: list[str | None] | None = None) -> Document:
    """Highlights 1..COUNT with ``texts`` (None: deleted upstream), plus ``extra`` new ones, in
    ``chapters`` (one per highlight, new ones included) when given."""
    chapters = chapters or [None] * (COUNT + extra)
    highlights = [Highlight(id=f"h{n}", text=texts[n] or f"Text {n}.", location=n * 100,
                            location_type=LocationType.LOCATION, is_deleted=texts[n] is None,
                            chapter=chapters[n - 1])
                  for n in range(1, COUNT + 1)]
    highlights += [Highlight(id=f"h{n}", text=f"New {n}.", location=n * 100,
                             location_type=LocationType.LOCATION, chapter=chapters[n - 1])
                   for n in range(COUNT + 1, COUNT + 1 + extra)]
    return Document(id="d1", title="Walden", author="Thoreau", category=Category.BOOKS, highlights=highlights)


def _block(text: str, n: int) -> re.Match[str] | None:
    return re.search(rf"^- .*\^hl-h{n}$", text, flags=re.MULTILINE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=st.lists(st.sampled_from(USER_ACTIONS), min_size=COUNT, max_size=COUNT),
       upstream=st.lists(st.sampled_from(UPSTREAM_ACTIONS), min_size=COUNT, max_size=COUNT),
       inserted=st.lists(st.tuples(st.integers(0, COUNT), USER_LINES), max_size=3),
       extra=st.integers(0, 2),
       chapters=st.one_of(st.none(), st.lists(st.sampled_from([None, "One", "Two"]), min_size=COUNT + 2,
                                                max_size=COUNT + 2)))
def test_a_resync_keeps_what_the_user_wrote_and_updates_what_they_left(user, upstream, inserted, extra,
                                                                       chapters):
    with tempfile.TemporaryDirectory() as folder:
        vault, state = Path(folder) / "vault", Path(folder) / "state.sqlite"
        sync_once(vault, state, [_book({n: f"Text {n}." for n in range(1, COUNT + 1)}, chapters=chapters)])
        [path] = vault.rglob("*.md")
        text = path.read_text(encoding="utf-8")
        # The user's edits, block by block, then lines of their own after some blocks.
        mine: list[str] = []
        for n, action in enumerate(user, start=1):
            line = _block(text, n).group(0)
            if action == "reword":
                edited = line.replace(f"Text {n}.", f"My words for {n}.")
            elif action == "sub-bullet":
                edited = line + f"\n    - my thought on {n}"
            elif action == "delete":
                edited = None
            else:
                continue
            text = text.replace(line + "\n", "" if edited is None else edited + "\n")
            mine += [] if edited is None else edited.split("\n")
        for after, line in inserted:
            anchor = _block(text, after) if after else re.search(r"^## Highlights$", text, re.MULTILINE)
            if anchor is None:
                continue
            end = text.index("\n", anchor.end()) + 1
            while text.startswith("    - ", end):  # after the block's sub-bullets
                end = text.index("\n", end) + 1
            text = text[:end] + f"\n{line}\n\n" + text[end:]
            mine.append(line)
        path.write_text(text, encoding="utf-8")

        texts = {n: (None if action == "delete" else f"Upstream {n}." if action == "edit" else f"Text {n}.")
                 for n, action in enumerate(upstream, start=1)}
        sync_once(vault, state, [_book(texts, extra, chapters)])
        after = path.read_text(encoding="utf-8")

        for line in mine:  # every line the user wrote or changed, as they wrote it
            assert line in after.split("\n"), line
        for n, (did, up) in enumerate(zip(user, upstream, strict=True), start=1):
            count = len(re.findall(rf"\^hl-h{n}$", after, flags=re.MULTILINE))
            assert count <= 1, n
            if did == "delete":
                assert count == 0, n  # not put back
            elif did == "keep":
                # Left alone: it follows upstream (edited, or removed when deleted there).
                assert count == (0 if up == "delete" else 1), n
                if up == "edit":
                    assert f"- Upstream {n}." in after
        for n in range(COUNT + 1, COUNT + 1 + extra):
            assert len(re.findall(rf"^- New {n}\. .*\^hl-h{n}$", after, flags=re.MULTILINE)) == 1
