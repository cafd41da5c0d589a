"""End to end: ``excerpta convert … --to obsidian --out VAULT`` (manifest in the default state
file, isolated per test by XDG_STATE_HOME)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from excerpta.cli import cli

from .conftest import template_folder
from paths import CORPUS, EXAMPLES

LIBRARY = EXAMPLES / "library.json"
LUCAS = CORPUS / "readwise" / "obsidian-official" / "lucasheriques-brain" / "Readwise"


def _notes(vault):
    return sorted(p.relative_to(vault).as_posix() for p in vault.rglob("*.md"))


def test_convert_writes_one_note_per_document_in_category_folders(run_cli, tmp_path):
    vault = tmp_path / "vault"
    result = run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    assert _notes(vault) == ["Articles/Self-Reliance.md", "Books/Faust Eine Tragödie.md",
                             "Books/Meditations.md", "Books/Walden.md"]
    walden = (vault / "Books" / "Walden.md").read_text()
    assert "- Document Tags: [[philosophy]] [[nature]]\n" in walden
    assert ("- The mass of men lead lives of quiet desperation. ([Location\u00a0152]"
            "(https://readwise.io/to_kindle?action=open&asin=B0082RJSSQ&location=152))") in walden


def test_second_convert_writes_nothing_and_keeps_every_mtime(run_cli, tmp_path):
    vault = tmp_path / "vault"
    run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault)
    mtimes = {p: p.stat().st_mtime_ns for p in vault.rglob("*.md")}
    result = run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0
    assert "create" not in result.output
    assert "update" not in result.output
    assert {p: p.stat().st_mtime_ns for p in vault.rglob("*.md")} == mtimes


def test_flat_option_puts_every_note_in_the_output_folder(run_cli, tmp_path):
    vault = tmp_path / "vault"
    run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault, "--flat")
    assert _notes(vault) == ["Faust Eine Tragödie.md", "Meditations.md", "Self-Reliance.md", "Walden.md"]


def _writable_copy(source: Path, target: Path) -> None:
    """``source`` (in the read-only corpus) copied as a user's vault is: writable (a
    read-only note is left alone)."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for folder in [target, *(path for path in target.rglob("*") if path.is_dir())]:
        folder.chmod(0o755)


def test_dry_run_over_a_readwise_plugin_folder_shows_the_adoptions(run_cli, tmp_path):
    vault = tmp_path / "Readwise"
    _writable_copy(LUCAS, vault)
    before = {p: p.read_bytes() for p in vault.rglob("*.md")}
    result = run_cli("convert", LUCAS, "--from", "readwise-md", "--to", "obsidian", "--out", vault,
                     "--dry-run")
    assert result.exit_code == 0, result.output
    would = [line for line in result.output.splitlines() if line.startswith("would ")]
    assert len(would) == 6  # 7 notes, two of them versions of one document
    assert all(line.startswith("would update ") for line in would)
    assert all(line.endswith(": adopted a note written by the Readwise plugin") for line in would)
    assert {p: p.read_bytes() for p in vault.rglob("*.md")} == before


def test_convert_adopts_plugin_notes_instead_of_duplicating_them(run_cli, tmp_path):
    vault = tmp_path / "Readwise"
    _writable_copy(LUCAS, vault)
    before = _notes(vault)
    result = run_cli("convert", LUCAS, "--from", "readwise-md", "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    assert _notes(vault) == before
    adopted = [p for p in vault.rglob("*.md") if "excerpta-id:" in p.read_text()]
    assert len(adopted) == 6


def test_a_broken_template_is_a_one_line_user_error(tmp_path):
    from click.testing import CliRunner

    templates = template_folder(tmp_path, {"highlight.md.jinja": "- {{ highlight_text }}\n- {% for %}\n"})
    result = CliRunner().invoke(cli, ["convert", str(LIBRARY), "--to", "obsidian", "--out",
                                      str(tmp_path / "vault"), "--templates", str(templates)])
    assert result.exit_code == 2
    assert "template highlight.md.jinja, line 2: " in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "vault").exists()


def test_convert_help_lists_the_obsidian_options(run_cli):
    help_text = run_cli("convert", "--help").output
    for flag in ("--templates", "--sync-policy", "--deleted-highlights", "--flat", "--recreate-deleted"):
        assert flag in help_text


