"""``excerpta ingest token`` and ``excerpta ingest serve`` as a user runs them, and excerpta
sending a library to another excerpta through its ``readwise`` writer."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from ingest_helpers import TOKEN, settings_for
from pydantic import SecretStr

from excerpta.ingest.server import IngestServer
from excerpta.ingest.settings import default_token_file, load_settings

from paths import EXAMPLES


def test_a_token_is_made_once_kept_private_and_shown_again(run_cli):
    made = run_cli("ingest", "token")
    assert made.exit_code == 0
    token = made.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", token)
    saved = default_token_file()
    assert saved.read_text(encoding="utf-8") == token + "\n"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert run_cli("ingest", "token").stdout.strip() == token
    renewed = run_cli("ingest", "token", "--new")
    assert renewed.stdout.strip() not in ("", token)
    assert "the endpoint now refuses the old token" in renewed.stderr


def test_a_token_from_the_environment_is_not_shown_or_replaced(run_cli, monkeypatch):
    monkeypatch.setenv("EXCERPTA_INGEST_TOKEN", TOKEN)
    refused = run_cli("ingest", "token", "--new")
    assert refused.exit_code == 2
    assert TOKEN not in refused.output
    assert "the token is set by EXCERPTA_INGEST_TOKEN or EXCERPTA_INGEST_TOKEN_FILE" in refused.output


@pytest.mark.parametrize(("token", "said"), [
    ("short", "is 5 characters long: an ingest token has 16 to 200"),
    ("a token with spaces in it", "holds characters a token cannot"),
])
def test_a_weak_or_mistyped_token_is_refused_before_listening(run_cli, monkeypatch, token, said):
    monkeypatch.setenv("EXCERPTA_INGEST_TOKEN", token)
    refused = run_cli("ingest", "serve", "--listen", "127.0.0.1:0")
    assert refused.exit_code == 2
    assert f"EXCERPTA_INGEST_TOKEN {said}" in refused.output
    assert token not in refused.output


def test_serving_without_any_token_says_how_to_make_one(run_cli):
    refused = run_cli("ingest", "serve", "--listen", "127.0.0.1:0")
    assert refused.exit_code == 2
    assert "no ingest token: run `excerpta ingest token` to make one" in refused.output


@pytest.mark.parametrize("listen", ["8765", "localhost:", "[::1:80", "::1:80", "[nohost]:80", "host:99999"])
def test_an_address_that_is_no_host_and_port_is_refused(run_cli, monkeypatch, listen):
    monkeypatch.setenv("EXCERPTA_INGEST_TOKEN", TOKEN)
    refused = run_cli("ingest", "serve", "--listen", listen)
    assert refused.exit_code == 2
    assert "--listen: " in refused.output


def test_serve_takes_highlights_until_sigterm_and_convert_reads_them(tmp_path):
    env = {**os.environ, "EXCERPTA_INGEST_TOKEN": TOKEN, "EXCERPTA_INBOX": str(tmp_path / "inbox.jsonl")}
    excerpta = [sys.executable, "-m", "excerpta"]
    server = subprocess.Popen([*excerpta, "ingest", "serve", "--listen", "127.0.0.1:0"],
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert server.stderr is not None
        first = server.stderr.readline()
        url = re.match(r"excerpta: ingest endpoint at (http://127\.0\.0\.1:\d+) \(inbox (.*)\)$",
                       first.strip())
        assert url is not None, first
        assert url[2] == str(tmp_path / "inbox.jsonl")
        posted = {"highlights": [{"title": "Walden", "author": "Henry David Thoreau", "chapter": "Economy",
                                  "text": "The mass of men lead lives of quiet desperation."}]}
        answer = httpx.post(url[1] + "/api/v2/highlights/", json=posted,
                            headers={"Authorization": f"Token {TOKEN}"})
        assert answer.status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0
    assert err.strip().splitlines()[-1] == "excerpta: ingest endpoint stopped"
    out = tmp_path / "out.json"
    converted = subprocess.run([*excerpta, "convert", "inbox:", "--to", "json", "--out", str(out)],
                               capture_output=True, text=True, env=env)
    assert converted.returncode == 0, converted.stderr
    [document] = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert (document["title"], [h["chapter"] for h in document["highlights"]]) == ("Walden", ["Economy"])


def test_a_library_sent_by_the_readwise_writer_arrives_with_its_ids_notes_dates_and_places(run_cli, tmp_path,
                                                                                          monkeypatch):
    inbox = tmp_path / "inbox.jsonl"
    server = IngestServer(settings_for(inbox))
    server.start()
    try:
        monkeypatch.setenv("READWISE_API_URL", server.url)
        monkeypatch.setenv("READWISE_TOKEN", TOKEN)
        sent = run_cli("convert", EXAMPLES / "My Clippings.txt", "--to", "readwise", "--out", "readwise:",
                       "--state", tmp_path / "sender.sqlite")
        assert sent.exit_code == 0, sent.output
        again = run_cli("convert", EXAMPLES / "My Clippings.txt", "--to", "readwise", "--out", "readwise:",
                        "--state", tmp_path / "sender.sqlite")
        assert again.exit_code == 0, again.output
    finally:
        server.stop()
    direct, received = tmp_path / "direct.json", tmp_path / "received.json"
    assert run_cli("convert", EXAMPLES / "My Clippings.txt", "--to", "json", "--out", direct).exit_code == 0
    assert run_cli("convert", inbox, "--to", "json", "--out", received).exit_code == 0

    def highlights(path: Path) -> dict[str, tuple]:
        documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
        return {h["id"]: (d["title"], d["author"], h["text"], h["note"], h["highlighted_at"])
                for d in documents for h in d["highlights"]}

    assert highlights(received) == highlights(direct)
    positions = lambda path: {h["id"]: (h["location"], h["tags"], h["is_favorite"])  # noqa: E731
                              for d in json.loads(path.read_text(encoding="utf-8"))["documents"]
                              for h in d["highlights"]}
    # a Kindle location arrives as Readwise's "order" position (the CREATE has no location type for it)
    assert positions(received) == positions(direct)
    assert len(highlights(direct)) > 10
    assert len(inbox.read_text(encoding="utf-8").splitlines()) - 1 == len(highlights(direct))  # sent once


def test_the_token_s_secret_never_reaches_a_repr():
    settings = settings_for(Path("inbox.jsonl"), token=SecretStr(TOKEN))
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


def test_the_token_of_the_ingest_table_s_file_is_the_one_shown_made_and_taken(run_cli, tmp_path):
    token_file = tmp_path / "secrets" / "ingest-token"
    config = tmp_path / "excerpta.toml"
    config.write_text(f'[ingest]\ntoken_file = "{token_file}"\ninbox = "{tmp_path / "inbox.jsonl"}"\n',
                      encoding="utf-8")
    made = run_cli("ingest", "token", "-c", config)
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token_file.read_text(encoding="utf-8") == token + "\n"
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert not default_token_file().exists()
    assert run_cli("ingest", "token", "-c", config).stdout.strip() == token
    table_settings = load_settings(token_file=token_file, configured_inbox=tmp_path / "inbox.jsonl",
                                   configured_listen="127.0.0.1:0")
    server = IngestServer(table_settings)
    server.start()
    try:
        auth = server.url + "/api/v2/auth/"
        assert httpx.get(auth, headers={"Authorization": f"Token {token}"}).status_code == 204
        renewed = run_cli("ingest", "token", "-c", config, "--new").stdout.strip()
        # taken at once, without a restart, and the old one refused
        assert httpx.get(auth, headers={"Authorization": f"Token {renewed}"}).status_code == 204
        assert httpx.get(auth, headers={"Authorization": f"Token {token}"}).status_code == 401
        token_file.write_text("short\n", encoding="utf-8")  # no token: the one before is still taken
        assert httpx.get(auth, headers={"Authorization": f"Token {renewed}"}).status_code == 204
    finally:
        server.stop()


def test_what_moon_reader_sends_arrives_with_its_chapter_note_and_arrival_date(run_cli, endpoint, tmp_path):
    # The body Moon+ Reader's "Readwise" sharing posts to the URL typed (as public receivers
    # of it read it): no date, no source_type, no location.
    moon = {"highlights": [{"title": "Walden", "author": "Henry David Thoreau", "chapter": "Economy",
                            "text": "The mass of men lead lives of quiet desperation.",
                            "note": "still true"}]}
    before = datetime.now(UTC).replace(microsecond=0)
    sent = httpx.post(endpoint.url + "/", json=moon, headers={"Authorization": f"Token {TOKEN}"})
    assert sent.status_code == 200
    out = tmp_path / "out.json"
    assert run_cli("convert", tmp_path / "inbox.jsonl", "--to", "json", "--out", out).exit_code == 0
    [document] = json.loads(out.read_text(encoding="utf-8"))["documents"]
    [highlight] = document["highlights"]
    assert (document["title"], document["author"], highlight["chapter"], highlight["note"]) == (
        "Walden", "Henry David Thoreau", "Economy", "still true")
    assert datetime.fromisoformat(highlight["highlighted_at"]) >= before


def test_a_book_keeps_the_spelling_of_its_title_across_reads(run_cli, tmp_path):
    inbox, state, out = tmp_path / "inbox.jsonl", tmp_path / "state.sqlite", tmp_path / "out.json"
    line = '{{"at": "2026-01-01T00:00:00Z", "via": null, "highlight": {}}}\n'
    inbox.write_text('{"excerpta_inbox": 1}\n' + line.format(json.dumps(
        {"text": "one", "title": "The Book", "author": "Ann Author"})), encoding="utf-8")
    assert run_cli("convert", inbox, "--to", "json", "--out", out, "--state", state).exit_code == 0
    with inbox.open("a", encoding="utf-8") as handle:
        handle.write(line.format(json.dumps({"text": "two", "title": "the book", "author": "ann author"})))
    assert run_cli("convert", inbox, "--to", "json", "--out", out, "--state", state).exit_code == 0
    [document] = json.loads(out.read_text(encoding="utf-8"))["documents"]
    # the title as the book came (a note's name, its header); the author as last sent
    assert (document["title"], document["author"], [h["text"] for h in document["highlights"]]) == (
        "The Book", "ann author", ["one", "two"])
