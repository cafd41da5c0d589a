"""A Readwise pull that brings nothing never empties a good export made without ``--state``.

Without ``--state`` an output holds only what its run read: a server glitch (an empty answer,
a page of records that cannot be read) would replace it with an empty one. The run leaves it
as it was, warns and is partial (exit 1); ``--force`` writes it; with ``--state`` an empty
pull is incremental ("nothing changed").
"""

from __future__ import annotations

import json

import pytest

from .conftest import read_jsonl

WARNING = ("left as it was: readwise: returned nothing (no document), and without --state "
           "writing would drop everything it gave before (--force writes it)")


@pytest.mark.parametrize(("to", "name"), [("json", "lib.json"), ("csv", "h.csv"), ("anki", "deck.apkg")])
def test_an_empty_pull_leaves_a_good_export_as_it_was(fake_readwise, run_cli, tmp_path, to, name):
    server = fake_readwise(highlights=6, per_book=3)
    out = tmp_path / name
    assert run_cli("convert", "readwise:", "--to", to, "--out", out).exit_code == 0
    written = out.read_bytes()
    server.books = {}  # {"count": 0, "nextPageCursor": null, "results": []}
    result = run_cli("convert", "readwise:", "--to", to, "--out", out)
    assert result.exit_code == 1
    assert f"excerpta: warning: {out}: {WARNING}\n" in result.output
    assert out.read_bytes() == written
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_a_page_of_only_unreadable_records_leaves_the_export_as_it_was(fake_readwise, run_cli,
                                                                       tmp_path, monkeypatch):
    server = fake_readwise(highlights=6, per_book=3)
    out = tmp_path / "lib.json"
    run_cli("convert", "readwise:", "--to", "json", "--out", out)
    written = out.read_bytes()
    monkeypatch.setattr(server, "export_page",
                        lambda params: {"count": 1, "nextPageCursor": None, "results": ["garbage"]})
    result = run_cli("convert", "readwise:", "--to", "json", "--out", out)
    assert result.exit_code == 1
    assert (f"excerpta: warning: {out}: left as it was: readwise: returned nothing readable "
            "(1 record(s) skipped), and without --state") in result.output
    assert out.read_bytes() == written


def test_force_writes_the_empty_export(fake_readwise, run_cli, tmp_path):
    server = fake_readwise(highlights=6, per_book=3)
    out = tmp_path / "lib.json"
    run_cli("convert", "readwise:", "--to", "json", "--out", out)
    server.books = {}
    result = run_cli("convert", "readwise:", "--to", "json", "--out", out, "--force")
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["documents"] == []


def test_a_first_empty_pull_writes_an_empty_export_and_the_next_leaves_it_unchanged(
        fake_readwise, run_cli, tmp_path):
    server = fake_readwise(highlights=6, per_book=3)
    server.books = {}
    out = tmp_path / "lib.json"
    first = run_cli("convert", "readwise:", "--to", "json", "--out", out)
    again = run_cli("convert", "readwise:", "--to", "json", "--out", out)
    assert (first.exit_code, again.exit_code) == (0, 0)
    assert f"unchanged {out}" in again.output
    assert "warning" not in again.output
    assert json.loads(out.read_text(encoding="utf-8"))["documents"] == []


def test_with_state_an_empty_pull_changes_nothing_and_is_not_partial(fake_readwise, run_cli, tmp_path):
    server = fake_readwise(highlights=6, per_book=3)
    out, state = tmp_path / "out.jsonl", tmp_path / "state.sqlite"
    run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", out, "--full-export")
    written = out.read_bytes()
    server.books = {}
    result = run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", out,
                     "--full-export")
    assert result.exit_code == 0
    assert "warning" not in result.output
    assert "outputs: 1 unchanged" in result.output
    assert out.read_bytes() == written
    assert len(read_jsonl(out)[0]) == 6
