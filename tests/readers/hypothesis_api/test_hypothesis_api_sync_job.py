"""A sync job with ``input = "hypothesis:"`` (fake server): everything the first run, then only
what changed, into an Obsidian vault."""

from __future__ import annotations

from pathlib import Path


def write_config(folder: Path) -> Path:
    config = folder / "excerpta.toml"
    config.write_text(
        f'state = "{folder / "state.sqlite"}"\n\n'
        '[[jobs]]\nname = "hypothesis-to-vault"\n'
        '[jobs.source]\ninput = "hypothesis:"\n'
        f'[[jobs.writers]]\nformat = "obsidian"\nout = "{folder / "vault"}"\n', encoding="utf-8")
    return config


def vault_text(folder: Path) -> str:
    return "\n".join(note.read_text(encoding="utf-8") for note in sorted((folder / "vault").rglob("*.md")))


def test_a_job_pulls_everything_then_only_what_changed(run_cli, fake_hypothesis, tmp_path):
    server = fake_hypothesis(annotations=60)
    config = write_config(tmp_path)
    assert (first := run_cli("sync", "-c", config)).exit_code == 0, first.output
    assert "Article 1" in vault_text(tmp_path)
    edited = sorted(server.annotation_ids())[7]
    server.edit(edited, text="a note written later")
    asked = len(server.searches)
    assert (second := run_cli("sync", "-c", config)).exit_code == 0, second.output
    assert "a note written later" in vault_text(tmp_path)
    assert len(server.searches) == asked + 1
    assert "search_after" in server.searches[-1].params


def test_config_check_warns_of_a_missing_hypothesis_token(run_cli, tmp_path):
    result = run_cli("config", "check", write_config(tmp_path))
    assert result.exit_code == 0, result.output
    assert "no Hypothesis token: set HYPOTHESIS_TOKEN or HYPOTHESIS_TOKEN_FILE" in result.stderr
