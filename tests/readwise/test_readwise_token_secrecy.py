"""The Readwise token never appears in logs (debug level), messages, reprs or written files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from excerpta.clients.readwise import ReadwiseClient
from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.errors import ConfigError

from .fake_readwise import Fault

SECRET = "tokSECRETb7e2d94f0c1a"


def files_containing(root: Path, needle: str) -> list[Path]:
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if needle.encode() in path.read_bytes():
                found.append(path)
    return found


def test_a_debug_run_through_faults_never_shows_the_token(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=500, page_size=100, token=SECRET)
    server.inject(Fault.rate_limit("0"), at=2)
    server.inject(Fault.server_error(502), at=3)
    server.inject(Fault.malformed(), at=4)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    first = run_cli("-vv", "--state", state, "convert", "readwise:", "--to", "json", "--out", out)
    second = run_cli("-vv", "--state", state, "convert", "readwise:", "--to", "json", "--out", out)
    assert (first.exit_code, second.exit_code) == (0, 0)
    logs = first.stderr + second.stderr
    assert "DEBUG" in logs
    assert "GET /api/v2/export/" in logs  # the client did log its requests
    assert "HTTP 429" in logs
    assert SECRET not in logs + first.stdout + second.stdout
    assert files_containing(tmp_path, SECRET) == []
    assert files_containing(Path(os.environ["XDG_STATE_HOME"]), SECRET) == []
    assert all(r.authorized for r in server.requests)


def test_a_cookie_the_server_sets_is_not_shown_by_a_debug_run(run_cli, fake_readwise, tmp_path):
    # A session cookie is as good as a password; httpcore's trace logs every response header.
    cookie = "sessionid=c00kieSECRET9f3a"
    server = fake_readwise(highlights=20, page_size=10, token=SECRET)
    server.inject(Fault("status", 429, (("Retry-After", "0"), ("Set-Cookie", cookie))), at=1)
    result = run_cli("-vv", "--state", tmp_path / "s.sqlite", "convert", "readwise:", "--to", "json",
                     "--out", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    assert "receive_response_headers" in result.stderr  # the trace was on
    assert "c00kieSECRET" not in result.stderr + result.stdout


def test_a_rejected_token_is_not_echoed_in_the_error(run_cli, fake_readwise, monkeypatch, tmp_path):
    fake_readwise(highlights=1)
    monkeypatch.setenv("READWISE_TOKEN", SECRET)
    result = run_cli("-vv", "--state", tmp_path / "s.sqlite", "convert", "readwise:", "--to", "json",
                     "--out", tmp_path / "out.json")
    assert result.exit_code == 3
    assert "rejected the token" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert files_containing(tmp_path, SECRET) == []


@pytest.mark.parametrize("bad_token", [f"{SECRET} with a space", "Zq9x", f"{SECRET}\x07"])
def test_settings_validation_errors_hide_the_token(bad_token):
    with pytest.raises(ValidationError) as caught:
        ReadwiseSettings(token=bad_token)
    assert bad_token not in str(caught.value)
    assert bad_token not in repr(caught.value)


def test_config_errors_from_the_environment_hide_the_token(monkeypatch, run_cli):
    monkeypatch.setenv("READWISE_TOKEN", f"{SECRET} pasted twice {SECRET}")
    with pytest.raises(ConfigError) as caught:
        ReadwiseSettings.from_env()
    assert SECRET not in str(caught.value)
    result = run_cli("-vv", "readwise", "check")
    assert result.exit_code == 2
    assert SECRET not in result.stderr + result.stdout


def test_reprs_and_dumps_of_settings_and_client_hide_the_token():
    settings = ReadwiseSettings(token=SECRET)
    client = ReadwiseClient(settings)
    try:
        for text in (repr(settings), str(settings), settings.model_dump_json(), repr(client),
                     str(settings.model_dump()), repr(client._http.headers)):
            assert SECRET not in text
    finally:
        client.close()
