"""The ingest endpoint over HTTP on loopback: Readwise's token check and highlight CREATE,
answered only once what it took is on disk."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from ingest_helpers import AUTH, TOKEN, settings_for

from excerpta.errors import StateError
from excerpta.ingest.connections import ConnectionGuard
from excerpta.ingest.inbox import HEADER_LINE
from excerpta.ingest.server import IngestServer

NOT_GIVEN = {"detail": "Authentication credentials were not provided."}
BLANK = {"text": ["This field may not be blank."]}


def post(server: IngestServer, *texts: str, path: str = "/") -> int:
    """The status of a POST of highlights of ``texts`` to ``server`` (at ``path``)."""
    body = {"highlights": [{"text": text} for text in texts]}
    return httpx.post(server.url + path, headers=AUTH, json=body).status_code


def inbox_records(path: Path) -> list[dict]:
    lines = path.read_bytes().splitlines()
    assert lines[0] == HEADER_LINE.strip()
    return [json.loads(line) for line in lines[1:]]


def test_the_token_check_answers_204_for_the_token_and_401_otherwise(endpoint):
    url = endpoint.url + "/api/v2/auth/"
    assert httpx.get(url, headers=AUTH).status_code == 204
    bearer = {"authorization": f"bearer {TOKEN}"}
    assert httpx.get(endpoint.url + "/api/v2/auth", headers=bearer).status_code == 204
    missing = httpx.get(url)
    assert (missing.status_code, missing.json()) == (401, NOT_GIVEN)
    wrong = httpx.get(url, headers={"Authorization": f"Token {TOKEN}x"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "Invalid token."})
    assert httpx.get(url, headers={"Authorization": TOKEN}).status_code == 401  # no scheme


def test_highlights_posted_are_on_disk_in_the_inbox_when_answered(endpoint, tmp_path):
    posted = [{"text": "Call me Ishmael.", "title": "Moby-Dick", "author": "Herman Melville",
               "source_type": "moonreader", "highlighted_at": "2024-03-01T10:00:00Z"},
              {"text": "Second", "title": "Moby-Dick", "author": "Herman Melville", "highlight_url": "https://x.test/2"},
              {"text": "An essay line", "source_url": "https://example.org/essay"}]
    answer = httpx.post(endpoint.url + "/api/v2/highlights/", headers=AUTH, json={"highlights": posted})
    assert answer.status_code == 200
    books = answer.json()
    said = [(b["title"], b["category"], b["num_highlights"], len(b["modified_highlights"])) for b in books]
    assert said == [("Moby-Dick", "books", 2, 2), ("Quotes", "articles", 1, 1)]
    assert books[0]["last_highlight_at"] == "2024-03-01T10:00:00Z"
    records = inbox_records(tmp_path / "inbox.jsonl")
    assert [record["highlight"] for record in records] == posted
    assert {record["via"] for record in records} == {"moonreader"}
    assert stat.S_IMODE(os.stat(tmp_path / "inbox.jsonl").st_mode) == 0o600


def test_half_an_emoji_an_app_cut_is_taken_as_the_replacement_character(endpoint, tmp_path):
    # Audit M3: a lone surrogate escape (a Java or JavaScript string cut mid-emoji) crashed the
    # handler: no answer at all, so the app sent it again for ever and it never landed.
    raw = (b'{"highlights": [{"text": "cut emoji \\ud83d", "title": "T \\udc00", '
           b'"note": "\\ud83d\\ude00 whole"}]}')
    answer = httpx.post(endpoint.url + "/api/v2/highlights/", content=raw,
                        headers={**AUTH, "Content-Type": "application/json"})
    assert answer.status_code == 200
    assert answer.json()[0]["title"] == "T \ufffd"
    [record] = inbox_records(tmp_path / "inbox.jsonl")
    assert record["highlight"] == {"text": "cut emoji \ufffd", "title": "T \ufffd",
                                   "note": "\U0001f600 whole"}


@pytest.mark.parametrize("raw", [
    b'{"highlights": [{"text": "raw \xed\xa0\xbd", "title": "T"}]}',  # WTF-8: a surrogate's own bytes
    '{"highlights": [{"text": "raw \\ud83d", "title": "T"}]}'.encode("utf-16-le"),  # UTF-16
])
def test_half_an_emoji_in_any_encoding_json_reads_is_the_replacement_character(endpoint, tmp_path, raw):
    # Review F6: these still crashed the request unanswered.
    answer = httpx.post(endpoint.url + "/api/v2/highlights/", content=raw, headers=AUTH)
    assert answer.status_code == 200
    [record] = inbox_records(tmp_path / "inbox.jsonl")
    assert record["highlight"] == {"text": "raw \ufffd", "title": "T"}


@pytest.mark.parametrize("path", ["/api/v2/highlights", "/", "/api/v2/highlights/?x=1"])
def test_apps_given_the_bare_address_or_no_slash_reach_the_same_endpoint(endpoint, tmp_path, path):
    assert post(endpoint, "t", path=path) == 200
    assert len(inbox_records(tmp_path / "inbox.jsonl")) == 1


def test_a_refused_request_keeps_nothing(endpoint, tmp_path):
    answer = httpx.post(endpoint.url + "/api/v2/highlights/", headers=AUTH,
                        json={"highlights": [{"text": "fine"}, {"title": "no text"}]})
    assert (answer.status_code, answer.json()) == (400, {"highlights": [{}, BLANK]})
    assert inbox_records(tmp_path / "inbox.jsonl") == []
    unauthorised = httpx.post(endpoint.url + "/api/v2/highlights/", json={"highlights": [{"text": "t"}]})
    assert unauthorised.status_code == 401
    assert inbox_records(tmp_path / "inbox.jsonl") == []


@pytest.mark.parametrize("path", ["/", "/api/v2/highlights/", "/api/v2/highlights"])
def test_an_app_checking_the_url_it_was_given_gets_an_empty_list_for_the_token(endpoint, path):
    listed = httpx.get(endpoint.url + path, headers=AUTH)
    empty = {"count": 0, "next": None, "previous": None, "results": []}
    assert (listed.status_code, listed.json()) == (200, empty)
    assert httpx.get(endpoint.url + path).status_code == 401


def test_other_paths_and_methods_are_refused(endpoint):
    assert httpx.get(endpoint.url + "/api/v2/export/", headers=AUTH).status_code == 404
    assert httpx.post(endpoint.url + "/api/v2/books/", headers=AUTH, json={}).status_code == 404
    assert httpx.put(endpoint.url + "/api/v2/highlights/", headers=AUTH, json={}).status_code == 405
    assert httpx.delete(endpoint.url + "/api/v2/highlights/1/", headers=AUTH).status_code == 405


def test_a_body_too_large_is_refused_without_being_read(tmp_path):
    server = IngestServer(settings_for(tmp_path / "inbox.jsonl", max_body=1000))
    server.start()
    try:
        big = {"highlights": [{"text": "x" * 2000}]}
        answer = httpx.post(server.url + "/api/v2/highlights/", headers=AUTH, json=big)
        assert answer.status_code == 413
        chunks = (part for part in (b'{"highlights": [{"text": "', b"y" * 1500, b'"}]}'))
        assert httpx.post(server.url + "/", headers=AUTH, content=chunks).status_code == 413
        assert post(server, "small") == 200
    finally:
        server.stop()
    assert [r["highlight"]["text"] for r in inbox_records(tmp_path / "inbox.jsonl")] == ["small"]


def test_a_chunked_body_is_read(endpoint, tmp_path):
    chunks = (part for part in (b'{"highlights": [{"te', b'xt": "chunked"}]}'))
    assert httpx.post(endpoint.url + "/", headers=AUTH, content=chunks).status_code == 200
    assert inbox_records(tmp_path / "inbox.jsonl")[0]["highlight"] == {"text": "chunked"}


def test_a_request_without_its_length_is_refused(endpoint):
    host, port = endpoint.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Token {TOKEN}\r\n\r\n".encode())
        assert connection.recv(100).startswith(b"HTTP/1.1 411 ")


def test_requests_at_once_from_many_apps_each_land_whole(endpoint, tmp_path):
    def send(sender: int) -> None:
        with httpx.Client(headers=AUTH) as client:
            for number in range(20):
                highlights = [{"text": f"{sender}-{number}-{part} " + "w" * 3000} for part in range(3)]
                assert client.post(endpoint.url + "/", json={"highlights": highlights}).status_code == 200

    threads = [threading.Thread(target=send, args=(sender,)) for sender in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [record["highlight"]["text"].split()[0] for record in inbox_records(tmp_path / "inbox.jsonl")]
    assert sorted(texts) == sorted(f"{s}-{n}-{p}" for s in range(8) for n in range(20) for p in range(3))
    for sender in range(8):  # one request's highlights are written together, in order
        for number in range(20):
            at = texts.index(f"{sender}-{number}-0")
            assert texts[at:at + 3] == [f"{sender}-{number}-{p}" for p in range(3)]


def test_a_line_cut_short_by_a_crash_is_removed_when_a_server_starts(tmp_path, caplog):
    inbox = tmp_path / "inbox.jsonl"
    whole = json.dumps({"at": "2026-01-01T00:00:00Z", "via": None, "highlight": {"text": "whole"}}) + "\n"
    torn = b'{"at": "2026-01-01T00:00:01Z", "via": nu'
    inbox.write_bytes(HEADER_LINE + whole.encode() + torn)
    with caplog.at_level(logging.WARNING):
        server = IngestServer(settings_for(inbox))
    try:
        server.start()
        assert post(server, "after") == 200
    finally:
        server.stop()
    assert [r["highlight"]["text"] for r in inbox_records(inbox)] == ["whole", "after"]
    assert f"the last {len(torn)} byte(s) were a highlight cut short by a crash" in caplog.text


def test_a_file_that_is_no_inbox_is_never_written_to(tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"mine": 1}\n', encoding="utf-8")
    with pytest.raises(StateError, match="not an excerpta inbox"):
        IngestServer(settings_for(notes))
    assert notes.read_text(encoding="utf-8") == '{"mine": 1}\n'


def test_an_address_in_use_is_said_so(endpoint, tmp_path):
    port = endpoint.server_address[1]
    with pytest.raises(StateError, match=f"cannot listen on 127.0.0.1:{port} .*give another port"):
        IngestServer(settings_for(tmp_path / "other.jsonl", port=port))


def test_an_inbox_deleted_while_serving_is_made_again_with_its_header(endpoint, tmp_path):
    (tmp_path / "inbox.jsonl").unlink()
    assert post(endpoint, "t") == 200
    assert [r["highlight"] for r in inbox_records(tmp_path / "inbox.jsonl")] == [{"text": "t"}]


def test_neither_the_token_nor_a_highlight_reaches_the_log(endpoint, caplog):
    with caplog.at_level(logging.DEBUG):
        httpx.post(endpoint.url + "/", headers={"Authorization": "Token a-guess-of-the-token-123"},
                   json={"highlights": [{"text": "secret passage"}]})
        httpx.post(endpoint.url + "/", headers=AUTH,
                   json={"highlights": [{"text": "private words", "location": "x"}]})
    assert "refused a request from 127.0.0.1: a wrong token" in caplog.text
    assert "highlight 1 from 127.0.0.1: location left out (not a whole number)" in caplog.text
    for secret in (TOKEN, "a-guess-of-the-token-123", "secret passage", "private words"):
        assert secret not in caplog.text


def test_an_inbox_that_cannot_be_written_is_503_and_the_app_sends_again(endpoint, tmp_path, caplog):
    (tmp_path / "inbox.jsonl").unlink()
    (tmp_path / "inbox.jsonl").mkdir()  # what the server opens to append to is no file now
    answer = httpx.post(endpoint.url + "/", headers=AUTH, json={"highlights": [{"text": "t"}]})
    assert answer.status_code == 503
    assert "cannot write to the inbox (Is a directory)" in caplog.text


def test_a_second_server_on_one_inbox_is_refused_and_one_failing_on_its_port_leaves_it(endpoint, tmp_path):
    with pytest.raises(StateError, match=r"another excerpta .* is serving this inbox"):
        IngestServer(settings_for(tmp_path / "inbox.jsonl"))
    assert post(endpoint, "first") == 200
    with (tmp_path / "inbox.jsonl").open("ab") as inbox:  # a line being written, as another's append
        inbox.write(b'{"at": "2026-01-01T00:00:00Z", "via": null, "highl')
    with pytest.raises(StateError, match="cannot listen on"):
        IngestServer(settings_for(tmp_path / "inbox.jsonl", port=endpoint.server_address[1]))
    assert (tmp_path / "inbox.jsonl").read_bytes().endswith(b'"highl')  # not cut as a crash's


def test_a_write_the_disk_cut_short_is_undone_and_the_app_s_retry_lands_whole(tmp_path):
    # RLIMIT_FSIZE stands in for a full disk (a write cut short, then refused), in a process of its own.
    script = f"""
