"""What the ``readwise`` reader's cursor records and when it forces a full pull (fake server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from excerpta.adapters import ReadState
from excerpta.errors import ConfigError
from excerpta.readers.readwise_api import SAFETY_MARGIN, ReadwiseApiOptions, ReadwiseReader
from excerpta.readwise.cursor import ReadwiseCursor, account_fingerprint, same_account

from .conftest import cursor_for

OTHER_TOKEN = "another_account_token_0123456789"


def pull(state: ReadState, reader: ReadwiseReader | None = None) -> list:
    return list((reader or ReadwiseReader()).read("readwise:", state))


def was_incremental(server, before: int) -> bool:
    return "updatedAfter" in server.export_requests[before].params


def test_the_cursor_records_the_account_as_a_salted_fingerprint_never_the_token(fake_readwise):
    server = fake_readwise(highlights=20)
    first, second = ReadState(), ReadState()
    pull(first)
    pull(second)
    assert server.token not in first.next_cursor
    accounts = [ReadwiseCursor.parse(s.next_cursor).account for s in (first, second)]
    assert accounts[0] != accounts[1]  # a new salt each time: nothing to match across files
    assert all(same_account(account, server.token) for account in accounts)
    assert not any(same_account(account, OTHER_TOKEN) for account in accounts)
    salt, digest = accounts[0].split(":")
    assert (len(salt), len(digest)) == (16, 16)


@pytest.mark.parametrize("fingerprint", [None, "", "nocolon", "é:abc", "00:é", "00:00", 5])
def test_anything_but_a_fingerprint_of_the_token_is_another_account(fingerprint):
    assert not same_account(fingerprint, OTHER_TOKEN)
    assert same_account(account_fingerprint(OTHER_TOKEN), OTHER_TOKEN)


def test_another_token_means_a_full_pull(fake_readwise, monkeypatch):
    server = fake_readwise(highlights=20)
    state = ReadState()
    pull(state)
    before = len(server.export_requests)
    pull(ReadState(cursor=state.next_cursor))
    assert was_incremental(server, before)
    server.token = OTHER_TOKEN  # the same server, another account
    monkeypatch.setenv("READWISE_TOKEN", OTHER_TOKEN)
    before = len(server.export_requests)
    documents = pull(ReadState(cursor=state.next_cursor))
    assert not was_incremental(server, before)
    assert sum(len(d.highlights) for d in documents) == 20


def test_a_cursor_saved_before_accounts_were_recorded_means_a_full_pull(fake_readwise):
    server = fake_readwise(highlights=20)
    old = json.dumps({"version": 1, "updated_after": datetime.now(UTC).isoformat(),
                      "api_url": server.url, "full_at": datetime.now(UTC).isoformat()})
    assert ReadwiseCursor.parse(old).account is None
    state = ReadState(cursor=old)
    pull(state)
    assert "updatedAfter" not in server.export_requests[-1].params
    assert ReadwiseCursor.parse(state.next_cursor).account is not None


@pytest.mark.parametrize(("before", "after"), [(False, True), (True, False)])
def test_changing_keep_discarded_means_a_full_pull_that_remaps_what_was_synced(fake_readwise,
                                                                              before, after):
    server = fake_readwise(highlights=20, per_book=5)
    discarded = sorted(server.highlight_ids())[0]
    server._highlight(discarded)["is_discard"] = True  # long ago: no incremental pull sees it
    state = ReadState(cursor=cursor_for(server, datetime.now(UTC), datetime.now(UTC),
                                        keep_discarded=before))
    first = len(server.export_requests)
    pull(state, ReadwiseReader(ReadwiseApiOptions(keep_discarded=before)))
    assert was_incremental(server, first)
    second = len(server.export_requests)
    documents = pull(ReadState(cursor=state.next_cursor),
                     ReadwiseReader(ReadwiseApiOptions(keep_discarded=after)))
    assert not was_incremental(server, second)
    [highlight] = [h for d in documents for h in d.highlights if h.id == f"readwise-{discarded}"]
    assert highlight.is_deleted is (not after)


def test_full_export_days_is_bounded_with_a_clear_error():
    with pytest.raises(ConfigError, match="full_export_days: Input should be less than or equal to 3650"):
        ReadwiseReader.from_options({"full_export_days": 1_000_000_000})


def test_a_huge_full_export_days_on_the_command_line_is_a_user_error(run_cli, fake_readwise, tmp_path):
    fake_readwise(highlights=5)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("--state", state, "convert", "readwise:", "--to", "json", "--out", out).exit_code == 0
    result = run_cli("--state", state, "convert", "readwise:", "--to", "json", "--out", out,
                     "-O", "full_export_days=1000000000")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "full_export_days" in result.stderr


class TestWithoutADateHeader:
    """A server (or proxy) that sends no Date header, and our clock an hour ahead of it."""

    @pytest.fixture
    def ahead(self):
        reader = ReadwiseReader()
        reader.now = lambda: datetime.now(UTC) + timedelta(hours=1)
        return reader

    def test_an_edit_made_right_after_a_sync_arrives(self, fake_readwise, ahead):
        server = fake_readwise(highlights=20, send_date=False)
        state = ReadState()
        pull(state, ahead)
        newest = max(datetime.fromisoformat(h["updated_at"]) for b in server.books.values()
                     for h in b["highlights"])
        assert ReadwiseCursor.parse(state.next_cursor).updated_after == newest - SAFETY_MARGIN
        edited = sorted(server.highlight_ids())[3]
        server.edit_highlight(edited, text="edited after the sync")
        after_edit = ReadState(cursor=state.next_cursor)
        documents = pull(after_edit, ahead)
        assert "edited after the sync" in [h.text for d in documents for h in d.highlights]
        # the next cursor follows the edit (server time), not our clock an hour ahead
        resumed = ReadwiseCursor.parse(after_edit.next_cursor).updated_after
        assert resumed < datetime.now(UTC) - SAFETY_MARGIN + timedelta(seconds=5)

    def test_a_pull_that_sees_no_change_keeps_the_previous_cursor(self, fake_readwise, ahead):
        server = fake_readwise(highlights=20, send_date=False)
        since = datetime.now(UTC) - timedelta(minutes=1)
        state = ReadState(cursor=cursor_for(server, since, datetime.now(UTC)))
        assert pull(state, ahead) == []
        assert ReadwiseCursor.parse(state.next_cursor).updated_after == since

    def test_a_full_pull_that_sees_nothing_sets_no_cursor(self, fake_readwise, ahead):
        fake_readwise(highlights=0, send_date=False)
        state = ReadState()
        assert pull(state, ahead) == []
        assert state.next_cursor is None

    def test_with_a_date_header_the_server_clock_wins(self, fake_readwise, ahead):
        fake_readwise(highlights=20)
        state = ReadState()
        before = datetime.now(UTC)
        pull(state, ahead)
        resumed = ReadwiseCursor.parse(state.next_cursor).updated_after
        assert before - SAFETY_MARGIN - timedelta(seconds=1) <= resumed <= datetime.now(UTC) - SAFETY_MARGIN
