"""Where a new highlight goes in a note whose highlights the user edited by hand: after the
block of the highlight before it in reading order, as a fresh render would have it, without
breaking the location order of the blocks already there, under (or above) its chapter's
heading, and never inside a block the user edited."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.ordering import cfi_key

from .conftest import SyncRunner, sync_once, template_folder

LOCATION, PAGE = LocationType.LOCATION, LocationType.PAGE
CALLOUT = "> [!quote]\n> {{ highlight_text }}\n> — {{ highlight_location }}\n\n"


def _at(ident: str, location: int | None = None, kind: LocationType | None = LOCATION,
        chapter: str | None = None) -> Highlight:
    return Highlight(id=ident, text=f"Text {ident}.", location=location,
                     location_type=kind if location is not None else None, chapter=chapter)


def _book(highlights: list[Highlight]) -> Document:
    return Document(id="d1", title="Walden", author="Thoreau", category=Category.BOOKS, highlights=highlights)


def _resync(vault: Path, sync: SyncRunner, before: list[Highlight], after: list[Highlight],
            edit: tuple[str, str] = ("Text ", "My text "), **options: object) -> str:
    """The highlights region after a sync of ``before``, the user's ``edit`` (the first
    occurrence replaced) and a sync of ``after``."""
    sync([_book(before)], **options)
    [path] = vault.rglob("*.md")
    path.write_text(path.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    sync([_book(after)], **options)
    return path.read_text(encoding="utf-8").split("## Highlights\n")[1].split("%% excerpta:end")[0]


def _order(region: str) -> list[str]:
    """The chapter headings and block ids of ``region``, in order (a chapter's end: ``###``)."""
    found = re.findall(r"^###(?: (.*))?$|\^hl-(\w+)$", region, flags=re.MULTILINE)
    return [ident or heading or "###" for heading, ident in found]


def test_a_new_highlight_keeps_location_order_past_a_highlight_without_location(vault, sync):
    old = [_at("L100", 100), _at("none"), _at("L300", 300)]
    # Listed after the others (a state database lists a later highlight so): in reading order
    # L50 comes first, then the unlocated one holds its place, then L60.
    region = _resync(vault, sync, old, [*old, _at("L50", 50), _at("L60", 60)])
    assert _order(region) == ["L50", "L60", "L100", "none", "L300"]


def test_a_new_highlight_keeps_location_order_among_pages_and_locations(vault, sync):
    old = [_at("L100", 100), _at("P5", 5, PAGE), _at("L300", 300), _at("P9", 9, PAGE)]
    region = _resync(vault, sync, old, [*old, _at("L50", 50), _at("L60", 60), _at("P7", 7, PAGE)])
    order = _order(region)
    assert [i for i in order if i.startswith("L")] == ["L50", "L60", "L100", "L300"]
    assert [i for i in order if i.startswith("P")] == ["P5", "P7", "P9"]
    assert order == ["L50", "L60", "L100", "P5", "P7", "L300", "P9"]


def test_a_new_highlight_at_an_epub_position_keeps_its_order_in_an_edited_note(vault, sync):
    # Apple Books keeps an EPUB CFI, no number: a highlight added later went to the note's end.
    def at(ident: str, path: str) -> Highlight:
        return Highlight(id=ident, text=f"Text {ident}.", location=f"epubcfi({path})", chapter="Chapter 1")

    old = [at("c10", "/6/8!/4/2/10,:0,:9"), at("c30", "/6/8!/4/2/30,:0,:9")]
    region = _resync(vault, sync, old, [*old, at("c20", "/6/8!/4/2/20,:0,:9"), at("c5", "/6/8!/4/2/5,:0,:9")])
    assert _order(region) == ["Chapter 1", "c5", "c10", "c20", "c30"]


def test_where_location_order_allows_it_a_new_highlight_goes_where_a_fresh_render_puts_it(vault, sync):
    old = [_at("L100", 100), _at("P5", 5, PAGE), _at("none"), _at("L300", 300)]
    new = [*old, _at("L200", 200), _at("P6", 6, PAGE)]
    region = _resync(vault, sync, old, new)
    # Each kind sorted among the places it holds: L100, P5, none, L200, L300, P6.
    assert _order(region) == ["L100", "P5", "none", "L200", "L300", "P6"]


def test_a_new_first_chapter_goes_above_the_old_first_chapters_heading(vault, sync):
    old = [_at("a", 100, chapter="One"), _at("b", 200, chapter="Two")]
    region = _resync(vault, sync, old, [*old, _at("z", 50, chapter="Zero")])
    assert _order(region) == ["Zero", "z", "One", "a", "Two", "b"]
    # Laid out as a fresh render lays it out.
    assert region.startswith("\n### Zero\n\n- Text z. (Location\u00a050) ^hl-z\n\n### One\n\n- My text a.")


def test_a_new_first_highlight_without_a_chapter_goes_above_the_first_chapters_heading(vault, sync):
    old = [_at("a", 100, chapter="One"), _at("b", 200, chapter="Two")]
    region = _resync(vault, sync, old, [*old, _at("z", 50)])
    assert _order(region) == ["z", "One", "a", "Two", "b"]
    assert "^hl-z\n\n### One\n" in region


def test_a_new_highlight_of_no_chapter_after_a_chapters_goes_below_the_end_of_that_chapter(vault, sync):
    old = [_at("a", 100, chapter="One"), _at("c", 300)]
    region = _resync(vault, sync, old, [*old, _at("b", 200), _at("d", 400, chapter="Two"), _at("e", 500)])
    assert _order(region) == ["One", "a", "###", "b", "c", "Two", "d", "###", "e"]
    assert "^hl-d\n\n###\n\n- Text e." in region  # laid out as a fresh render lays it out


def test_a_new_highlight_opens_the_section_after_its_neighbour_of_several_with_one_heading(vault, sync):
    old = [_at("a", 100, chapter="One"), _at("b", 200), _at("c", 300, chapter="Two"), _at("e", 500)]
    region = _resync(vault, sync, old, [*old, _at("d", 400)])
    assert _order(region) == ["One", "a", "###", "b", "Two", "c", "###", "d", "e"]


def test_a_new_first_highlight_of_the_first_chapter_still_goes_under_its_heading(vault, sync):
    old = [_at("a", 100, chapter="One"), _at("b", 200, chapter="Two")]
    region = _resync(vault, sync, old, [*old, _at("z", 50, chapter="One")])
    assert _order(region) == ["One", "z", "a", "Two", "b"]


def test_a_new_highlight_is_never_put_inside_a_callout_the_user_edited(tmp_path, vault, sync):
    templates = template_folder(tmp_path, {"highlight.md.jinja": CALLOUT})
    old = [_at("a", 100), _at("b", 200), _at("c", 300)]
    # The user rewords a's callout (so it is theirs now) and adds a line to b's callout.
    sync([_book(old)], templates=templates)
    [path] = vault.rglob("*.md")
    text = path.read_text(encoding="utf-8").replace("> Text a.", "> Text a, my words.")
    text = text.replace("200 ^hl-b\n", "200 ^hl-b\n> my line in b\n")
    path.write_text(text, encoding="utf-8")
    sync([_book([*old, _at("n50", 50), _at("n150", 150), _at("n250", 250)])], templates=templates)
    after = path.read_text(encoding="utf-8")
    assert "> [!quote]\n> Text a, my words.\n> — Location\u00a0100 ^hl-a\n\n" in after
    assert "> [!quote]\n> Text b.\n> — Location\u00a0200 ^hl-b\n> my line in b\n\n" in after
    assert _order(after) == ["n50", "a", "n150", "b", "n250", "c"]


KINDS = {"L": LOCATION, "P": PAGE, "-": None, "E": None}  # E: an EPUB position (Apple Books' CFI)
PLACED = st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(1, 9)), max_size=5)


