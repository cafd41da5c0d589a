"""``excerpta readwise check``: one request that says whether the token and URL work."""

from __future__ import annotations

import socket

import httpx
import pytest
import respx


def test_an_accepted_token_exits_0_after_one_request(run_cli, fake_readwise):
    server = fake_readwise(highlights=1)
    result = run_cli("readwise", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Readwise token accepted by {server.url}\n"
    assert [(r.path, r.authorized) for r in server.requests] == [("/api/v2/auth/", True)]


def test_a_rejected_token_exits_3_naming_the_fix(run_cli, fake_readwise, monkeypatch):
    server = fake_readwise(highlights=1)
    monkeypatch.setenv("READWISE_TOKEN", "an_old_revoked_token_123456")
    result = run_cli("readwise", "check")
    assert result.exit_code == 3
    assert "rejected the token (HTTP 401)" in result.stderr
    assert "https://readwise.io/access_token" in result.stderr
    assert len(server.requests) == 1


def test_the_token_can_come_from_a_file(run_cli, fake_readwise, monkeypatch, tmp_path):
    server = fake_readwise(highlights=1)
    token_file = tmp_path / "readwise-token"
    token_file.write_text(server.token + "\n")
    token_file.chmod(0o600)
    monkeypatch.delenv("READWISE_TOKEN")
    monkeypatch.setenv("READWISE_TOKEN_FILE", str(token_file))
    assert run_cli("readwise", "check").exit_code == 0
    assert server.requests[0].authorized


def test_no_token_is_a_one_line_config_error(run_cli):
    result = run_cli("readwise", "check")
    assert result.exit_code == 2
    assert result.stderr == ("excerpta: error: no Readwise token: set READWISE_TOKEN or READWISE_TOKEN_FILE "
                             "(get a token at https://readwise.io/access_token)\n")


def test_a_missing_token_file_is_a_config_error(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("READWISE_TOKEN_FILE", str(tmp_path / "nope"))
    result = run_cli("readwise", "check")
    assert result.exit_code == 2
    assert "READWISE_TOKEN_FILE=" in result.stderr
    assert "no such file" in result.stderr


def test_an_unreachable_api_url_exits_3_after_one_try_naming_the_reason(run_cli, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("READWISE_TOKEN", "some_token_value_123456")
    monkeypatch.setenv("READWISE_API_URL", f"http://127.0.0.1:{port}")
    result = run_cli("readwise", "check")
    assert result.exit_code == 3
    assert result.stderr == (f"excerpta: error: Readwise GET /api/v2/auth/ at http://127.0.0.1:{port} failed "
                             "once (last: ConnectError: connection refused); check READWISE_API_URL and "
                             "the network, then try again\n")  # a check is not retried by a next run


def test_an_api_url_that_is_not_readwise_is_reported_with_the_url(run_cli, fake_readwise, monkeypatch):
    server = fake_readwise(highlights=1)
    monkeypatch.setenv("READWISE_API_URL", f"{server.url}/not-readwise")
    result = run_cli("readwise", "check")
    assert result.exit_code == 3
    assert result.stderr == (f"excerpta: error: Readwise answered HTTP 404 to GET {server.url}/not-readwise"
                             "/api/v2/auth/: is READWISE_API_URL the Readwise API (https://readwise.io)?\n")


@pytest.mark.parametrize("suffix", ["/api/v2", "/api/v2/"])
def test_an_api_url_written_as_in_readwise_docs_works(run_cli, fake_readwise, monkeypatch, suffix):
    server = fake_readwise(highlights=1)
    monkeypatch.setenv("READWISE_API_URL", server.url + suffix)
    result = run_cli("readwise", "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Readwise token accepted by {server.url}\n"
    assert [r.path for r in server.requests] == ["/api/v2/auth/"]


def test_an_api_url_without_a_scheme_is_a_config_error(run_cli, monkeypatch):
    monkeypatch.setenv("READWISE_TOKEN", "some_token_value_123456")
    monkeypatch.setenv("READWISE_API_URL", "readwise.io")
    result = run_cli("readwise", "check")
    assert result.exit_code == 2
    assert result.stderr == ("excerpta: error: READWISE_API_URL is not a valid http(s) URL: it must "
                             "start with https:// (or http:// for a local server)\n")


@pytest.mark.parametrize("url", ["http://[::1", "https://", "http://127.0.0.1:99999"])
def test_a_malformed_api_url_is_a_one_line_config_error(run_cli, monkeypatch, url):
    monkeypatch.setenv("READWISE_TOKEN", "some_token_value_123456")
    monkeypatch.setenv("READWISE_API_URL", url)
    result = run_cli("readwise", "check")
    assert result.exit_code == 2
    assert result.stderr.startswith("excerpta: error: READWISE_API_URL is not a valid http(s) URL")
    assert result.stderr.count("\n") == 1


TOKEN_WITH_SMART_QUOTES = "“sekrit-123456”"
BAD_TOKEN_LINE = ("holds characters a token cannot (smart quotes or spaces pasted?): "
                  "a token is printable ASCII\n")


@pytest.mark.parametrize("command", [("readwise", "check"), ("convert", "readwise:", "--to", "json")])
def test_a_token_pasted_with_smart_quotes_is_a_config_error_that_does_not_echo_it(
        run_cli, monkeypatch, tmp_path, command):
    monkeypatch.setenv("READWISE_TOKEN", TOKEN_WITH_SMART_QUOTES)
    monkeypatch.setenv("READWISE_API_URL", "http://127.0.0.1:9")
    out = ("--out", tmp_path / "out.json") if command[0] == "convert" else ()
    result = run_cli(*command, *out)
    assert result.exit_code == 2
    assert result.stderr == f"excerpta: error: READWISE_TOKEN {BAD_TOKEN_LINE}"
    assert "sekrit" not in result.output


def test_a_token_file_with_a_non_ascii_token_is_named_in_the_error(run_cli, monkeypatch, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN_WITH_SMART_QUOTES + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    monkeypatch.setenv("READWISE_TOKEN_FILE", str(token_file))
    result = run_cli("readwise", "check")
    assert result.exit_code == 2
    assert result.stderr == f"excerpta: error: READWISE_TOKEN_FILE={token_file}: the file {BAD_TOKEN_LINE}"


def test_a_redirecting_api_url_is_not_an_accepted_token(run_cli, monkeypatch):
    """A redirect (here www. to the bare domain, answered by respx, offline) names the URL to use."""
    monkeypatch.setenv("READWISE_TOKEN", "some_token_value_123456")
    monkeypatch.setenv("READWISE_API_URL", "https://www.readwise.io")
    with respx.mock(base_url="https://www.readwise.io") as router:
        router.get("/api/v2/auth/").mock(return_value=httpx.Response(
            301, headers={"Location": "https://readwise.io/api/v2/auth/"}))
        result = run_cli("readwise", "check")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == ("excerpta: error: GET /api/v2/auth/ at https://www.readwise.io is redirected "
                             "(HTTP 301) to https://readwise.io/api/v2/auth/: set READWISE_API_URL to "
                             "https://readwise.io\n")


@pytest.mark.parametrize("url", ["http://readwise.io", "https://me:hunter2@readwise.io"])
def test_an_api_url_that_would_expose_a_secret_is_refused_before_any_request(run_cli, monkeypatch, url):
    monkeypatch.setenv("READWISE_TOKEN", "some_token_value_123456")
    monkeypatch.setenv("READWISE_API_URL", url)
    with respx.mock(assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(204))
        result = run_cli("readwise", "check")
    assert result.exit_code == 2
    assert result.stderr.startswith("excerpta: error: READWISE_API_URL is ")
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.output
    assert route.call_count == 0
