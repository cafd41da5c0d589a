"""Re-syncing a vault never destroys what the user wrote (the heart of the obsidian writer)."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from excerpta.model import Highlight, LocationType
from excerpta.output import OutputSink
from excerpta.writers.obsidian import ObsidianWriter
from excerpta.writers.obsidian.region import region_digest

from .conftest import template_folder

KINDLE = "https://readwise.io/to_kindle?action=open&asin=B0082RJSSQ&location="
NOTE = "Books/Walden.md"


def _read(vault, relative=NOTE) -> str:
    return (vault / relative).read_text(encoding="utf-8")


def _written(sink) -> list[str]:
    return [o.path.name for o in sink.outcomes if o.action in ("create", "update")]


def _hashless(text: str) -> str:
    return re.sub(r"(%% excerpta:end \w+) [0-9a-f]{16} %%", r"\1 HASH %%", text)


def test_first_sync_writes_the_readwise_layout_with_regions_and_block_ids(vault, sync, books):
    sync([books(2)])
    assert _hashless(_read(vault)) == (
        "---\n"
        "excerpta-id: readwise-1001\n"
        "title: Walden\n"
        "author:\n"
        "  - '[[Henry David Thoreau]]'\n"
        "category: books\n"
        "tags:\n"
        "  - philosophy\n"
        "---\n"
        "%% excerpta:begin header %%\n"
        "# Walden\n"
        "\n"
        "![rw-book-cover](https://images.example/walden.jpg)\n"
        "\n"
        "## Metadata\n"
        "- Author: [[Henry David Thoreau]]\n"
        "- Full Title: Walden\n"
        "- Category: #books\n"
        "- Document Tags: [[philosophy]]\n"
        "\n"
        "%% excerpta:end header HASH %%\n"
        "%% excerpta:begin highlights %%\n"
        "## Highlights\n"
        f"- Highlight number 1. ([Location\u00a0100]({KINDLE}100)) ^hl-readwise-1\n"
        f"- Highlight number 2. ([Location\u00a0200]({KINDLE}200)) ^hl-readwise-2\n"
        "\n"
        "%% excerpta:end highlights HASH %%\n"
    )


def test_region_end_marker_records_the_sha256_of_the_region_body(vault, sync, books):
    sync([books(2)])
    text = _read(vault)
    body = text.split("%% excerpta:begin header %%\n")[1].split("%% excerpta:end")[0]
    # The closing blank line is left out of the hash (and trailing spaces: see the next test).
    assert body.endswith("- Document Tags: [[philosophy]]\n\n")
    canonical = body.removesuffix("\n\n")
    recorded = re.search(r"%% excerpta:end header ([0-9a-f]{16}) %%", text).group(1)
    assert recorded == hashlib.sha256(canonical.encode()).hexdigest()[:16]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\n", "\r", "\xa0", "\u2028", "\x85",
                                         "\u3000", "\x0b", "\x1c"]), max_size=30))
def test_the_region_digest_is_sha256_of_the_trimmed_lines_whatever_the_text(body):
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    expected = hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()[:16]
    assert region_digest(body) == expected


def test_a_linter_trimming_trailing_spaces_does_not_make_a_region_hand_edited(vault, sync, books):
    book = books(2)
    sync([book])
    (vault / NOTE).write_text(_read(vault).replace("[[philosophy]] \n", "[[philosophy]]\n"))
    sink = sync([book.model_copy(update={"title": "Walden, retitled"})])
    assert sink.outcomes[0].reason is None
    assert "# Walden, retitled\n" in _read(vault)


def test_unchanged_rerun_writes_nothing_and_keeps_mtimes(vault, sync, books, articles):
    sync([books(3), articles()])
    os.utime(vault / NOTE, (1_000_000, 1_000_000))
    second = sync([books(3), articles()])
    assert _written(second) == []
    assert (vault / NOTE).stat().st_mtime == 1_000_000


@pytest.mark.parametrize(("options", "notes"), [({}, 2), ({"atomic": True}, 2 + 5)])
def test_same_library_renders_byte_identical_vaults(tmp_path, books, articles, options, notes):
    outputs = []
    for name in ("one", "two"):
        with OutputSink(tmp_path / name, "test", "obsidian") as sink:
            ObsidianWriter.from_options(options).write([books(3), articles()], sink)
        outputs.append({p.relative_to(tmp_path / name): p.read_bytes()
                        for p in sorted((tmp_path / name).rglob("*.md"))})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == notes


def test_user_text_above_between_and_below_survives_three_resyncs(vault, sync, books):
    book = books(3)
    sync([book])
    text = _read(vault)
    above = "My summary of Walden, written above everything.\n\n"
    between = "\n> [!quote] A callout I put between the sections\n\n"
    below = "\n## My thoughts\n\n- simplicity is a discipline\n- see [[Thoreau]]\n"
    front, rest = text.split("%% excerpta:begin header %%\n", 1)
    header, highlights = rest.split("%% excerpta:begin highlights %%\n", 1)
    (vault / NOTE).write_text(front + above + "%% excerpta:begin header %%\n" + header + between
                              + "%% excerpta:begin highlights %%\n" + highlights + below)

    # Upstream 1: highlight 2 edited, highlight 4 added.
    hl = list(book.highlights)
    hl[1] = hl[1].model_copy(update={"text": "Highlight number 2, edited."})
    hl.append(Highlight(id="readwise-4", text="Highlight number 4.", location=400,
                        location_type=LocationType.LOCATION))
    sync([book.model_copy(update={"highlights": hl})])
    # Upstream 2: highlight 1 deleted, a note on highlight 3.
    hl[0] = hl[0].model_copy(update={"is_deleted": True})
    hl[2] = hl[2].model_copy(update={"note": "Added later."})
    sync([book.model_copy(update={"highlights": hl})])
    # Upstream 3: title of the document changed, highlight 5 added.
    hl.append(Highlight(id="readwise-5", text="Highlight number 5.", location=500,
                        location_type=LocationType.LOCATION))
    sync([book.model_copy(update={"highlights": hl, "title": "Walden; or, Life in the Woods"})])

    final = _read(vault)
    assert above in final
    assert between in final
    assert final.endswith(below)
    assert final.index(above) < final.index("# Walden; or, Life in the Woods") < final.index(between)
    assert final.index(between) < final.index("## Highlights") < final.index(below)
    assert "Highlight number 1." not in final
    assert "- Highlight number 2, edited. (" in final
    assert f"- Highlight number 3. ([Location\u00a0300]({KINDLE}300)) ^hl-readwise-3\n" \
           "    - Note: Added later.\n" in final
    assert final.count("^hl-readwise-4") == 1
    assert final.count("^hl-readwise-5") == 1
    assert final.index("^hl-readwise-2") < final.index("^hl-readwise-3") < final.index("^hl-readwise-5")


def test_renamed_and_moved_note_is_found_by_its_id_and_updated_in_place(vault, sync, books):
    book = books(2)
    sync([book])
    (vault / "Reading" / "Done").mkdir(parents=True)
    moved = vault / "Reading" / "Done" / "Thoreau - Walden.md"
    (vault / NOTE).rename(moved)
    moved.write_text(moved.read_text() + "\nMoved and renamed by me.\n")

    added = Highlight(id="readwise-3", text="A third one.", location=300,
                      location_type=LocationType.LOCATION)
    sink = sync([book.model_copy(update={"highlights": [*book.highlights, added]})])

    assert not (vault / NOTE).exists()
    assert sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md")) == [
        "Reading/Done/Thoreau - Walden.md"]
    text = moved.read_text()
    assert "^hl-readwise-3" in text
    assert text.endswith("\nMoved and renamed by me.\n")
    assert "found again by its excerpta-id (was Books/Walden.md)" in sink.outcomes[0].reason
    # And the next run knows the new place: nothing to do.
    assert _written(sync([book.model_copy(update={"highlights": [*book.highlights, added]})])) == []


def test_hand_rewritten_region_is_not_overwritten_and_new_highlights_are_appended(vault, sync, books):
    book = books(2)
    sync([book])
    text = _read(vault)
    rewritten = text.replace("- Highlight number 1.", "- My own words for the first highlight.")
    (vault / NOTE).write_text(rewritten)

    changed = [book.highlights[0].model_copy(update={"text": "Upstream edit."}), book.highlights[1],
               Highlight(id="readwise-3", text="Brand new.", location=300,
                         location_type=LocationType.LOCATION)]
    sink = sync([book.model_copy(update={"highlights": changed})])

    after = _read(vault)
    assert "- My own words for the first highlight." in after
    assert "Upstream edit." not in after
    assert after.count("^hl-readwise-3") == 1
    assert after.replace(f"- Brand new. ([Location\u00a0300]({KINDLE}300)) ^hl-readwise-3\n", "") == rewritten
    assert sink.outcomes[0].reason == ("highlights edited by hand: 0 updated, 0 removed, 1 added; 1 you "
                                       "changed kept as you wrote them, not as changed upstream")
    # Still recognised as hand-edited next time: the user's words are never clobbered.
    later = [*changed, Highlight(id="readwise-4", text="Another.", location=400,
                                 location_type=LocationType.LOCATION)]
    sync([book.model_copy(update={"highlights": later})])
    assert "- My own words for the first highlight." in _read(vault)


def _bullet(n: int, text: str) -> str:
    return f"- {text} ([Location\u00a0{n}00]({KINDLE}{n}00)) ^hl-readwise-{n}"


def test_in_a_hand_edited_region_the_blocks_still_as_written_follow_upstream(vault, sync, books):
    book = books(5)
    sync([book])
    text = _read(vault)
    user = (text.replace(_bullet(1, "Highlight number 1.") + "\n",
                         _bullet(1, "Highlight number 1.") + "\n\nMy aside between highlights.\n\n")
            .replace("- Highlight number 2.", "- Highlight number 2, in my own words.")
            .replace(_bullet(3, "Highlight number 3.") + "\n",
                     _bullet(3, "Highlight number 3.") + "\n    - my thought on three\n")
            .replace(_bullet(4, "Highlight number 4.") + "\n", ""))
    (vault / NOTE).write_text(user)
    upstream = [h.model_copy(update={"text": f"Edited {h.location}."}) for h in book.highlights[:3]]
    upstream += [book.highlights[3], book.highlights[4].model_copy(update={"is_deleted": True}),
                 Highlight(id="readwise-6", text="Highlight number 6.", location=600,
                           location_type=LocationType.LOCATION)]
    sink = sync([book.model_copy(update={"highlights": upstream})])
    after = _read(vault)
    region = after.split("%% excerpta:begin highlights %%\n")[1].split("%% excerpta:end")[0]
    assert region == (
        "## Highlights\n"
        + _bullet(1, "Edited 100.") + "\n"  # as we wrote it: updated
        "\nMy aside between highlights.\n\n"  # the user's line, kept
        + _bullet(2, "Highlight number 2, in my own words.") + "\n"  # the user's words, kept
        + _bullet(3, "Highlight number 3.") + "\n    - my thought on three\n"  # the user's sub-bullet
        # 4: deleted by the user, not put back; 5: deleted upstream, removed
        + _bullet(6, "Highlight number 6.") + "\n\n")  # new, appended
    assert sink.outcomes[0].reason == ("highlights edited by hand: 1 updated, 1 removed, 1 added; 2 you "
                                       "changed kept as you wrote them, not as changed upstream")
    assert after.split("%% excerpta:begin highlights")[0] == user.split("%% excerpta:begin highlights")[0]
    # Next syncs: what we appended follows upstream too; the user's blocks never do.
    upstream[0] = upstream[0].model_copy(update={"text": "Edited again."})
    upstream[5] = upstream[5].model_copy(update={"text": "Six, edited."})
    upstream[1] = upstream[1].model_copy(update={"text": "Upstream tries again."})
    sync([book.model_copy(update={"highlights": upstream})])
    after = _read(vault)
    assert _bullet(1, "Edited again.") in after
    assert _bullet(6, "Six, edited.") in after
    assert "Upstream tries again." not in after
    assert "in my own words" in after
    assert "- my thought on three" in after
    assert "^hl-readwise-4" not in after
    assert _written(sync([book.model_copy(update={"highlights": upstream})])) == []


def test_without_a_memory_of_its_blocks_a_hand_edited_region_only_gets_new_highlights(
        vault, sync_forgetting, books):
    # A note whose state was lost (or written by an older excerpta): no block can be told
    # pristine, so none is touched.
    book = books(2)
    sync_forgetting([book])
    user = _read(vault).replace("- Highlight number 2.", "- Number two, mine.")
    (vault / NOTE).write_text(user)
    upstream = [book.highlights[0].model_copy(update={"text": "Edited."}), book.highlights[1],
                Highlight(id="readwise-3", text="Three.", location=300, location_type=LocationType.LOCATION)]
    sink = sync_forgetting([book.model_copy(update={"highlights": upstream})])
    after = _read(vault)
    assert after == user.replace(_bullet(2, "Number two, mine.") + "\n",
                                 _bullet(2, "Number two, mine.") + "\n" + _bullet(3, "Three.") + "\n")
    assert "1 new highlight(s) added, nothing else changed" in sink.outcomes[0].reason


def test_new_highlights_go_after_the_highlight_before_them_not_at_the_end(vault, sync, books):
    book = books(3)
    sync([book])
    (vault / NOTE).write_text(_read(vault).replace("- Highlight number 3.", "- Number three, mine."))

    def at(location: int, name: str) -> Highlight:
        return Highlight(id=f"readwise-{name}", text=f"At {location}.", location=location,
                         location_type=LocationType.LOCATION)

    first, second, third = book.highlights
    ordered = [at(50, "a"), first, second, at(250, "b"), third, at(900, "c")]
    sync([book.model_copy(update={"highlights": ordered})])
    region = _read(vault).split("## Highlights\n")[1].split("%% excerpta:end")[0]
    assert [re.search(r"\^hl-readwise-(\w+)$", line).group(1) for line in region.splitlines() if line] == [
        "a", "1", "2", "b", "3", "c"]


def test_append_only_adds_in_reading_order_too(vault, sync, books):
    book = books(2)
    sync([book], sync_policy="append-only")
    between = Highlight(id="readwise-x", text="Between.", location=150, location_type=LocationType.LOCATION)
    sync([book.model_copy(update={"highlights": [book.highlights[0], between, book.highlights[1]]})],
         sync_policy="append-only")
    ids = re.findall(r"\^hl-readwise-(\w+)$", _read(vault), flags=re.MULTILINE)
    assert ids == ["1", "x", "2"]


def test_a_note_the_user_deleted_is_not_recreated_unless_asked(vault, sync, books):
    book = books(2)
    sync([book])
    (vault / NOTE).unlink()
    sink = sync([book.model_copy(update={"title": "Walden (edited)"})])
    assert not (vault / NOTE).exists()
    assert [(o.action, o.reason) for o in sink.outcomes] == [
        ("skip", "not found in the output folder (deleted, or moved out of it); not re-created "
                 "(--recreate-deleted)")]
    sync([book.model_copy(update={"title": "Walden (edited)"})], recreate_deleted=True)
    assert "# Walden (edited)" in _read(vault)


def test_deleted_highlights_are_removed_or_struck_through_by_option(vault, sync, books):
    book = books(2)
    sync([book], deleted_highlights="strike")
    gone = [book.highlights[0].model_copy(update={"is_deleted": True}), book.highlights[1]]
    sync([book.model_copy(update={"highlights": gone})], deleted_highlights="strike")
    assert f"- ~~Highlight number 1.~~ ([Location\u00a0100]({KINDLE}100)) ^hl-readwise-1\n" in _read(vault)
    sync([book.model_copy(update={"highlights": gone})])
    assert "Highlight number 1." not in _read(vault)
    assert "^hl-readwise-2" in _read(vault)


def test_a_highlight_deleted_before_it_was_ever_written_is_not_struck(vault, sync, books):
    book = books(2)
    gone = [book.highlights[0].model_copy(update={"is_deleted": True}), book.highlights[1]]
    sync([book.model_copy(update={"highlights": gone})], deleted_highlights="strike")
    assert "Highlight number 1." not in _read(vault)


def test_append_only_policy_adds_new_highlights_and_changes_nothing_else(vault, sync, books):
    book = books(2)
    sync([book], sync_policy="append-only")
    before = _read(vault)
    changed = [book.highlights[0].model_copy(update={"text": "Edited upstream."}),
               Highlight(id="readwise-3", text="New.", location=300, location_type=LocationType.LOCATION)]
    sync([book.model_copy(update={"highlights": changed, "title": "Renamed"})],
         sync_policy="append-only")
    after = _read(vault)
    assert "Edited upstream." not in after
    assert "# Walden\n" in after
    assert "Highlight number 2." in after  # absent upstream now, but append-only never removes
    assert _hashless(after).replace(f"- New. ([Location\u00a0300]({KINDLE}300)) ^hl-readwise-3\n", "") \
        .replace("title: Renamed", "title: Walden") == _hashless(before)


def test_overwrite_policy_rewrites_hand_edited_regions_but_keeps_text_outside(vault, sync, books):
    book = books(2)
    sync([book])
    text = _read(vault).replace("- Highlight number 1.", "- Mine.") + "\nKept below.\n"
    (vault / NOTE).write_text(text)
    sync([book], sync_policy="overwrite")
    after = _read(vault)
    assert "- Mine." not in after
    assert "- Highlight number 1." in after
    assert after.endswith("\nKept below.\n")


def test_user_properties_are_kept_and_ours_updated(vault, sync, books):
    book = books(2)
    sync([book])
    text = _read(vault).replace("category: books\n", "category: books\nstatus: reading\nrating: 5\n")
    (vault / NOTE).write_text(text)
    sync([book.model_copy(update={"title": "Walden, updated"})])
    front = yaml.safe_load(_read(vault).split("---\n")[1])
    assert front["status"] == "reading"
    assert front["rating"] == 5
    assert front["title"] == "Walden, updated"
    assert front["excerpta-id"] == "readwise-1001"


def _front(vault) -> dict:
    return yaml.safe_load(_read(vault).split("---\n")[1])


def test_tags_the_user_adds_survive_and_tags_removed_upstream_go(vault, sync, books):
    book = books(2, tags=["philosophy", "nature"])
    sync([book])
    text = _read(vault).replace("  - nature\n", "  - nature\n  - to-reread\n")
    text = text.replace("author:\n  - '[[Henry David Thoreau]]'\n",
                        "author:\n  - '[[Henry David Thoreau]]'\n  - '[[My Translator]]'\n")
    (vault / NOTE).write_text(text)
    # Three re-syncs: a new highlight, then a document tag renamed, then all tags removed.
    book.highlights.append(Highlight(id="readwise-9", text="New.", location=900,
                                     location_type=LocationType.LOCATION))
    sync([book])
    assert _front(vault)["tags"] == ["philosophy", "nature", "to-reread"]
    sync([book.model_copy(update={"tags": ["philosophy", "walking"]})])
    assert _front(vault)["tags"] == ["philosophy", "walking", "to-reread"]
    assert _front(vault)["author"] == ["[[Henry David Thoreau]]", "[[My Translator]]"]
    sync([book.model_copy(update={"tags": [], "title": "Walden; or, Life in the Woods"})])
    front = _front(vault)
    assert front["tags"] == ["to-reread"]
    assert front["title"] == "Walden; or, Life in the Woods"


def test_without_a_record_of_what_we_wrote_every_unknown_list_item_is_kept(vault, sync_forgetting, books):
    # A note whose state was lost (or written before excerpta kept its lists) can only be
    # merged by keeping every item it does not write now: the user's, maybe an old one of ours.
    book = books(1, tags=["nature"])
    sync_forgetting([book])
    (vault / NOTE).write_text(_read(vault).replace("  - nature\n", "  - nature\n  - mine\n"))
    sync_forgetting([book.model_copy(update={"tags": ["classics"]})])
    assert _front(vault)["tags"] == ["classics", "nature", "mine"]


def test_a_header_the_user_added_lines_to_still_takes_upstream_changes(vault, sync, books):
    book = books(2)
    sync([book])
    user = _read(vault).replace("- Category: #books\n", "- Category: #books\n- Rating: 5/5, reread in May\n")
    (vault / NOTE).write_text(user)
    renamed = book.model_copy(update={"title": "Walden; or, Life in the Woods",
                                      "url": "https://example.com/walden"})
    sink = sync([renamed])
    text = _read(vault)
    assert "# Walden; or, Life in the Woods\n" in text
    assert "- Full Title: Walden; or, Life in the Woods\n" in text
    assert "- Category: #books\n- Rating: 5/5, reread in May\n" in text
    assert "- URL: https://example.com/walden\n" in text
    assert sink.outcomes[0].reason == "header edited by hand: your lines kept, excerpta's updated"
    # Again, with the user's line still there: the merge starts from what excerpta wrote.
    sync([renamed.model_copy(update={"author": "H. D. Thoreau"})])
    text = _read(vault)
    assert "- Author: [[H. D. Thoreau]]\n" in text
    assert text.count("- Rating: 5/5, reread in May\n") == 1


def test_a_header_line_the_user_put_between_two_lines_upstream_changes_is_kept_and_both_change(
        vault, sync, books):
    book = books(2)
    sync([book])
    mine = "- Author: [[Henry David Thoreau]]\n- Translator: none (my line)\n"
    (vault / NOTE).write_text(_read(vault).replace("- Author: [[Henry David Thoreau]]\n", mine))
    fixed = book.model_copy(update={"title": "Walden; or, Life in the Woods", "author": "H. D. Thoreau"})
    sink = sync([fixed])
    text = _read(vault)
    assert "# Walden; or, Life in the Woods\n" in text
    assert ("- Author: [[H. D. Thoreau]]\n- Translator: none (my line)\n"
            "- Full Title: Walden; or, Life in the Woods\n") in text
    assert sink.outcomes[0].reason == "header edited by hand: your lines kept, excerpta's updated"


def test_a_header_line_both_sides_changed_is_left_as_the_user_wrote_it(vault, sync, books):
    book = books(2)
    sync([book])
    user = _read(vault).replace("# Walden\n", "# Walden (my copy)\n")
    (vault / NOTE).write_text(user)
    sink = sync([book.model_copy(update={"title": "Walden, revised"})])
    text = _read(vault)
    assert "# Walden (my copy)\n" in text
    assert "- Full Title: Walden\n" in text  # the whole header is held back, not half-merged
    assert "header edited by hand; left as it is" in sink.outcomes[0].reason


def test_removing_the_markers_leaves_the_note_alone_and_says_so(vault, sync, books):
    book = books(2)
    sync([book])
    text = re.sub(r"%% excerpta:.*%%\n", "", _read(vault))
    (vault / NOTE).write_text(text)
    sink = sync([book.model_copy(update={"title": "Changed"})])
    assert _read(vault) == text
    assert sink.outcomes[0].action == "conflict"
    assert "markers were removed" in sink.outcomes[0].reason


def test_block_ids_stay_the_same_across_resyncs(vault, sync, books):
    book = books(2)
    sync([book])
    ids = re.findall(r"\^(hl-[\w-]+)", _read(vault))
    edited = [h.model_copy(update={"text": h.text + " More."}) for h in book.highlights]
    sync([book.model_copy(update={"highlights": edited})])
    assert re.findall(r"\^(hl-[\w-]+)", _read(vault)) == ids == ["hl-readwise-1", "hl-readwise-2"]


def test_a_note_saved_with_crlf_and_a_bom_is_still_merged_in_place(vault, sync, books):
    book = books(2)
    sync([book])
    text = "\ufeff" + _read(vault).replace("\n", "\r\n") + "My CRLF line.\r\n"
    (vault / NOTE).write_bytes(text.encode("utf-8"))
    changed = [book.highlights[0].model_copy(update={"text": "Edited upstream."}), book.highlights[1]]
    sync([book.model_copy(update={"highlights": changed})])
    after = (vault / NOTE).read_bytes().decode("utf-8")
    assert after.count("excerpta-id:") == 1
    assert "- Edited upstream. (" in after
    assert "Highlight number 1." not in after
    assert after.endswith(" %%\r\nMy CRLF line.\r\n")  # our regions in CRLF too, as the note is
    assert "\n" not in after.replace("\r\n", "")


def test_with_only_the_highlights_markers_removed_the_header_is_still_updated(vault, sync, books):
    book = books(2)
    sync([book])
    text = re.sub(r"%% excerpta:(begin|end) highlights.*%%\n", "", _read(vault))
    (vault / NOTE).write_text(text)
    sink = sync([book.model_copy(update={"title": "Walden, retitled"})])
    after = _read(vault)
    assert "# Walden, retitled\n" in after
    assert after.split("%% excerpta:end header", 1)[1].split("\n", 1)[1] == \
        text.split("%% excerpta:end header", 1)[1].split("\n", 1)[1]
    assert sink.outcomes[0].reason == "highlights markers removed; highlights not updated"


def test_a_document_without_a_highlight_to_show_gets_no_new_note_but_its_note_is_updated(vault, sync, books):
    empty = books(0, id="readwise-empty", title="Nothing highlighted")
    all_deleted = books(1, id="readwise-gone", title="All deleted")
    all_deleted.highlights[0].is_deleted = True
    sink = sync([empty, all_deleted])
    assert list(vault.rglob("*.md")) == []
    assert sink.outcomes == []
    book = books(2)
    sync([book])
    gone = [h.model_copy(update={"is_deleted": True}) for h in book.highlights]
    sync([book.model_copy(update={"highlights": gone})])
    text = _read(vault)
    assert "Highlight number" not in text
    assert "## Highlights\n" in text


def test_dates_in_a_list_property_are_told_from_the_users_by_their_value_as_written(
        tmp_path, vault, sync, books):
    templates = template_folder(tmp_path, {
        "frontmatter.yaml": "title: title\nread: \"[date, '2024-05-01']\"\n",
    })
    book = books(1)
    sync([book], templates=templates)
    (vault / NOTE).write_text(_read(vault).replace("  - '2024-05-01'\n", "  - '2024-05-01'\n  - mine\n"))
    later = book.model_copy(update={"highlights": [book.highlights[0].model_copy(update={
        "highlighted_at": datetime(2024, 6, 1, 12, 30, 15, 500, tzinfo=UTC)})]})
    sync([later], templates=templates)
    assert _front(vault)["read"] == [datetime(2024, 6, 1, 12, 30, 15), "2024-05-01", "mine"]


def test_an_edited_note_with_nothing_new_upstream_is_left_quietly(vault, sync, books):
    book = books(2)
    sync([book])
    edited = (_read(vault).replace("- Category: #books\n", "- Category: #books\n- Status: reading\n")
              .replace("- Highlight number 1.", "- Highlight number 1 (!)"))
    (vault / NOTE).write_text(edited)
    sink = sync([book])
    assert [(o.action, o.reason) for o in sink.outcomes] == [("unchanged", None)]
    assert _read(vault) == edited
    assert sync([book]).outcomes == []  # and from now on it is known as it is


@pytest.mark.parametrize("template", [
    "> {{ highlight_text }}\n> — {{ highlight_location }}\n",  # a quote of two lines
    "\n> [!quote] {{ highlight_location }}\n> {{ highlight_text }}\n",  # a callout, a blank line before
    "{{ highlight_text }}\n",  # one paragraph line
    "> {{ highlight_text }}\n\nNote: {{ highlight_location }}\n",  # a second paragraph, after a blank line
])
def test_a_quote_template_in_a_hand_edited_note_still_takes_upstream_edits(tmp_path, vault, sync, books,
                                                                           template):
    templates = template_folder(tmp_path, {"highlight.md.jinja": template})
    book = books(3)
    sync([book], templates=templates)
    text = _read(vault)
    # The user writes a line of their own right above the second highlight's block.
    lines = text.split("\n")
    first_of_two = next(n for n, line in enumerate(lines) if "Highlight number 2." in line or
                        ("\u00a0200" in line and "^hl" not in line))
    lines.insert(first_of_two, "My own line, no blank line around it.")
    (vault / NOTE).write_text("\n".join(lines))
    edited = [book.highlights[0], book.highlights[1].model_copy(update={"text": "Number two, edited."}),
              book.highlights[2].model_copy(update={"text": "Number three, edited."})]
    sink = sync([book.model_copy(update={"highlights": edited})], templates=templates)
    after = _read(vault)
    assert "My own line, no blank line around it." in after
    assert "Number three, edited." in after  # a block left as written follows upstream
    assert "Highlight number 3." not in after
    assert after.count("^hl-readwise-3") == 1
    assert after.count("\u00a0300") == template.count("highlight_location")  # not twice
    assert "edited by hand" in sink.outcomes[0].reason
    assert _written(sync([book.model_copy(update={"highlights": edited})], templates=templates)) == []


def test_of_notes_with_one_id_the_original_is_updated_and_the_copies_are_said(
        vault, sync_forgetting, books, caplog):
    sync_forgetting([books(2)])
    original = vault / NOTE
    # "Make a copy" in Obsidian (beside it, and in a folder that comes first), then the state
    # is lost and upstream retitles the book.
    (vault / "Archive").mkdir()
    copies = [vault / "Archive" / "Walden.md", vault / "Books" / "Walden 1.md"]
    for copy in copies:
        copy.write_text(original.read_text(encoding="utf-8") + "\nMy essay on it.\n", encoding="utf-8")
    before = [copy.read_bytes() for copy in copies]
    sync_forgetting([books(2).model_copy(update={"title": "Walden, retitled"})])
    assert "# Walden, retitled\n" in _read(vault)
    assert [copy.read_bytes() for copy in copies] == before
    assert ("Walden, retitled: 3 notes carry its excerpta-id (Archive/Walden.md, Books/Walden 1.md, "
            "Books/Walden.md); Books/Walden.md is updated") in caplog.text


def test_of_a_moved_note_and_its_copy_left_behind_the_moved_original_is_updated(vault, sync, books, caplog):
    sync([books(1)])
    original = vault / NOTE
    # "Make a copy" in Obsidian leaves "Walden 1" beside it; the user moves the original.
    copy = vault / "Books" / "Walden 1.md"
    copy.write_bytes(original.read_bytes())
    (vault / "Finished").mkdir()
    original.rename(vault / "Finished" / "Walden.md")
    before = copy.read_bytes()
    sync([books(2)])
    assert "^hl-readwise-2" in _read(vault, "Finished/Walden.md")
    assert copy.read_bytes() == before
    assert ("Walden: 2 notes carry its excerpta-id (Books/Walden 1.md, Finished/Walden.md); "
            "Finished/Walden.md is updated") in caplog.text


def test_of_two_moved_notes_with_the_recorded_name_the_one_still_as_written_is_updated(vault, sync, books):
    sync([books(1)])
    (vault / "Finished").mkdir()
    (vault / "Archive").mkdir()
    (vault / "Archive" / "Walden.md").write_bytes((vault / NOTE).read_bytes())  # a copy: a new time
    os.utime(vault / "Archive" / "Walden.md", ns=(1, 10**18))
    (vault / NOTE).rename(vault / "Finished" / "Walden.md")  # a move keeps its time
    sync([books(2)])
    assert "^hl-readwise-2" in _read(vault, "Finished/Walden.md")
    assert "^hl-readwise-2" not in _read(vault, "Archive/Walden.md")


def test_a_note_the_user_replaced_by_a_link_to_a_plain_file_outside_is_neither_read_nor_written(
        tmp_path, vault, sync, books):
    # The note is not ours to merge into: reading the outside file gave a wrong reason ("region
    # markers removed") and merged what it found.
    book = books(2)
    sync([book])
    outside = tmp_path / "outside.md"
    outside.write_text("The user's own file, elsewhere.\n")
    (vault / NOTE).unlink()
    (vault / NOTE).symlink_to(outside)
    sink = sync([book.model_copy(update={"title": "Walden (edited)"})])
    assert [(o.action, o.reason, o.pending) for o in sink.outcomes] == [
        ("skip", "a link to a file outside the output folder; left as it is", True)]
    assert outside.read_text() == "The user's own file, elsewhere.\n"
