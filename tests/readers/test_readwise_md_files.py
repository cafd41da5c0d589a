"""readwise-md: what a folder may hold besides notes, and embeds naming notes outside the input.

A folder given as input is untrusted (an unzipped export): a ``.md`` that is a device, a named
pipe or a huge file never stops the read, and an embed never brings in text from outside the
folder. The Readwise note is a corpus note read in place (copied into tmp_path); the rest is
made by code.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path

import pytest
from readwise_md_reading import read, write_note

from excerpta.errors import InputError
from excerpta.readers.readwise_md.note_file import MAX_NOTE_BYTES

from paths import CORPUS, EXAMPLES

MINDSET = CORPUS / "readwise" / "obsidian-official" / "lucasheriques-brain" / "Readwise" / "Books" / \
    "Mindset.md"
DIARY = ("%% excerpta:begin highlights %%\n- My bank PIN is 4321 ^hl-h1\n"
         "%% excerpta:end highlights 0000000000000000 %%\n")
EMBEDDING = ("---\nexcerpta-id: d1\n---\n# Shared\n\n## Metadata\n- Author: [[Someone]]\n\n"
             "## Highlights\n- ![[{target}#^hl-h1]]\n")


def _open_other_end(pipe: Path, done: threading.Event) -> None:
    # Without the fix the reader waits for a writer forever: be one (writing nothing), so such
    # a reader reads the pipe as empty and the test fails instead of hanging.
    while not done.wait(0.05):
        with contextlib.suppress(OSError):  # no reader has it open: nothing waits
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/null are POSIX")
def test_a_device_or_named_pipe_named_md_is_left_out_with_a_warning(tmp_path, caplog):
    books = tmp_path / "Readwise" / "Books"
    write_note(books / "Mindset.md", MINDSET.read_text(encoding="utf-8"))
    (books / "device.md").symlink_to("/dev/null")  # /dev/zero would fill the memory
    os.mkfifo(books / "pipe.md")
    done = threading.Event()
    helper = threading.Thread(target=_open_other_end, args=(books / "pipe.md", done))
    helper.start()
    try:
        with caplog.at_level(logging.WARNING, logger="excerpta"):
            documents, state = read(tmp_path)
    finally:
        done.set()
        helper.join()
    assert [d.title for d in documents] == ["Mindset"]
    assert state.problems == []
    assert [r.getMessage() for r in caplog.records if "left out" in r.getMessage()] == [
        f"{books / name}: not a regular file (a device, a named pipe or a link to one); left out"
        for name in ("device.md", "pipe.md")]


def test_a_note_far_larger_than_any_is_reported_unread_and_the_others_read(tmp_path):
    write_note(tmp_path / "Books" / "Mindset.md", MINDSET.read_text(encoding="utf-8"))
    huge = tmp_path / "Books" / "Huge.md"
    with huge.open("wb") as handle:  # sparse: no disk used, and never read
        handle.truncate(MAX_NOTE_BYTES + 1)
    documents, state = read(tmp_path)
    assert [d.title for d in documents] == ["Mindset"]
    reason = "100 MB is far more than a note holds (at most 100 MB read); is it the right file?"
    assert [(p.source, p.where, p.reason) for p in state.problems] == [(str(huge), None, reason)]
    with pytest.raises(InputError, match=r"Huge\.md: 100 MB is far more than a note holds"):
        read(huge)


def test_an_embed_is_never_read_from_outside_the_folder_given(tmp_path, caplog):
    # The embed's target is looked for in each folder above the note: only inside the input.
    home = tmp_path / "home"
    write_note(home / "Documents" / "diary.md", DIARY)
    export = home / "Downloads" / "export"
    note = write_note(export / "Readwise" / "Books" / "Shared.md", EMBEDDING.format(target="Documents/diary"))
    (export / "Readwise" / "Books" / "Documents").mkdir()
    (export / "Readwise" / "Books" / "Documents" / "diary.md").symlink_to(home / "Documents" / "diary.md")
    with caplog.at_level(logging.WARNING, logger="excerpta"):
        for source in (export, note):
            [document], state = read(source)
            assert (document.title, document.highlights, state.problems) == ("Shared", [], [])
    assert "4321" not in caplog.text
    assert caplog.text.count("the note Documents/diary.md it embeds a highlight of is not found in") == 2


@pytest.mark.parametrize("input_at", ["vault", "vault/Readwise", "vault/Readwise/Books"])
def test_embeds_of_an_output_folder_inside_a_vault_resolve_from_any_folder_holding_it(
        run_cli, tmp_path, input_at):
    out = tmp_path / "vault" / "Readwise"
    assert run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", out,
                   "--atomic").exit_code == 0
    original = json.loads((EXAMPLES / "library.json").read_text(encoding="utf-8"))["documents"]
    expected = {d["title"]: sorted(h["text"] for h in d["highlights"]) for d in original}
    documents, state = read(tmp_path / input_at)
    assert state.problems == []
    read_back = {d.title: sorted(h.text for h in d.highlights) for d in documents}
    assert read_back == {title: expected[title] for title in read_back}
    assert "Walden" in read_back
    if not input_at.endswith("Books"):  # a category folder holds its own notes only
        assert read_back.keys() == expected.keys()
