"""A sync job pulling Readwise into two writers (fake server): one pull per run, incremental
from the saved cursor, the cursor saved only once every output is on disk, and the
configuration's ``[readwise]`` settings used where the environment has none."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from excerpta.pipeline import CONVERT_JOB
from excerpta.store import open_store

from .fake_readwise import FakeReadwise

BAD_TEMPLATE = "- {{ highlight_text }} {{ 1 // 0 }}\n"


def write_config(folder: Path, *, readwise: str = "", templates: bool = False) -> Path:
    """A job pulling Readwise into a json file and an Obsidian vault; with ``templates``,
    the vault first, with the templates of ``folder/templates``."""
    json_writer = f'[[jobs.writers]]\nformat = "json"\nout = "{folder / "library.json"}"\n'
    vault_writer = f'[[jobs.writers]]\nformat = "obsidian"\nout = "{folder / "vault"}"\n'
    if templates:
        vault_writer += f'options = {{ templates = "{folder / "templates"}" }}\n'
    config = folder / "excerpta.toml"
    config.write_text(
        f'state = "{folder / "state.sqlite"}"\n{readwise}\n'
        '[[jobs]]\nname = "readwise-to-vault"\nschedule = { every = "1h" }\n'
        '[jobs.source]\ninput = "readwise:"\n'
        + (vault_writer + json_writer if templates else json_writer + vault_writer), encoding="utf-8")
    return config


def cursor(folder: Path) -> str | None:
    state = open_store(folder / "state.sqlite")
    try:
        return state.cursor(CONVERT_JOB, "readwise:")
    finally:
        state.close()


def incremental(server: FakeReadwise) -> list[bool]:
    """Whether each pull was incremental (requests for whole books, ``ids``, left out: an
    incremental pull asks for the books of what changed)."""
    return ["updatedAfter" in request.params for request in server.export_requests
            if "ids" not in request.params]


def json_texts(folder: Path) -> set[str]:
    library = json.loads((folder / "library.json").read_text(encoding="utf-8"))
    return {h["text"] for d in library["documents"] for h in d["highlights"]}


def test_each_run_pulls_once_and_then_only_what_changed_into_every_writer(run_cli, tmp_path, fake_readwise):
    server = fake_readwise(highlights=30, per_book=10)
    config = write_config(tmp_path)
    assert run_cli("sync", "-c", config).exit_code == 0
    assert len(json_texts(tmp_path)) == 30
    assert len(list((tmp_path / "vault").rglob("*.md"))) == 3
    server.edit_highlight(min(server.highlight_ids()), text="Edited on Readwise.")
    again = run_cli("sync", "-c", config)
    assert again.exit_code == 0, again.output
    assert incremental(server) == [False, True]  # one pull per run, whatever the writers
    assert "Edited on Readwise." in json_texts(tmp_path)
    assert any("Edited on Readwise." in note.read_text(encoding="utf-8")
               for note in (tmp_path / "vault").rglob("*.md"))


def test_the_cursor_waits_for_every_writer(run_cli, tmp_path, fake_readwise):
    # The Obsidian notes fail (a template error), the json after them is still written: the
    # cursor stays where it was, so the next run pulls it all again and the notes get it all.
    server = fake_readwise(highlights=30, per_book=10)
    config = write_config(tmp_path, templates=True)
    template = tmp_path / "templates" / "highlight.md.jinja"
    template.parent.mkdir()
    template.write_text(BAD_TEMPLATE, encoding="utf-8")
    failed = run_cli("sync", "-c", config)
    assert failed.exit_code == 2
    assert failed.output.splitlines()[-1] == (
        "excerpta: error: job readwise-to-vault: template highlight.md.jinja, line 1: integer division "
        "or modulo by zero")
    assert len(json_texts(tmp_path)) == 30
    assert not (tmp_path / "vault").exists()
    assert cursor(tmp_path) is None

    template.write_text("- {{ highlight_text }}\n", encoding="utf-8")
    fixed = run_cli("sync", "-c", config)
    assert fixed.exit_code == 0, fixed.output
    assert "outputs: 3 new, 1 unchanged" in fixed.output
    assert cursor(tmp_path) is not None
    assert run_cli("sync", "-c", config).exit_code == 0
    assert incremental(server) == [False, False, True]


def test_the_configurations_readwise_settings_stand_in_for_the_environment(
        run_cli, tmp_path, fake_readwise, monkeypatch):
    server = fake_readwise(highlights=10, per_book=10)
    monkeypatch.delenv("READWISE_TOKEN")
    monkeypatch.delenv("READWISE_API_URL")
    token_file = tmp_path / "token"
    token_file.write_text(server.token + "\n", encoding="utf-8")
    config = write_config(tmp_path, readwise=f'[readwise]\nbase_url = "{server.url}"\n'
                                             f'token_file = "{token_file}"\n')
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 0, result.output
    assert len(json_texts(tmp_path)) == 10
    assert not {"READWISE_API_URL", "READWISE_TOKEN_FILE"} & set(os.environ)  # for the run only

    # The environment wins: a token given there is the one sent, not the file's.
    monkeypatch.setenv("READWISE_TOKEN", "a_token_the_server_refuses_0001")
    refused = run_cli("sync", "-c", config)
    assert refused.exit_code == 3
    assert "job readwise-to-vault: " in refused.output
    assert server.token not in refused.output


def test_the_readwise_cursor_is_one_however_the_input_is_spelled(run_cli, tmp_path, fake_readwise):
    server = fake_readwise(highlights=10, per_book=10)
    for spelled in ("READWISE:", "readwise:"):
        result = run_cli("--state", tmp_path / "state.sqlite", "convert", spelled, "--to", "json",
                         "--out", tmp_path / "out.json")
        assert result.exit_code == 0, result.output
    assert incremental(server) == [False, True]


def test_a_token_file_the_configuration_names_is_named_as_its_key(
        run_cli, tmp_path, fake_readwise, monkeypatch):
    server = fake_readwise(highlights=10, per_book=10)
    monkeypatch.delenv("READWISE_TOKEN")
    missing = tmp_path / "no-token"
    config = write_config(tmp_path, readwise=f'[readwise]\nbase_url = "{server.url}"\n'
                                             f'token_file = "{missing}"\n')
    said = "excerpta: error: job readwise-to-vault: "
    result = run_cli("sync", "-c", config)
    assert result.exit_code == 2
    assert result.output == f"{said}[readwise] token_file {missing}: no such file\n"
    monkeypatch.setenv("READWISE_TOKEN_FILE", str(missing))  # set by the user: named so
    result = run_cli("sync", "-c", config)
    assert result.output == f"{said}READWISE_TOKEN_FILE={missing}: no such file\n"


def test_a_token_pasted_as_the_token_file_is_never_repeated_and_config_check_says_so(
        run_cli, tmp_path, fake_readwise, monkeypatch):
    # Readwise audit: the token went into the message, `status` and the run log for good.
    server = fake_readwise(highlights=10, per_book=10)
    monkeypatch.delenv("READWISE_TOKEN")
    config = write_config(tmp_path, readwise=f'[readwise]\nbase_url = "{server.url}"\n'
                                             f'token_file = "{server.token}"\n')
    monkeypatch.chdir(tmp_path)  # where a relative token_file is looked for
    looks_like_one = ("[readwise] token_file: no such file, and its value looks like a token itself "
                      "(not repeated here): put the token in READWISE_TOKEN, or in a file and give that "
                      "file's path")
    checked = run_cli("config", "check", config)
    assert checked.exit_code == 0  # a token file may be made later: said, not refused
    assert f"excerpta: warning: {looks_like_one}\n" in checked.output
    synced = run_cli("sync", "-c", config)
    assert synced.exit_code == 2
    assert synced.output == f"excerpta: error: job readwise-to-vault: {looks_like_one}\n"
    assert server.token not in run_cli("status", "-c", config).output
    state = open_store(tmp_path / "state.sqlite")
    try:
        assert [run.error for run in state.runs()] == [looks_like_one]
    finally:
        state.close()
    for pasted in (server.token, f"Token {server.token}", f"'{server.token}'"):  # as copied (review)
        monkeypatch.setenv("READWISE_TOKEN_FILE", pasted)
        checked = run_cli("readwise", "check").output
        assert "looks like a token itself" in checked
        assert server.token not in checked
    monkeypatch.setenv("READWISE_TOKEN", server.token)  # the file is not read then: check passes
    monkeypatch.delenv("READWISE_TOKEN_FILE")
    assert "warning" not in run_cli("config", "check", config).output


@pytest.mark.parametrize("pasted", ["Bearer {token}", "{token}.", "{token}/", "~/{token}", "token:{token}",
                                    "tok/good/{token}"])
def test_a_token_pasted_with_more_around_it_as_the_token_file_is_never_repeated(
        run_cli, tmp_path, fake_readwise, monkeypatch, pasted):
    # Security audit: only a value that was the token alone was hidden; "Bearer <token>" went
    # into the message, `status` and the run log.
    server = fake_readwise(highlights=10, per_book=10)
    monkeypatch.delenv("READWISE_TOKEN")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tok").write_text("a file where a folder is looked for", encoding="utf-8")
    value = pasted.format(token=server.token)
    config = write_config(tmp_path, readwise=f'[readwise]\nbase_url = "{server.url}"\n'
                                             f'token_file = "{value}"\n')
    checked = run_cli("config", "check", config)
    synced = run_cli("sync", "-c", config)
    assert synced.exit_code == 2
    # (a trailing "/" is gone once the configuration reads it as a path: the token alone)
    assert f"{len(server.token)} characters hidden: a token?" in synced.output \
        or "looks like a token itself" in synced.output
    for said in (checked.output, synced.output, run_cli("status", "-c", config).output):
        assert server.token not in said
    assert server.token.encode() not in (tmp_path / "state.sqlite").read_bytes()
