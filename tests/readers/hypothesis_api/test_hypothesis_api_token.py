"""The Hypothesis token: a missing one is one line (exit 2) saying where to get one, a rejected
one exit 3, and it never appears in logs (debug level), messages, reprs or written files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from excerpta.clients.hypothesis import HypothesisClient, HypothesisSettings
from excerpta.errors import ConfigError

SECRET = "6879-tokSECRETb7e2d94f0c1a"


def files_containing(root: Path, needle: str) -> list[Path]:
    return [Path(folder, name) for folder, _, names in os.walk(root) for name in names
            if needle.encode() in Path(folder, name).read_bytes()]


def convert(run_cli, tmp_path, *flags):
    return run_cli(*flags, "--state", tmp_path / "s.sqlite", "convert", "hypothesis:", "--to", "json",
                   "--out", tmp_path / "out.json")


def test_a_missing_token_is_one_line_saying_where_to_get_one(run_cli, tmp_path):
    result = convert(run_cli, tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "excerpta: error: no Hypothesis token: set HYPOTHESIS_TOKEN or HYPOTHESIS_TOKEN_FILE "
        "(get a token at https://hypothes.is/account/developer)"]


@pytest.mark.parametrize("with_401", [False, True], ids=["anonymous answer", "HTTP 401"])
def test_a_rejected_token_exits_3_in_one_line_without_showing_it(run_cli, fake_hypothesis, monkeypatch,
                                                                 tmp_path, with_401):
    # h serves an unknown token as an anonymous request (its profile names no user); a proxy may 401.
    server = fake_hypothesis(annotations=10, reject_with_401=with_401)
    monkeypatch.setenv("HYPOTHESIS_TOKEN", SECRET)
    result = convert(run_cli, tmp_path, "-vv")
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert "https://hypothes.is/account/developer" in errors[0]
    assert SECRET not in result.stderr + result.stdout
    assert files_containing(tmp_path, SECRET) == []
    assert not server.searches  # no anonymous search of everyone's public annotations


def test_a_debug_run_through_faults_never_shows_the_token(run_cli, fake_hypothesis, tmp_path):
    server = fake_hypothesis(annotations=450, token=SECRET)
    server.rate_limit(at=1, retry_after="0")
    server.server_error(at=2, status=502)
    server.malformed(at=3)
    first = convert(run_cli, tmp_path, "-vv")
    second = convert(run_cli, tmp_path, "-vv")
    assert (first.exit_code, second.exit_code) == (0, 0), first.output
    logs = first.stderr + second.stderr
    assert "GET /api/search" in logs  # the client did log its requests
    assert "HTTP 429" in logs
    assert SECRET not in logs + first.stdout + second.stdout
    assert files_containing(tmp_path, SECRET) == []
    assert files_containing(Path(os.environ["XDG_STATE_HOME"]), SECRET) == []


def test_a_token_file_is_read_and_one_others_may_read_is_warned_of(run_cli, fake_hypothesis, monkeypatch,
                                                                   tmp_path):
    server = fake_hypothesis(annotations=5, token=SECRET)
    token_file = tmp_path / "hypothesis.token"
    token_file.write_text(f"Bearer {SECRET}\n", encoding="utf-8")
    token_file.chmod(0o644)
    monkeypatch.delenv("HYPOTHESIS_TOKEN")
    monkeypatch.setenv("HYPOTHESIS_TOKEN_FILE", str(token_file))
    result = run_cli("convert", "hypothesis:", "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    assert "readable by other users; chmod 600 it" in result.stderr
    assert all(r.authorized for r in server.requests)


def test_plain_http_to_another_host_is_refused_before_the_token_is_sent(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("HYPOTHESIS_TOKEN", SECRET)
    monkeypatch.setenv("HYPOTHESIS_API_URL", "http://api.hypothes.is")
    result = convert(run_cli, tmp_path)
    assert result.exit_code == 2
    assert "HYPOTHESIS_API_URL is http:// to a host other than this machine" in result.stderr


def test_config_errors_reprs_and_headers_hide_the_token(monkeypatch):
    monkeypatch.setenv("HYPOTHESIS_TOKEN", f"{SECRET} pasted twice {SECRET}")
    with pytest.raises(ConfigError) as caught:
        HypothesisSettings.from_env()
    assert SECRET not in str(caught.value)
    settings = HypothesisSettings(token=SECRET)
    assert settings.api_url == "https://api.hypothes.is"
    client = HypothesisClient(settings)
    try:
        for text in (repr(settings), str(settings), settings.model_dump_json(), repr(client),
                     str(settings.model_dump()), repr(client._http.headers)):
            assert SECRET not in text
    finally:
        client.close()


def test_a_rejected_token_after_a_good_one_says_only_that(run_cli, fake_hypothesis, monkeypatch, tmp_path):
    fake_hypothesis(annotations=10)
    assert convert(run_cli, tmp_path).exit_code == 0  # a cursor made with the good token
    monkeypatch.setenv("HYPOTHESIS_TOKEN", SECRET)
    result = convert(run_cli, tmp_path)
    assert result.exit_code == 3
    assert result.output.count("\n") == 1, result.output  # the error, not a word of the old cursor
    assert "did not accept the token" in result.output
