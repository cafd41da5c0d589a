"""Where the Readwise token and API URL come from."""

from __future__ import annotations

import logging

import pytest

from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.errors import ConfigError

TOKEN = "tok_settings_0123456789"


def test_the_token_variable_wins_over_the_token_file(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("tok_from_the_file_000000")
    settings = ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN, "READWISE_TOKEN_FILE": str(token_file)})
    assert settings.token.get_secret_value() == TOKEN


def test_a_token_file_is_read_and_stripped(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(f"  {TOKEN}\n")
    token_file.chmod(0o600)
    settings = ReadwiseSettings.from_env({"READWISE_TOKEN_FILE": str(token_file)})
    assert settings.token.get_secret_value() == TOKEN


@pytest.mark.parametrize("saved", [f"\ufeff{TOKEN}\r\n", f"Token {TOKEN}\n", f"token  {TOKEN}"],
                         ids=["notepad-bom", "header-copied", "lower-case"])
def test_a_token_saved_with_a_bom_or_copied_with_its_token_prefix_is_the_token(tmp_path, saved):
    # Readwise audit: refused as "smart quotes or spaces pasted?".
    token_file = tmp_path / "token"
    token_file.write_text(saved, encoding="utf-8")
    token_file.chmod(0o600)
    for environ in ({"READWISE_TOKEN_FILE": str(token_file)}, {"READWISE_TOKEN": saved}):
        assert ReadwiseSettings.from_env(environ).token.get_secret_value() == TOKEN


def test_an_empty_token_file_says_so(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("\n", encoding="utf-8")
    token_file.chmod(0o600)
    with pytest.raises(ConfigError) as caught:
        ReadwiseSettings.from_env({"READWISE_TOKEN_FILE": str(token_file)})
    assert str(caught.value).startswith(f"READWISE_TOKEN_FILE={token_file}: the file is empty (put the "
                                        "token in it")


def test_a_token_file_others_can_read_is_warned_about(tmp_path, caplog):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    token_file.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        ReadwiseSettings.from_env({"READWISE_TOKEN_FILE": str(token_file)})
    assert "readable by other users; chmod 600 it" in caplog.text
    assert TOKEN not in caplog.text


def test_the_api_url_defaults_to_readwise_and_loses_a_trailing_slash():
    assert ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN}).api_url == "https://readwise.io"
    custom = ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN, "READWISE_API_URL": "http://127.0.0.1:9/"})
    assert custom.api_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(("url", "base"), [
    ("https://readwise.io/api/v2", "https://readwise.io"), ("https://readwise.io/api/v2/", "https://readwise.io"),
    ("http://127.0.0.1:9/proxy/api/v2//", "http://127.0.0.1:9/proxy"),
])
def test_a_trailing_api_v2_as_readwise_docs_write_it_is_dropped(url, base):
    # the client adds /api/v2/… to every path: kept, it would ask for /api/v2/api/v2/auth/
    assert ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN, "READWISE_API_URL": url}).api_url == base


def test_an_endpoint_url_pasted_whole_is_refused_naming_the_part_to_give():
    with pytest.raises(ConfigError) as caught:
        ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN,
                                   "READWISE_API_URL": "https://readwise.io/api/v2/export/"})
    assert str(caught.value) == ("READWISE_API_URL is a URL with a path after /api/v2: give the part "
                                 "before /api/v2 (such as https://readwise.io)")


@pytest.mark.parametrize("environ", [{}, {"READWISE_TOKEN": "   "}, {"READWISE_TOKEN_FILE": ""}])
def test_no_token_is_a_config_error_saying_where_to_get_one(environ):
    with pytest.raises(ConfigError, match=r"https://readwise\.io/access_token"):
        ReadwiseSettings.from_env(environ)


def test_timeouts_can_be_overridden():
    settings = ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN}, read_timeout=5.0)
    assert (settings.connect_timeout, settings.read_timeout) == (10.0, 5.0)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://127.5.6.7", "http://localhost:9",
                                 "http://LOCALHOST", "http://[::1]:8080", "https://readwise.io",
                                 "https://example.com:8443"])
def test_http_is_accepted_to_this_machine_and_https_anywhere(url):
    assert ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN, "READWISE_API_URL": url}).api_url == url


@pytest.mark.parametrize("url", ["http://readwise.io", "http://example.com:8080", "http://10.0.0.1",
                                 "http://[2001:db8::1]", "http://localhost.example.com"])
def test_http_to_another_host_is_refused_as_the_token_would_travel_in_clear_text(url):
    with pytest.raises(ConfigError) as caught:
        ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN, "READWISE_API_URL": url})
    assert str(caught.value) == (
        "READWISE_API_URL is http:// to a host other than this machine: the token would travel in "
        "clear text; use https:// (http:// is for a local server only)")


_USERINFO = ("READWISE_API_URL is a URL with a user name or password (user:password@) in it: remove it, "
             "the token is the only credential Readwise takes")
_QUERY = ("READWISE_API_URL is a URL with a query or fragment (?… or #…) in it: give only the scheme, "
          "host and port (a secret there would be shown in messages)")

_IN_PATH = ("READWISE_API_URL is a URL with what looks like a token in its path: give only the scheme, host "
            "and port; the token goes in READWISE_TOKEN or a token file")


@pytest.mark.parametrize(("url", "message"), [
    ("https://user:hunter2@readwise.io", _USERINFO), ("https://user@readwise.io", _USERINFO),
    ("https://:hunter2@readwise.io", _USERINFO), ("http://user:hunter2@127.0.0.1:9", _USERINFO),
    ("https://readwise.io/?token=hunter2", _QUERY), ("http://127.0.0.1:9/?token=hunter2", _QUERY),
    ("https://readwise.io#hunter2", _QUERY), ("https://readwise.io/api?", _QUERY),
    # the token pasted into the path (security audit): shown in every message naming the URL
    ("https://readwise.io/hunter2hunter2hunter2hunter2", _IN_PATH),
    ("http://127.0.0.1:9/api/v2/hunter2hunter2hunter2hunter2/", _IN_PATH),
])
def test_a_url_with_a_secret_in_it_is_refused_without_echoing_it(url, message):
    # A user:password@, a query or a fragment: whatever secret is there stays out of messages.
    with pytest.raises(ConfigError) as caught:
        ReadwiseSettings.from_env({"READWISE_TOKEN": TOKEN, "READWISE_API_URL": url})
    assert str(caught.value) == message
    assert "hunter2" not in str(caught.value)
    assert "\n" not in str(caught.value)
