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


def test_the_hypothesis_table_gives_a_job_its_api_url_and_token_file(run_cli, fake_hypothesis, tmp_path,
                                                                     monkeypatch):
    server = fake_hypothesis(annotations=5)
    monkeypatch.delenv("HYPOTHESIS_TOKEN")
    monkeypatch.delenv("HYPOTHESIS_API_URL")
    token_file = tmp_path / "hypothesis-token"
    token_file.write_text(server.token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    config = write_config(tmp_path)
    with config.open("a", encoding="utf-8") as table:
        table.write(f'\n[hypothesis]\nbase_url = "{server.url}"\ntoken_file = "{token_file}"\n')
    assert (checked := run_cli("config", "check", config)).exit_code == 0, checked.output
    assert "token" not in checked.stderr
    assert (synced := run_cli("sync", "-c", config)).exit_code == 0, synced.output
    assert "Article 0" in vault_text(tmp_path)
    assert server.searches
    token_file.unlink()
    missing = run_cli("sync", "-c", config)
    assert missing.exit_code == 2
    assert f"[hypothesis] token_file {token_file}: no such file" in missing.output


def test_a_hypothesis_base_url_that_is_no_https_url_is_refused(run_cli, tmp_path):
    config = write_config(tmp_path)
    with config.open("a", encoding="utf-8") as table:
        table.write('\n[hypothesis]\nbase_url = "http://example.org"\n')
    refused = run_cli("config", "check", config)
    assert refused.exit_code == 2
    assert "hypothesis.base_url" in refused.output
    assert "http:// to a host other than this machine" in refused.output
