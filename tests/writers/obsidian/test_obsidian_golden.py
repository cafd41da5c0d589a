"""Golden tests: notes the official Readwise plugin wrote (in the shared corpus), read back with
``readwise-md`` and re-rendered by our writer, come out in the same layout, line for line.

Differences between the plugin's note and ours, all deliberate, removed before comparing:

1. Front matter: ours always has properties (``excerpta-id`` first, which finds the note after
   a rename; then title, author, category, url, tags). The plugin's default has none; the
   jimbrig vault's front matter comes from that user's own custom template.
2. Region markers: ``%% excerpta:begin/end … %%`` comment lines (hidden in Obsidian's reading
   view) around the header and the highlights: they are what lets a re-sync update our part
   and keep the user's text.
3. Block ids: each highlight ends with `` ^hl-<highlight id>`` so it can be linked to and keeps
   its id across re-syncs (the plugin writes none).
4. ``## New highlights added <date> at <time>`` headings: the plugin appends a dated section per
   sync; we keep every highlight in the one ``## Highlights`` section, in the document's order
   (a sync date would also make the same library render to different bytes each run).
5. The jimbrig vault's ``- Category: #Type/Highlight/Article`` line comes from that user's custom
   template; our default template writes ``#articles`` as the plugin's default does.
6. Tag lists (``- Document Tags: [[a]] [[b]]``, ``    - Tags: …``) end without the space the
   plugin's template writes after every tag (``[[{{tag}}]] ``): a linter trimming it made
   every sync rewrite the note. An author or tag holding a character that breaks a link
   (``# | ^ : [[ ]]``) is linked to a portable name with the value shown after ``|``, where the
   plugin writes a broken link (none of these notes has either).

Everything else (title line, cover line, ``## Metadata`` bullets, author wikilinks, the
highlight bullets with their location links, ``Location`` with its no-break space, two-space
continuation lines, ``Note:`` sub-bullets, file names and category folders) is identical.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from excerpta.adapters import ReadState
from excerpta.output import OutputSink
from excerpta.readers.readwise_md import ReadwiseMarkdownReader
from excerpta.writers.obsidian import ObsidianWriter

from paths import CORPUS

OFFICIAL = CORPUS / "readwise" / "obsidian-official"
PLUGIN_NOTES = sorted(p for p in OFFICIAL.rglob("*.md") if p.name != "Readwise Syncs.md")
CUSTOM_CATEGORY = {"#Type/Highlight/Article": "#articles", "#Type/Highlight/Tweet": "#tweets"}


def _without_front_matter(text: str) -> str:
    return text[text.index("\n---\n", 4) + 5:] if text.startswith("---\n") else text


def _ours_normalised(text: str) -> str:
    text = _without_front_matter(text)
    text = re.sub(r"^%% excerpta:(?:begin|end) .*%%\n", "", text, flags=re.MULTILINE)
    text = re.sub(r" \^hl-[A-Za-z0-9-]+$", "", text, flags=re.MULTILINE)
    return text.rstrip("\n") + "\n"


def _plugin_normalised(text: str) -> str:
    text = _without_front_matter(text)
    text = re.sub(r"^## New highlights added .*\n", "", text, flags=re.MULTILINE)
    for custom, default in CUSTOM_CATEGORY.items():
        text = text.replace(f"- Category: {custom}\n", f"- Category: {default}\n")
    return text.rstrip("\n") + "\n"


def _render(note: Path, out: Path) -> Path:
    documents = list(ReadwiseMarkdownReader().read(str(note), ReadState()))
    assert len(documents) == 1
    with OutputSink(out, "golden", "obsidian") as sink:
        ObsidianWriter().write(documents, sink)
    (written,) = out.rglob("*.md")
    return written


def test_the_corpus_has_the_plugin_notes_this_test_is_about():
    assert len(PLUGIN_NOTES) == 10


@pytest.mark.parametrize("note", PLUGIN_NOTES, ids=lambda p: p.name)
def test_rerendered_plugin_note_has_the_same_sections_bullets_and_links(note, tmp_path):
    written = _render(note, tmp_path)
    assert _ours_normalised(written.read_text(encoding="utf-8")) == \
        _plugin_normalised(note.read_text(encoding="utf-8"))


@pytest.mark.parametrize("note", PLUGIN_NOTES, ids=lambda p: p.name)
def test_rerendered_plugin_note_lands_in_the_same_folder_under_the_same_name(note, tmp_path):
    written = _render(note, tmp_path)
    # The corpus keeps two versions of one note apart with a ".v1-…@commit" suffix.
    plugin_name = re.sub(r"\.v\d-[\w-]+@[0-9a-f]+\.md$", ".md", note.name)
    assert written.relative_to(tmp_path).as_posix() == f"{note.parent.name}/{plugin_name}"


def test_every_highlight_of_a_plugin_note_gets_a_block_id(tmp_path):
    note = OFFICIAL / "lucasheriques-brain" / "Readwise" / "Books" / \
        "Understanding Distributed Systems.v2-after-resync@709e2d2.md"
    text = _render(note, tmp_path).read_text(encoding="utf-8")
    bullets = [line for line in text.splitlines()
               if line.startswith("- ") and "([Location\u00a0" in line]
    assert len(bullets) == 77
    assert all(re.search(r" \^hl-h[0-9a-f]{20}$", line) for line in bullets)