import json, resource, signal, sys
from pathlib import Path
import httpx
sys.path.insert(0, {str(Path(__file__).parent)!r})
from ingest_helpers import AUTH, settings_for
from excerpta.ingest.server import IngestServer
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
inbox = Path({str(tmp_path / "inbox.jsonl")!r})
server = IngestServer(settings_for(inbox))
server.start()
post = lambda *texts: httpx.post(server.url + "/", headers=AUTH,
                                 json={{"highlights": [{{"text": t}} for t in texts]}}).status_code
print(post("first"))
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (inbox.stat().st_size + 40, hard))
print(post("second " + "x" * 200))
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
print(post("second " + "x" * 200, "third"))
server.stop()
"""
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert ran.stdout.split() == ["200", "503", "200"], ran.stderr
    texts = [r["highlight"]["text"].split()[0] for r in inbox_records(tmp_path / "inbox.jsonl")]
    assert texts == ["first", "second", "third"]


def test_a_blank_title_is_no_title(endpoint, tmp_path):
    body = {"highlights": [{"text": "t", "title": "   ", "author": "\t"}]}
    assert httpx.post(endpoint.url + "/", headers=AUTH, json=body).status_code == 200
    kept = inbox_records(tmp_path / "inbox.jsonl")[0]["highlight"]
    assert kept == {"text": "t", "title": None, "author": None}


def test_a_negative_chunk_size_or_a_length_that_is_no_number_is_refused(endpoint):
    host, port = endpoint.server_address[:2]
    head = f"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Token {TOKEN}\r\n"
    for request in (head + "Transfer-Encoding: chunked\r\n\r\n-1\r\n" + "x" * 5000,
                    head + "Content-Length: \u00b2\r\n\r\n"):
        with socket.create_connection((host, port), timeout=10) as connection:
            connection.sendall(request.encode("latin-1"))
            assert connection.recv(100).split(b" ")[1] in (b"400", b"411")


def test_a_client_going_away_is_no_error_in_the_log(endpoint, caplog, capsys):
    host, port = endpoint.server_address[:2]
    with caplog.at_level(logging.INFO), socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(f"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Token {TOKEN}\r\n"
                           "Content-Length: 100\r\n\r\n{".encode())
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset
    assert post(endpoint, "after") == 200
    assert "Traceback" not in capsys.readouterr().err
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_connections_past_the_limit_are_refused_and_idle_ones_shut(tmp_path):
    server = IngestServer(settings_for(tmp_path / "inbox.jsonl"))
    server.guard = ConnectionGuard(limit=2, idle=1.0)
    server.start()
    host, port = server.server_address[:2]
    try:
        idle = [socket.create_connection((host, port), timeout=10) for _ in range(2)]
        time.sleep(0.3)
        with socket.create_connection((host, port), timeout=10) as third:
            assert third.recv(100).startswith(b"HTTP/1.1 503 ")
        for connection in idle:  # a byte now and then does not keep it: shut within a second or two
            connection.sendall(b"P")
        assert all(connection.recv(100) == b"" for connection in idle)
        assert post(server, "after") == 200  # their slots are free again
    finally:
        for connection in idle:
            connection.close()
        server.stop()