def test_convert_help_tells_each_use_of_a_flag_shared_by_a_reader_and_a_writer(run_cli):
    help_text = " ".join(run_cli("convert", "--help").output.split())
    timezone = help_text.split("--timezone TEXT ")[1].split(" --")[0]
    assert timezone == ("IANA time zone the device clock was set to (default: this machine's zone) "
                        "(reader kindle, reader koreader, reader play-books, reader tolino); IANA time zone "
                        "the dates of notes are shown in (default: this machine's zone) (writer obsidian)")
    assert help_text.count("keep Kindle bookmarks") == 1  # one use, of two readers: said once


def test_converting_into_a_second_vault_writes_every_note_there_too(run_cli, tmp_path):
    run_cli("convert", LIBRARY, "--to", "obsidian", "--out", tmp_path / "one")
    result = run_cli("convert", LIBRARY, "--to", "obsidian", "--out", tmp_path / "two")
    assert result.exit_code == 0
    assert _notes(tmp_path / "two") == _notes(tmp_path / "one")
    assert len(_notes(tmp_path / "two")) == 4


def test_pipeline_with_a_persistent_library_rewrites_only_the_changed_note(tmp_path):
    import json

    from excerpta.pipeline import convert
    from excerpta.store import open_store

    library_file = tmp_path / "library.json"
    data = json.loads(LIBRARY.read_text())
    library_file.write_text(json.dumps(data))
    vault = tmp_path / "vault"
    state = open_store(tmp_path / "state.sqlite")
    try:
        first = convert([str(library_file)], to="obsidian", out=vault, library=state, state=state)
        assert [o.action for o in first.outcomes] == ["create"] * 4
        data["documents"][1]["highlights"][0]["note"] = "A note added later."
        library_file.write_text(json.dumps(data))
        second = convert([str(library_file)], to="obsidian", out=vault, library=state, state=state)
    finally:
        state.close()
    assert [(o.path.name, o.action) for o in second.outcomes] == [("Meditations.md", "update")]
    assert "    - Note: A note added later.\n" in (vault / "Books" / "Meditations.md").read_text()


def _without_block(text: str, ending: str) -> str:
    # The note's text less the highlight whose line ends with ``ending``, and its sub-items.
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.rstrip().endswith(ending))
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith("    "))
    return "".join(lines[:start] + lines[end:])


def test_a_run_given_state_after_runs_without_it_keeps_the_user_s_deletions(run_cli, tmp_path):
    from excerpta.store import default_state_path

    vault, state = tmp_path / "vault", tmp_path / "new.sqlite"
    assert run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault).exit_code == 0
    walden = vault / "Books" / "Walden.md"
    walden.write_text(_without_block(walden.read_text(), "^hl-ha934d3cdecd4a6a01063"))
    (vault / "Books" / "Meditations.md").unlink()
    assert run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault).exit_code == 0  # said once
    kept = walden.read_bytes()
    result = run_cli("--state", state, "convert", LIBRARY, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    assert walden.read_bytes() == kept  # the highlight the user deleted is not put back
    assert not (vault / "Books" / "Meditations.md").exists()
    # The new state took over what the default one knew: it needs it no more, even for a note
    # rendered anew (another option).
    default_state_path().unlink()
    result = run_cli("--state", state, "convert", LIBRARY, "--to", "obsidian", "--out", vault,
                     "--deleted-highlights", "strike")
    assert result.exit_code == 0, result.output
    assert "^hl-ha934d3cdecd4a6a01063" not in walden.read_text()
    assert "^hl-h613ae2b42e540db89f82" in walden.read_text()
    assert not (vault / "Books" / "Meditations.md").exists()


def test_a_run_whose_state_never_wrote_the_vault_says_deletions_may_come_back(run_cli, tmp_path):
    # README audit: a plain convert into a vault a --state run (or a sync job) keeps brought
    # back highlights deleted from its notes, and said nothing.
    vault = tmp_path / "vault"
    assert run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault,
                   "--state", tmp_path / "st.sqlite").exit_code == 0
    result = run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    assert re.search(rf"excerpta: warning: {re.escape(str(vault))}: 4 note\(s\) excerpta wrote are not "
                     r"in this state's records \([^)]+\.md, …\): written under another --state",
                     result.output)
    assert "warning" not in run_cli("convert", LIBRARY, "--to", "obsidian", "--out", vault).output
