"""Reader ``hypothesis-api`` end to end: the CLI against a fake Hypothesis server on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.hypothesis.cursor import HypothesisCursor
from excerpta.readers.hypothesis_api import SAFETY_MARGIN, HypothesisApiReader
from excerpta.store import open_store

from .conftest import read_jsonl
from .fake_hypothesis import GROUP, USER, stamp


def convert(run_cli, state, out, *extra):
    return run_cli("--state", state, "convert", "hypothesis:", "--to", "jsonl", "--out", out, *extra)


def saved_cursor(state) -> HypothesisCursor:
    store = open_store(state)
    try:
        cursor = HypothesisCursor.parse(store.cursor("convert", "hypothesis:"))
    finally:
        store.close()
    assert cursor is not None
    return cursor


def test_hypothesis_colon_is_recognised_and_nothing_else():
    assert registry.detect_reader(InputProbe.of("hypothesis:")) is HypothesisApiReader
    assert HypothesisApiReader.recognize(InputProbe.of("hypothesis")) == 0


def test_1000_annotations_arrive_complete_and_once_through_a_429_a_500_and_malformed_json(
        run_cli, fake_hypothesis, tmp_path):
    server = fake_hypothesis(annotations=1000)
    server.rate_limit(at=2, retry_after="1")
    server.server_error(at=3)
    server.malformed(at=4)
    out = tmp_path / "annotations.jsonl"
    result = convert(run_cli, tmp_path / "state.sqlite", out)
    assert result.exit_code == 0, result.output
    highlights, lines = read_jsonl(out)
    assert lines == 1000
    assert set(highlights) == {f"hypothesis-{i}" for i in server.annotation_ids()}
    assert set(server.delivered) == server.annotation_ids()
    # One row of each page comes again as the next page's first (a millisecond of overlap).
    assert max(server.delivered.values()) <= 2
    assert all(r.authorized for r in server.requests)
    assert [r.path for r in server.requests].count("/api/profile") == 1
    pages = [r.params for r in server.searches]
    assert len(pages) == 6 + 3  # ceil(1000 / 199) pages, and the three faults each retried once
    assert all({k: v for k, v in p.items() if k != "search_after"}
               == {"user": USER, "sort": "updated", "order": "asc", "limit": "200"} for p in pages)
    assert "search_after" not in pages[0]


@pytest.fixture
def synced(run_cli, fake_hypothesis, tmp_path):
    """A 500-annotation account pulled once into a state database and a jsonl file."""
    server = fake_hypothesis(annotations=500)
    state, out = tmp_path / "state.sqlite", tmp_path / "annotations.jsonl"
    assert convert(run_cli, state, out).exit_code == 0
    return server, state, out


def test_the_cursor_is_the_newest_update_seen_less_the_margin_for_this_account_and_url(synced):
    server, state, _ = synced
    cursor = saved_cursor(state)
    newest = max(datetime.fromisoformat(row["updated"]) for row in server.rows)
    assert cursor.updated_after == newest - SAFETY_MARGIN
    assert cursor.api_url == server.url
    assert cursor.mismatch(server.url, server.token, {"group": None}) is None
    assert server.token not in state.read_bytes().decode("latin-1")


def test_an_incremental_run_after_no_change_asks_once_and_rewrites_nothing(run_cli, synced):
    server, state, out = synced
    asked = len(server.requests)
    before = out.read_bytes(), out.stat().st_mtime_ns
    result = convert(run_cli, state, out)
    assert result.exit_code == 0, result.output
    new = server.requests[asked:]
    assert [r.path for r in new] == ["/api/profile", "/api/search"]
    assert new[1].params["search_after"] == stamp(saved_cursor(state).updated_after)[:23] + "+00:00"
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_an_incremental_run_asks_only_for_what_changed_and_updates_it_in_place(run_cli, synced):
    server, state, out = synced
    old, _ = read_jsonl(out)
    ids = sorted(server.annotation_ids())
    edited = [ids[3], ids[250]]
    newest = max(server.rows, key=lambda r: r["updated"])["id"]
    server.edit(edited[0], text="an edited note", tags=["edited"])
    server.edit(edited[1], target=[{"source": "x", "selector": [
        {"type": "TextQuoteSelector", "exact": "a new selection"}]}])
    delivered = server.delivered.copy()
    result = convert(run_cli, state, out)
    assert result.exit_code == 0, result.output
    new, lines = read_jsonl(out)
    assert lines == 500
    assert {key for key in new if new[key] != old[key]} == {f"hypothesis-{i}" for i in edited}
    assert new[f"hypothesis-{edited[0]}"]["note"] == "an edited note"
    assert new[f"hypothesis-{edited[0]}"]["tags"] == ["edited"]
    assert new[f"hypothesis-{edited[1]}"]["text"] == "a new selection"
    # Only the two edits came, and the newest annotation of the last pull (the safety margin).
    assert set(server.delivered - delivered) == {*edited, newest}
    assert saved_cursor(state).updated_after > datetime.now(UTC) - SAFETY_MARGIN * 2


def test_annotations_updated_in_one_millisecond_across_a_page_boundary_all_arrive(run_cli, fake_hypothesis,
                                                                                     tmp_path):
    server = fake_hypothesis(annotations=450)
    rows = sorted(server.rows, key=lambda r: r["updated"])
    for row in rows[195:215]:  # straddles the first page's end
        row["updated"] = rows[195]["updated"]
    out = tmp_path / "out.jsonl"
    assert convert(run_cli, tmp_path / "state.sqlite", out).exit_code == 0
    assert set(read_jsonl(out)[0]) == {f"hypothesis-{i}" for i in server.annotation_ids()}


def test_more_annotations_in_one_millisecond_than_a_page_are_reported_and_asked_for_again(
        run_cli, fake_hypothesis, tmp_path):
    server = fake_hypothesis(annotations=600)
    rows = sorted(server.rows, key=lambda r: r["updated"])
    crowded = rows[100]["updated"]
    for row in rows[100:350]:  # 250 in one millisecond: more than a page of 200
        row["updated"] = crowded
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    first = convert(run_cli, state, out)
    assert first.exit_code == 1, first.output
    when = datetime.fromisoformat(crowded).isoformat(timespec="milliseconds")
    assert (f"hypothesis: search: more annotations than a page of 200 share the update time {when}: "
            "Hypothesis's search pages no further within one millisecond") in first.output
    assert "--full-export" not in first.output  # it could not bring them either
    assert saved_cursor(state).updated_after < datetime.fromisoformat(crowded)
    asked = len(server.searches)
    again = convert(run_cli, state, out)
    assert again.exit_code == 1, again.output
    first_asked = datetime.fromisoformat(server.searches[asked].params["search_after"])
    assert first_asked < datetime.fromisoformat(crowded)  # asked from before it again


def test_a_server_that_ignores_search_after_is_stopped_not_followed(run_cli, fake_hypothesis, tmp_path):
    fake_hypothesis(annotations=450, ignore_search_after=True)
    out = tmp_path / "out.jsonl"
    result = convert(run_cli, tmp_path / "state.sqlite", out)
    assert result.exit_code == 3
    assert "returned search_after" in result.stderr
    assert "twice" in result.stderr
    assert not out.exists()


def test_replies_are_not_read_and_counted_with_v(run_cli, fake_hypothesis, tmp_path):
    server = fake_hypothesis(annotations=30, replies=4)
    out = tmp_path / "out.jsonl"
    result = run_cli("-v", "--state", tmp_path / "s.sqlite", "convert", "hypothesis:", "--to", "jsonl",
                     "--out", out)
    assert result.exit_code == 0, result.output
    assert "4 replies not read" in result.stderr
    assert set(read_jsonl(out)[0]) == {f"hypothesis-{i}" for i in server.annotation_ids()}


def test_a_saved_export_and_the_api_give_the_same_highlights_under_the_same_ids(run_cli, fake_hypothesis,
                                                                                 tmp_path):
    server = fake_hypothesis(annotations=300, replies=3)
    saved = tmp_path / "hypothesis-export.json"
    saved.write_text(json.dumps(server.export()), encoding="utf-8")
    from_file, from_api = tmp_path / "file.jsonl", tmp_path / "api.jsonl"
    assert run_cli("convert", saved, "--to", "jsonl", "--out", from_file).exit_code == 0
    assert run_cli("convert", "hypothesis:", "--to", "jsonl", "--out", from_api).exit_code == 0
    assert read_jsonl(from_file)[0] == read_jsonl(from_api)[0]
    # One library fed by both holds each annotation once.
    state, both = tmp_path / "state.sqlite", tmp_path / "both.jsonl"
    assert convert(run_cli, state, both).exit_code == 0
    assert run_cli("--state", state, "convert", saved, "--to", "jsonl", "--out", both).exit_code == 0
    assert read_jsonl(both)[1] == 300


def test_a_group_option_asks_for_that_group_and_a_cursor_of_another_group_means_a_full_pull(
        run_cli, fake_hypothesis, tmp_path):
    server = fake_hypothesis(annotations=140)
    state, out = tmp_path / "state.sqlite", tmp_path / "out.jsonl"
    assert convert(run_cli, state, out, "-O", f"group={GROUP}").exit_code == 0
    assert all(r.params["group"] == GROUP for r in server.searches)
    assert {h.removeprefix("hypothesis-") for h in read_jsonl(out)[0]} == {
        row["id"] for row in server.rows if row["group"] == GROUP}
    asked = len(server.searches)
    assert convert(run_cli, state, tmp_path / "all.jsonl").exit_code == 0
    assert "search_after" not in server.searches[asked].params
    assert read_jsonl(tmp_path / "all.jsonl")[1] == 140


def test_full_export_ignores_the_cursor(run_cli, synced):
    server, state, out = synced
    asked = len(server.searches)
    assert convert(run_cli, state, out, "--full-export").exit_code == 0
    assert "search_after" not in server.searches[asked].params


def test_a_cursor_of_another_token_or_url_or_unreadable_means_a_full_pull(fake_hypothesis):
    server = fake_hypothesis(annotations=20)
    when, unfiltered = datetime(2030, 1, 1, tzinfo=UTC), {"group": None}
    other_account = "0011223344556677:0011223344556677"
    for saved in ("not json",
                  HypothesisCursor(when, "https://elsewhere.invalid", "00:00", unfiltered).dumps(),
                  HypothesisCursor(when, server.url, other_account, unfiltered).dumps()):
        documents = list(HypothesisApiReader().read("hypothesis:", ReadState(cursor=saved)))
        assert "search_after" not in server.searches[-1].params
        assert sum(len(d.highlights) for d in documents) == 20


def test_an_empty_account_reads_nothing_and_saves_no_cursor(fake_hypothesis):
    fake_hypothesis(annotations=0)
    state = ReadState()
    assert list(HypothesisApiReader().read("hypothesis:", state)) == []
    assert state.next_cursor is None
