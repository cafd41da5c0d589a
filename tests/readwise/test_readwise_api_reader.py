"""Reader ``readwise`` end to end: the CLI against a fake Readwise server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import FatalSourceError
from excerpta.readers.readwise_api import SAFETY_MARGIN, ReadwiseCursor, ReadwiseReader
from excerpta.store import open_store
from state_checks import try_writing

from .conftest import cursor_for, read_jsonl
from .fake_readwise import Fault


def convert(run_cli, state, out, *extra):
    return run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", out, *extra)


def test_readwise_colon_is_recognised_and_nothing_else():
    assert registry.detect_reader(InputProbe.of("readwise:")) is ReadwiseReader
    assert ReadwiseReader.recognize(InputProbe.of("readwise")) == 0


def test_20000_highlights_arrive_complete_and_once_through_a_429_and_a_500(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=20_000, page_size=1000)
    server.inject(Fault.rate_limit("1"), at=3)
    server.inject(Fault.server_error(500), at=7)
    out = tmp_path / "highlights.jsonl"
    result = convert(run_cli, tmp_path / "state.sqlite", out)
    assert result.exit_code == 0, result.output
    highlights, lines = read_jsonl(out)
    assert lines == 20_000
    assert {int(h.removeprefix("readwise-")) for h in highlights} == server.highlight_ids()
    assert set(server.delivered.values()) == {1}
    assert sum(server.delivered.values()) == 20_000
    pages = server.pages_needed(includeDeleted="true")
    assert pages >= 20
    assert len({r.params.get("pageCursor") for r in server.export_requests}) == pages
    assert len(server.export_requests) == pages + 2  # the two faults, each retried once
    assert all(r.authorized for r in server.requests)
    assert all(r.params == {"includeDeleted": "true", **({"pageCursor": r.params["pageCursor"]}
                                                         if "pageCursor" in r.params else {})}
               for r in server.export_requests)


@pytest.fixture
def synced(run_cli, fake_readwise, tmp_path):
    """A 2,000-highlight account pulled once into a state database and a jsonl file."""
    server = fake_readwise(highlights=2_000, page_size=500)
    state, out = tmp_path / "state.sqlite", tmp_path / "highlights.jsonl"
    assert convert(run_cli, state, out).exit_code == 0
    return server, state, out


def test_the_cursor_is_saved_with_the_outputs_and_starts_before_the_pull(synced):
    server, state, _ = synced
    store = open_store(state)
    cursor = ReadwiseCursor.parse(store.cursor("convert", "readwise:"))
    store.close()
    assert cursor is not None
    assert cursor.api_url == server.url
    assert cursor.updated_after.tzinfo is not None


def test_an_incremental_run_after_no_change_makes_exactly_one_export_request(run_cli, synced):
    server, state, out = synced
    before_requests = len(server.requests)
    before = out.read_bytes(), out.stat().st_mtime_ns
    result = convert(run_cli, state, out)
    assert result.exit_code == 0, result.output
    new = server.requests[before_requests:]
    assert len(new) == 1
    assert set(new[0].params) == {"updatedAfter", "includeDeleted"}
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_after_three_edits_and_one_deletion_the_next_run_brings_exactly_those(run_cli, synced):
    server, state, out = synced
    old, _ = read_jsonl(out)
    ids = sorted(server.highlight_ids())
    edited = [ids[5], ids[700], ids[1999]]
    deleted = ids[1200]
    for number, highlight_id in enumerate(edited):
        server.edit_highlight(highlight_id, text=f"Edited text {number}", note="now with a note")
    server.delete_highlight(deleted)
    before_requests = len(server.requests)
    result = convert(run_cli, state, out)
    assert result.exit_code == 0, result.output
    new, lines = read_jsonl(out)
    assert lines == 2_000
    changed = {key for key in new if new[key] != old[key]}
    assert changed == {f"readwise-{i}" for i in [*edited, deleted]}
    assert [new[f"readwise-{i}"]["text"] for i in edited] == [f"Edited text {n}" for n in range(3)]
    assert all(new[f"readwise-{i}"]["note"] == "now with a note" for i in edited)
    assert new[f"readwise-{deleted}"]["is_deleted"] is True
    requests = server.requests[before_requests:]
    assert "updatedAfter" in requests[0].params
    changed_books = {server._highlight(i)["book_id"] for i in [*edited, deleted]}
    assert [set(r.params["ids"].split(",")) for r in requests[1:]] == [{str(b) for b in changed_books}]


def test_incremental_books_are_completed_whole_so_documents_stay_complete(fake_readwise):
    server = fake_readwise(highlights=300, page_size=100)
    book_id = sorted(server.books)[2]
    first = server.books[book_id]["highlights"][0]["id"]
    cursor = cursor_for(server, datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC))
    server.edit_highlight(first, text="changed")
    documents = list(ReadwiseReader().read("readwise:", ReadState(cursor=cursor)))
    whole = [d for d in documents if d.id == f"readwise-{book_id}"][-1]
    assert len(whole.highlights) == len(server.books[book_id]["highlights"])
    assert Counter(d.id for d in documents)[f"readwise-{book_id}"] == 2  # the change, then the book


def test_next_cursor_is_the_pull_start_not_its_end_minus_the_safety_margin(fake_readwise):
    server = fake_readwise(highlights=300, page_size=100)
    server.inject(Fault.slow(0.5), at=2)  # the pull lasts at least half a second
    state = ReadState()
    before = datetime.now(UTC)
    list(ReadwiseReader().read("readwise:", state))
    after = datetime.now(UTC)
    cursor = ReadwiseCursor.parse(state.next_cursor)
    assert cursor is not None
    assert after - before >= timedelta(seconds=0.5)
    # the server's Date header has whole seconds, so the start may be read up to 1 s early
    assert before - SAFETY_MARGIN - timedelta(seconds=1) <= cursor.updated_after
    assert cursor.updated_after <= before - SAFETY_MARGIN + timedelta(seconds=0.4)


def test_no_cursor_is_set_when_the_pull_fails_half_way(fake_readwise):
    server = fake_readwise(highlights=3000, page_size=1000)
    server.inject(Fault.server_error(400), at=2)
    state = ReadState()
    with pytest.raises(FatalSourceError, match="HTTP 400"):
        list(ReadwiseReader().read("readwise:", state))
    assert state.next_cursor is None


def test_a_failed_run_saves_no_cursor_and_the_next_run_pulls_everything(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=3000, page_size=1000)
    server.inject(Fault.server_error(400), at=2)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    assert convert(run_cli, state, out).exit_code == 3
    assert not out.exists()
    assert convert(run_cli, state, out).exit_code == 0
    assert all("updatedAfter" not in r.params for r in server.export_requests)
    assert read_jsonl(out)[1] == 3000


def test_a_cursor_from_another_api_url_or_unreadable_means_a_full_pull(fake_readwise):
    server = fake_readwise(highlights=50)
    for saved in ("not json", json.dumps({"version": 1, "updated_after": "2026-01-01T00:00:00+00:00",
                                          "api_url": "https://elsewhere.invalid"})):
        list(ReadwiseReader().read("readwise:", ReadState(cursor=saved)))
        assert "updatedAfter" not in server.export_requests[-1].params


def test_full_export_option_ignores_the_cursor(run_cli, synced):
    server, state, out = synced
    before = len(server.export_requests)
    result = convert(run_cli, state, out, "--full-export")
    assert result.exit_code == 0, result.output
    assert all("updatedAfter" not in r.params for r in server.export_requests[before:])
    assert len(server.export_requests) - before == server.pages_needed(includeDeleted="true")


def _saved_cursor(state) -> ReadwiseCursor:
    store = open_store(state)
    try:
        cursor = ReadwiseCursor.parse(store.cursor("convert", "readwise:"))
    finally:
        store.close()
    assert cursor is not None
    return cursor


def _age_full_pull(state, days: float) -> None:
    store = open_store(state)
    try:
        cursor = ReadwiseCursor.parse(store.cursor("convert", "readwise:"))
        aged = dataclasses.replace(cursor, full_at=datetime.now(UTC) - timedelta(days=days))
        store.commit_outputs([], [("convert", "readwise:", aged.dumps())])
    finally:
        store.close()


def test_a_book_level_edit_arrives_with_the_full_pull_made_once_the_last_is_a_week_old(run_cli, synced):
    # updatedAfter only sees highlights: a retitled book reaches no incremental pull.
    server, state, out = synced
    first_full = _saved_cursor(state).full_at
    assert first_full is not None
    book_id = sorted(server.books)[3]
    server.books[book_id]["title"] = "Retitled in Readwise"
    assert convert(run_cli, state, out).exit_code == 0
    titles = {h["document"]["title"] for h in read_jsonl(out)[0].values()}
    assert "Retitled in Readwise" not in titles
    assert _saved_cursor(state).full_at == first_full  # an incremental pull keeps the date
    _age_full_pull(state, days=8)
    before = len(server.export_requests)
    assert convert(run_cli, state, out).exit_code == 0
    assert all("updatedAfter" not in r.params for r in server.export_requests[before:])
    titles = {h["document"]["title"] for h in read_jsonl(out)[0].values()}
    assert "Retitled in Readwise" in titles
    assert datetime.now(UTC) - _saved_cursor(state).full_at < timedelta(minutes=1)  # no longer 8 days
    # With full_export_days=0 only --full-export pulls everything.
    _age_full_pull(state, days=30)
    before = len(server.export_requests)
    assert convert(run_cli, state, out, "-O", "full_export_days=0").exit_code == 0
    assert [set(r.params) for r in server.export_requests[before:]] == [{"updatedAfter", "includeDeleted"}]


def test_convert_without_a_token_is_one_line_and_exit_2(run_cli, tmp_path):
    result = run_cli("convert", "readwise:", "--to", "json", "--out", tmp_path / "out.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("excerpta: error: no Readwise token: set READWISE_TOKEN")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out.json").exists()


def test_a_slow_pull_never_holds_the_state_other_runs_share(run_cli, fake_readwise, tmp_path):
    # The pull is read into a temporary file before the run's transaction: another run sharing
    # the state (a sync into another output) can write it while Readwise is slow or makes us
    # wait out a Retry-After, instead of waiting up to 30 s and giving up.
    server = fake_readwise(highlights=2_000, page_size=500)
    server.inject(Fault.slow(1.0), at=2)
    state, out = tmp_path / "state.sqlite", tmp_path / "highlights.jsonl"
    open_store(state).close()
    probed: list[str] = []

    def write_while_pulling() -> None:
        while len(server.export_requests) < 2:
            time.sleep(0.01)
        probed.append(try_writing(state))

    prober = threading.Thread(target=write_while_pulling)
    prober.start()
    result = convert(run_cli, state, out)
    prober.join()
    assert result.exit_code == 0, result.output
    assert probed == ["written"]
    highlights, _ = read_jsonl(out)
    assert {int(h.removeprefix("readwise-")) for h in highlights} == server.highlight_ids()
