"""What a re-sync's exit code says about notes it could not update (README: 1 = partial)."""

from __future__ import annotations

import json
import re

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
    # Both left alone, as a note the user edited: said so, and counted so.
    assert f"not overwritten: {unreadable}: not UTF-8 text; left as it is" in result.output
    # Its bytes stay as they were: left alone, not "unchanged".
    assert f"not overwritten: {unmarked}: highlights markers removed; highlights not updated" in result.output
    assert "Added upstream." not in unmarked.read_text(encoding="utf-8")
    assert re.search(r"^outputs: \d+ changed, 2 left alone$", result.output, re.MULTILINE)
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


def test_a_note_whose_front_matter_aliases_repeat_too_much_keeps_it_as_broken_yaml_is_kept(
        run_cli, tmp_path):
    # Six lists of nine aliases of the one before (9 ** 6 values): read and compared, eight
    # levels took 9 s and 700 MB, nine ran out of memory (exit 70).
    assert _convert(run_cli, tmp_path, LIBRARY).exit_code == 0
    bombed, broken, *others = _notes(tmp_path)
    laughs = [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    laughs += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 6)]
    text = bombed.read_text(encoding="utf-8")
    bombed.write_text(text.replace("---\n", "---\n" + "\n".join(laughs) + "\nmore: *l5\n", 1),
                      encoding="utf-8")
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "title: [", 1),
                      encoding="utf-8")
    fronts = {note: note.read_text(encoding="utf-8").split("\n---\n")[0] for note in (bombed, broken)}

    result = _convert(run_cli, tmp_path, _with_a_new_highlight_in_every_document(LIBRARY))

    assert result.exit_code == 1
    assert (f"{bombed} ({bombed.stat().st_size} bytes): front matter not read (line 6: its "
            "aliases (*name) repeat more than 100,000 characters); left as it is") in result.output
    # the "[" opened on line 3 (title), found unclosed at the key of line 4: both lines said
    assert (f"{broken} ({broken.stat().st_size} bytes): front matter is not valid YAML (line 4: "
            "expected ',' or ']', but got '<scalar>'; a flow sequence opened on line 3); left as it is"
            ) in result.output
    for note in (bombed, broken, *others):
        text = note.read_text(encoding="utf-8")
        assert "Added upstream." in text
        assert note not in fronts or text.split("\n---\n")[0] == fronts[note]


def test_a_note_left_as_it_was_because_it_could_not_take_the_run_counts_as_left_alone(run_cli, tmp_path):
    # No upstream change: the notes' bytes stay as they were, which is not "unchanged" when
    # excerpta could not bring them up to date (the README: such a note counts as left alone).
    assert _convert(run_cli, tmp_path, LIBRARY).exit_code == 0
    broken, unmarked, *_ = _notes(tmp_path)
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("\n---\n", "\nrating: [unclosed\n---\n", 1), encoding="utf-8")
    line = text.split("\n---\n")[0].count("\n") + 2  # the line added, counted from the note's first
    marked = unmarked.read_text(encoding="utf-8")
    unmarked.write_text(re.sub(r"%% excerpta:end highlights \w* ?%%\n", "", marked), encoding="utf-8")

    result = _convert(run_cli, tmp_path, LIBRARY)

    assert result.exit_code == 1
    assert (f"not overwritten: {broken}: front matter is not valid YAML (line {line}: expected ',' or "
            "']', but got the end of the front matter); left as it is") in result.output
    assert f"not overwritten: {unmarked}: highlights markers removed; highlights not updated" in result.output
    assert "outputs: 2 left alone\n" in result.output