@settings(max_examples=40, deadline=None)
@given(old=PLACED.filter(bool), added=PLACED.filter(bool), edited=st.integers(0, 4))
@example(old=[("L", 2), ("-", 1)], added=[("L", 1), ("L", 1)], edited=0)  # found by it, before the fix
@example(old=[("L", 5), ("P", 3), ("L", 8)], added=[("L", 2), ("P", 1), ("L", 3)], edited=1)
@example(old=[("E", 2), ("-", 1)], added=[("E", 1), ("E", 1)], edited=0)
def test_new_highlights_keep_each_kind_of_location_in_order(old, added, edited):
    def highlights(prefix: str, places: list[tuple[str, int]]) -> list[Highlight]:
        return [Highlight(id=f"{prefix}{n}", text=f"Text {prefix}{n}.", location=f"epubcfi(/6/{2 * at}!/4/2)")
                if kind == "E" else _at(f"{prefix}{n}", at if KINDS[kind] else None, KINDS[kind])
                for n, (kind, at) in enumerate(places)]

    with tempfile.TemporaryDirectory() as folder:
        vault, state = Path(folder) / "vault", Path(folder) / "state.sqlite"
        before = highlights("o", old)
        sync_once(vault, state, [_book(before)])
        [path] = vault.rglob("*.md")
        mine = f"- Mine o{edited % len(old)}."
        path.write_text(path.read_text(encoding="utf-8").replace(f"- Text o{edited % len(old)}.", mine),
                        encoding="utf-8")
        after = highlights("a", added)
        sync_once(vault, state, [_book(before + after)])
        text = path.read_text(encoding="utf-8")
    assert mine in text
    where = {h.id: (h.location_type, h.location) for h in before + after}
    order = _order(text)
    assert sorted(order) == sorted(where)  # each once
    for kind in (LOCATION, PAGE):
        located = [where[ident][1] for ident in order if where[ident][0] is kind]
        assert located == sorted(located), (kind, order)
    epub = [cfi_key(where[ident][1]) for ident in order if cfi_key(where[ident][1]) is not None]
    assert epub == sorted(epub), order
