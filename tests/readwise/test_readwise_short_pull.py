"""A Readwise pull the server ends early never shrinks a good export (Readwise audit F4).

Each export page says how many books the whole export holds (``count``, as the corpus's
pages show it). A pull whose pages listed fewer is warned of; without ``--state`` its
outputs are left as they were, as for an empty pull (exit 1); ``--force`` writes them; with
``--state`` (which never drops what a read leaves out) the books it did send are merged and
the run goes on as usual: a false alarm, should ``count`` mean something else, costs a
warning, never a stuck sync.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from excerpta.adapters import ReadState
from excerpta.readers.readwise_api import ReadwiseReader

from .conftest import cursor_for, read_jsonl

WARNING = ("left as it was: readwise: ended before all it counted, and without --state "
           "writing would drop what it did not send (--force writes it)")


def warning(server) -> str:
    return (f"excerpta: warning: Readwise: the export ended after 1 of the {len(server.books)} book(s) "
            "it counted; the next full pull (or --full-export) asks for the rest")


def first_book(server) -> int:
    """How many highlights the first page (the first book) holds."""
    return len(server.books[min(server.books)]["highlights"])


def end_after_first_page(server, monkeypatch) -> None:
    """The server says the first page of an export (not of an ``ids=`` fetch) is the last."""
    export_page = server.export_page

    def early_end(params: dict[str, str]) -> dict:
        page = export_page(params)
        return page if "ids" in params else {**page, "nextPageCursor": None}

    monkeypatch.setattr(server, "export_page", early_end)


@pytest.mark.parametrize(("to", "name"), [("jsonl", "h.jsonl"), ("csv", "h.csv"), ("anki", "deck.apkg")])
def test_a_pull_ended_early_leaves_a_good_export_as_it_was(fake_readwise, run_cli, tmp_path,
                                                           monkeypatch, to, name):
    server = fake_readwise(highlights=12, per_book=3, page_size=3)  # a page per book
    out = tmp_path / name
    assert run_cli("convert", "readwise:", "--to", to, "--out", out).exit_code == 0
    written = out.read_bytes()
    end_after_first_page(server, monkeypatch)
    result = run_cli("convert", "readwise:", "--to", to, "--out", out)
    assert result.exit_code == 1
    assert warning(server) in result.output
    assert f"excerpta: warning: {out}: {WARNING}\n" in result.output
    assert out.read_bytes() == written
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_force_writes_what_the_short_pull_sent(fake_readwise, run_cli, tmp_path, monkeypatch):
    server = fake_readwise(highlights=12, per_book=3, page_size=3)
    out = tmp_path / "h.jsonl"
    run_cli("convert", "readwise:", "--to", "jsonl", "--out", out)
    end_after_first_page(server, monkeypatch)
    result = run_cli("convert", "readwise:", "--to", "jsonl", "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)[0]) == first_book(server)


def test_with_state_the_books_sent_are_kept_and_the_run_goes_on(fake_readwise, run_cli, tmp_path,
                                                                   monkeypatch):
    server = fake_readwise(highlights=12, per_book=3, page_size=3)
    out, state = tmp_path / "h.jsonl", tmp_path / "state.sqlite"
    end_after_first_page(server, monkeypatch)
    result = run_cli("convert", "readwise:", "--to", "jsonl", "--out", out, "--state", state)
    assert result.exit_code == 0, result.output
    assert warning(server) in result.output
    assert len(read_jsonl(out)[0]) == first_book(server)  # what it sent: --state loses nothing
    monkeypatch.undo()  # the server answers whole again (and the env stays)
    monkeypatch.setenv("READWISE_TOKEN", server.token)
    monkeypatch.setenv("READWISE_API_URL", server.url)
    result = run_cli("convert", "readwise:", "--to", "jsonl", "--out", out, "--state", state,
                     "--full-export")
    assert result.exit_code == 0, result.output
    assert len(read_jsonl(out)[0]) == 12  # every book


def test_an_incremental_pull_ended_early_is_marked_cut_short(fake_readwise, monkeypatch, caplog):
    server = fake_readwise(highlights=12, per_book=3, page_size=3)
    for book in server.books.values():  # a change in every book: a page of changes each
        server.edit_highlight(book["highlights"][0]["id"], text="edited")
    end_after_first_page(server, monkeypatch)
    now = datetime.now(UTC)
    state = ReadState(cursor=cursor_for(server, now - timedelta(minutes=1), now))
    documents = list(ReadwiseReader().read("readwise:", state))
    sent = len({document.id for document in documents})
    assert 0 < sent < len(server.books)
    assert state.cut_short
    assert state.problems == []
    assert f"the export ended after {sent} of the {len(server.books)} book(s) it counted" in caplog.text


def test_pages_that_count_only_themselves_are_no_short_pull(fake_readwise, monkeypatch):
    # Should a server count each page's books alone, a complete pull lists more than any
    # page counts: no problem, and the cursor is saved.
    server = fake_readwise(highlights=12, per_book=3, page_size=3)
    export_page = server.export_page
    monkeypatch.setattr(server, "export_page", lambda params: (
        page := export_page(params)) | {"count": len(page["results"])})
    state = ReadState()
    assert len(list(ReadwiseReader().read("readwise:", state))) == len(server.books) > 1
    assert state.problems == []
    assert not state.cut_short
    assert json.loads(state.next_cursor)["full_at"] is not None
