"""What a re-sync's exit code says about notes it could not update (README: 1 = partial)."""

from __future__ import annotations

import json

from paths import EXAMPLES

LIBRARY = json.loads((EXAMPLES / "library.json").read_text(encoding="utf-8"))


def _convert(run_cli, tmp_path, library: dict):
    source = tmp_path / "library.json"
    source.write_text(json.dumps(library), encoding="utf-8")
    return run_cli("--state", tmp_path / "state.sqlite", "convert", source, "--to", "obsidian",
                   "--out", tmp_path / "vault")


def _with_a_new_highlight_in_every_document(library: dict) -> dict:
    changed = json.loads(json.dumps(library))
    for document in changed["documents"]:
        document["highlights"].append({"id": f"{document['id']}-new", "text": "Added upstream."})
    return changed


def _notes(tmp_path):
    return sorted(p for p in (tmp_path / "vault").rglob("*.md"))


def test_a_note_left_alone_with_upstream_changes_unwritten_makes_the_run_partial(run_cli, tmp_path):
    assert _convert(run_cli, tmp_path, LIBRARY).exit_code == 0
    unreadable, unmarked = _notes(tmp_path)[:2]
    unreadable.write_text(unreadable.read_text(encoding="utf-8"), encoding="utf-16")
    marked = unmarked.read_text(encoding="utf-8")
    unmarked.write_text(marked.replace("%% excerpta:begin highlights %%\n", ""), encoding="utf-8")
    changed = _with_a_new_highlight_in_every_document(LIBRARY)

    result = _convert(run_cli, tmp_path, changed)

    assert result.exit_code == 1
    assert f"{unreadable} (0 bytes): not UTF-8 text" in result.output
    assert f"{unmarked} " in result.output
    assert "highlights markers removed" in result.output
    assert "Added upstream." not in unmarked.read_text(encoding="utf-8")
    # The next run still has those changes to deliver, so it says so again ...
    assert _convert(run_cli, tmp_path, changed).exit_code == 1
    # ... and once the marker is back, the highlight arrives: it was never taken as delivered.
    unmarked.write_text(marked, encoding="utf-8")
    unreadable.unlink()
    assert _convert(run_cli, tmp_path, changed).exit_code == 0
    assert "Added upstream." in unmarked.read_text(encoding="utf-8")


def test_a_note_the_user_deleted_and_not_recreated_is_not_a_partial_run(run_cli, tmp_path):
    assert _convert(run_cli, tmp_path, LIBRARY).exit_code == 0
    deleted = _notes(tmp_path)[0]
    deleted.unlink()

    result = _convert(run_cli, tmp_path, _with_a_new_highlight_in_every_document(LIBRARY))

    assert result.exit_code == 0
    assert "not re-created" in result.output
    assert not deleted.exists()
