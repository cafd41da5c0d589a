"""Writer ``readwise`` end to end: the CLI sending highlights to a fake Readwise on 127.0.0.1,
which keeps them as the real API does (updates by highlight_url) and exports them back."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from excerpta.cli.app import Settings
from excerpta.cli.jobs import _run_and_report
from excerpta.config import load_config
from excerpta.store import open_store

from .conftest import read_jsonl
from .fake_readwise import Fault
from paths import CORPUS, EXAMPLES

CLIPPINGS = EXAMPLES / "My Clippings.txt"


def send(run_cli, state: Path, *inputs: str | Path, extra: tuple[str, ...] = ()):
    return run_cli("--state", state, "convert", *inputs, "--to", "readwise", "--out", "readwise:", *extra)


def library_file(path: Path, documents: int, per_document: int, **highlight: object) -> Path:
    """A canonical JSON library of ``documents`` books of ``per_document`` highlights each."""
    path.write_text(json.dumps({"schema_version": 1, "documents": [
        {"id": f"doc-{d}", "title": f"Book {d}", "author": f"Author {d}", "category": "books",
         "highlights": [{"id": f"h-{d}-{h}", "text": f"Passage {h} of book {d}.", "location": h * 10,
                         "location_type": "location", **highlight} for h in range(per_document)]}
        for d in range(documents)]}), encoding="utf-8")
    return path


def posted_books(server) -> dict[str, list[dict]]:
    return {book["title"]: book["highlights"] for book in server.books.values()}


def test_the_example_clippings_arrive_once_each_and_come_back_through_the_export(
        run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state = tmp_path / "state.sqlite"
    result = send(run_cli, state, CLIPPINGS)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Readwise: 12 documents sent (12 highlights)\n")
    assert "outputs:" not in result.output  # no file was written
    assert "create readwise: Walden (" in result.output
    assert " bytes): 1 highlight(s)" in result.output
    assert len(server.post_requests) == 1  # 12 highlights: one request
    books = posted_books(server)
    assert len(books) == 12
    assert all(len(highlights) == 1 for highlights in books.values())
    walden = server.posted[[p["title"] for p in server.posted].index("Walden")]
    assert walden["author"] == "Thoreau, Henry David"  # as the clippings file says it
    assert walden["category"] == "books"
    assert walden["source_type"] == "excerpta"
    assert walden["location_type"] == "order"
    assert isinstance(walden["location"], int)
    assert walden["highlight_url"].startswith("excerpta://highlight/")
    assert walden["highlighted_at"].endswith("+00:00")
    # Pulled back from Readwise: the same texts, under the same titles.
    out = tmp_path / "back.jsonl"
    pulled = run_cli("convert", "readwise:", "--to", "jsonl", "--out", out)
    assert pulled.exit_code == 0, pulled.output
    back, _ = read_jsonl(out)
    assert sorted(h["text"] for h in back.values()) == sorted(p["text"] for p in server.posted)


def test_a_second_run_sends_nothing_and_an_edit_is_sent_again_in_place(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, library = tmp_path / "state.sqlite", library_file(tmp_path / "lib.json", 3, 4)
    assert send(run_cli, state, library).exit_code == 0
    first = list(server.posted)
    assert len(first) == 12
    again = send(run_cli, state, library, extra=("--force",))  # read again: nothing new to send
    assert again.exit_code == 0, again.output
    assert len(server.post_requests) == 2
    assert len(server.posted) == 24
    assert sum(len(h) for h in posted_books(server).values()) == 12  # updated in place
    unchanged = send(run_cli, state, library_file(library, 3, 4))  # same content, new mtime
    assert unchanged.exit_code == 0, unchanged.output
    assert len(server.post_requests) == 2
    data = json.loads(library.read_text(encoding="utf-8"))
    data["documents"][1]["highlights"][2]["text"] = "Passage 2 of book 1, as re-read."
    data["documents"][2]["highlights"].append({"id": "h-2-new", "text": "A new passage.", "location": 99})
    library.write_text(json.dumps(data), encoding="utf-8")
    edited = send(run_cli, state, library)
    assert edited.exit_code == 0, edited.output
    assert len(server.post_requests) == 3
    assert [p["text"] for p in server.posted[24:]] == ["Passage 2 of book 1, as re-read.", "A new passage."]
    assert server.posted[24]["highlight_url"] == first[6]["highlight_url"]
    book_1 = posted_books(server)["Book 1"]
    assert len(book_1) == 4
    assert "Passage 2 of book 1, as re-read." in [h["text"] for h in book_1]
    assert len(posted_books(server)["Book 2"]) == 5


def test_a_large_library_goes_in_batches_and_a_refused_highlight_is_reported_alone(
        run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, library = tmp_path / "state.sqlite", library_file(tmp_path / "lib.json", 6, 200)
    data = json.loads(library.read_text(encoding="utf-8"))
    data["documents"][1]["highlights"][150]["text"] = "A passage Readwise refuses."
    library.write_text(json.dumps(data), encoding="utf-8")
    server.refuse = "Readwise refuses"
    result = send(run_cli, state, library)
    assert result.exit_code == 1, result.output
    assert "not sent: readwise: Book 1: 1 highlight(s) refused" in result.output
    assert "Refused by the test." in result.output
    assert result.output.endswith("Readwise: 6 documents sent (1199 highlights); 1 highlight of 1 document "
                                  "refused, sent again next run\n")
    assert len(server.posted) == 1199  # all but the one, which its book's others went without
    assert len(posted_books(server)["Book 1"]) == 199
    # Books 0+1 (400 highlights) refused, then two halves a halving down to the refused
    # highlight (8 halvings), then books 2+3 and 4+5.
    assert len(server.post_requests) == 1 + 2 * 8 + 2
    retry = send(run_cli, state, library)
    assert retry.exit_code == 1, retry.output
    assert [p["text"] for p in server.posted[1199:]] == []  # the refused one tried alone again
    assert "1 highlight(s) refused" in retry.output
    assert retry.output.endswith("Readwise: nothing sent (5 documents unchanged since sent); 1 highlight "
                                 "of 1 document refused, sent again next run\n")
    server.refuse = None
    fixed = send(run_cli, state, library)
    assert fixed.exit_code == 0, fixed.output
    assert [p["text"] for p in server.posted[1199:]] == ["A passage Readwise refuses."]
    again = send(run_cli, state, library)
    assert again.exit_code == 0, again.output
    assert len(server.posted) == 1200


def test_a_rejected_token_mid_run_keeps_the_record_of_what_went_before(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, library = tmp_path / "state.sqlite", library_file(tmp_path / "lib.json", 4, 150)
    server.inject_post(Fault.server_error(401), at=2)
    result = send(run_cli, state, library)
    assert result.exit_code == 3, result.output
    assert "rejected the token" in result.output
    assert server.token not in result.output
    assert len(server.posted) == 450  # books 0-2 in the first request; book 3's refused
    resumed = send(run_cli, state, library)
    assert resumed.exit_code == 0, resumed.output
    assert len(server.posted) == 600  # the last book only
    assert {p["title"] for p in server.posted[450:]} == {"Book 3"}


def test_what_came_from_readwise_is_not_sent_back(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=30)
    state = tmp_path / "state.sqlite"
    pulled = run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", tmp_path / "x.jsonl")
    assert pulled.exit_code == 0, pulled.output
    result = send(run_cli, state, CLIPPINGS)
    assert result.exit_code == 0, result.output
    assert len(server.posted) == 12  # the clippings; none of the 30 pulled highlights
    assert not any(p["title"].startswith("Fake ") for p in server.posted)
    assert "Readwise: 12 documents sent (12 highlights)" in result.output
    again = send(run_cli, state, CLIPPINGS, extra=("-v",))
    assert again.exit_code == 0, again.output
    # the Readwise books are not listed, nor counted
    assert "Readwise: nothing to send (12 documents unchanged since sent)" in again.output
    assert "Fake" not in again.output
    assert len(server.post_requests) == 1


def test_fields_are_fitted_to_readwise_limits_with_a_warning(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    library = tmp_path / "lib.json"
    library.write_text(json.dumps({"schema_version": 1, "documents": [{
        "id": "d", "title": "T" * 600, "author": "A", "category": "supplementals",
        "url": "https://example.org/a", "cover_image_url": "data:image/png;base64,AAAA",
        "highlights": [
            {"id": "long", "text": "x" * 9000, "note": "my note", "tags": ["idea", "two words"],
             "is_favorite": True, "location": "xii", "location_type": "page"},
            {"id": "gone", "text": "deleted one", "is_deleted": True},
            {"id": "lone", "text": "", "note": "a note alone"},
            {"id": "page", "text": "on a page", "location": 12, "location_type": "page",
             "url": "https://hyp.is/abc/example.org/a"}]}]}), encoding="utf-8")
    result = send(run_cli, tmp_path / "state.sqlite", library, extra=())
    assert result.exit_code == 0, result.output
    assert "1 text(s) longer than Readwise takes cut" in result.output
    assert "1 image_url(s) Readwise cannot take left out" in result.output
    long, page = server.posted
    assert len(long["text"]) == 8191
    assert long["text"].endswith("…")
    assert len(long["title"]) == 511
    assert long["note"] == ".idea .favorite my note"  # Readwise's inline tags first
    assert "location" not in long
    assert "image_url" not in long
    assert long["category"] == "articles"
    assert long["source_url"] == "https://example.org/a"
    assert page["location"] == 12
    assert page["location_type"] == "page"
    assert page["highlight_url"] == "https://hyp.is/abc/example.org/a#excerpta-page"  # its own, still opening


def test_without_state_the_default_state_remembers_what_was_sent(run_cli, fake_readwise):
    server = fake_readwise(highlights=0)
    for _ in range(2):
        result = run_cli("convert", CLIPPINGS, "--to", "readwise", "--out", "readwise:")
        assert result.exit_code == 0, result.output
    assert len(server.post_requests) == 1
    assert "nothing to send (12 documents unchanged since sent)" in result.output
    assert "unchanged readwise: Walden\n" in result.output  # no "(0 bytes)": nothing was sent


def test_dry_run_sends_nothing_and_out_must_name_readwise(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    dry = send(run_cli, tmp_path / "state.sqlite", CLIPPINGS, extra=("--dry-run",))
    assert dry.exit_code == 0, dry.output
    assert "would create readwise: Walden" in dry.output
    assert "Readwise (dry run, nothing sent): 12 documents to send (12 highlights)" in dry.output
    assert not server.requests  # no request of any kind: not even the token's check
    wrong = run_cli("convert", CLIPPINGS, "--to", "readwise", "--out", tmp_path / "x")
    assert wrong.exit_code == 2
    assert "readwise sends to a service, not a file; give readwise:" in wrong.output
    assert len(wrong.output.strip().splitlines()) == 1


def test_a_dry_run_with_a_token_plans_for_its_account_offline(run_cli, fake_readwise, tmp_path, monkeypatch):
    server = fake_readwise(highlights=0)
    state, library = tmp_path / "state.sqlite", library_file(tmp_path / "lib.json", 3, 4)
    assert send(run_cli, state, library).exit_code == 0
    asked = len(server.requests)
    data = json.loads(library.read_text(encoding="utf-8"))
    data["documents"][1]["highlights"][2]["text"] = "Passage 2 of book 1, as re-read."
    library.write_text(json.dumps(data), encoding="utf-8")
    dry = send(run_cli, state, library, extra=("--dry-run",))
    assert dry.exit_code == 0, dry.output
    assert "would update readwise: Book 1 (" in dry.output
    assert dry.output.endswith("Readwise (dry run, nothing sent): 1 document to send (1 highlight), "
                               "2 documents unchanged since sent\n")
    assert "token" not in dry.output
    assert len(server.requests) == asked  # offline: the records say what the account has
    monkeypatch.setenv("READWISE_TOKEN", "another_account_token_1234")  # another account: nothing sent to it
    another = send(run_cli, state, library, extra=("--dry-run",))
    assert another.exit_code == 0, another.output
    assert another.output.count("would create readwise: ") == 3
    assert another.output.endswith("Readwise (dry run, nothing sent): 3 documents to send (12 highlights)\n")
    assert len(server.requests) == asked


def test_a_dry_run_without_a_token_plans_a_first_send_and_says_so(run_cli, fake_readwise, tmp_path,
                                                                  monkeypatch):
    server = fake_readwise(highlights=30)
    state = tmp_path / "state.sqlite"
    pulled = run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", tmp_path / "x.jsonl")
    assert pulled.exit_code == 0, pulled.output
    assert send(run_cli, state, CLIPPINGS).exit_code == 0  # sent once to the fake's account
    asked = len(server.requests)
    monkeypatch.delenv("READWISE_TOKEN")
    dry = send(run_cli, state, CLIPPINGS, extra=("--dry-run",))
    assert dry.exit_code == 0, dry.output
    # Every highlight not from Readwise, as to an account never sent to: the 12 sent already
    # too, as which account's records apply cannot be told; none of the 30 pulled.
    assert dry.output.count("would create readwise: ") == 12
    assert "Fake" not in dry.output
    assert ("warning: readwise: dry run without a token (READWISE_TOKEN or READWISE_TOKEN_FILE): what a "
            "first send to an account would be, everything that did not come from Readwise; which of it "
            "an account has already been sent cannot be told without its token") in dry.output
    assert dry.output.endswith("Readwise (dry run, nothing sent): 12 documents to send (12 highlights)\n")
    assert len(server.requests) == asked
    monkeypatch.setenv("READWISE_TOKEN_FILE", str(tmp_path / "nope"))  # given, and unreadable: an error
    broken = send(run_cli, state, CLIPPINGS, extra=("--dry-run",))
    assert broken.exit_code == 2, broken.output
    assert f"READWISE_TOKEN_FILE={tmp_path / 'nope'}: no such file" in broken.output


def test_without_a_token_the_error_says_how_to_give_one(run_cli, tmp_path):
    result = run_cli("convert", CLIPPINGS, "--to", "readwise", "--out", "readwise:")
    assert result.exit_code == 2, result.output
    assert "READWISE_TOKEN" in result.output


def test_another_account_gets_everything_and_the_token_is_never_written(run_cli, fake_readwise,
                                                                        tmp_path, monkeypatch):
    first = fake_readwise(highlights=0)
    state = tmp_path / "state.sqlite"
    assert send(run_cli, state, CLIPPINGS, extra=("-vv",)).exit_code == 0
    monkeypatch.setenv("READWISE_TOKEN", "another_account_token_1234")
    first.token = "another_account_token_1234"
    again = send(run_cli, state, CLIPPINGS, extra=("--force",))
    assert again.exit_code == 0, again.output
    assert len(first.posted) == 24
    store = open_store(state)
    try:
        memos = [r.memo for r in store.outputs_for("convert", "readwise").values()]
    finally:
        store.close()
    assert len(memos) == 12
    raw = state.read_bytes()
    assert b"fake_readwise_token" not in raw
    assert b"another_account_token" not in raw


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried(run_cli, fake_readwise, tmp_path, status):
    server = fake_readwise(highlights=0)
    server.inject_post(Fault.server_error(status), at=1)
    result = send(run_cli, tmp_path / "state.sqlite", CLIPPINGS)
    assert result.exit_code == 0, result.output
    assert len(server.post_requests) == 2
    assert len(server.posted) == 12


def test_a_sync_job_sends_a_kindle_file_and_the_next_run_sends_only_what_was_added(
        run_cli, fake_readwise, tmp_path, monkeypatch, capsys):
    server = fake_readwise(highlights=0)
    monkeypatch.delenv("READWISE_TOKEN")  # the configuration's token file instead
    (tmp_path / "token").write_text(server.token + "\n", encoding="utf-8")
    (tmp_path / "token").chmod(0o600)
    clippings = tmp_path / "My Clippings.txt"
    clippings.write_bytes(CLIPPINGS.read_bytes())
    config = tmp_path / "excerpta.toml"
    config.write_text(
        f'state = "{tmp_path / "state.sqlite"}"\n[readwise]\ntoken_file = "{tmp_path / "token"}"\n'
        f'[[jobs]]\nname = "kindle-to-readwise"\nschedule = {{ every = "1h" }}\n'
        f'[jobs.source]\ninput = "{clippings}"\n'
        '[[jobs.writers]]\nformat = "readwise"\nout = "readwise:"\n'
        f'[[jobs.writers]]\nformat = "json"\nout = "{tmp_path / "library.json"}"\n', encoding="utf-8")
    first = run_cli("sync", "-c", config)
    assert first.exit_code == 0, first.output
    assert len(server.posted) == 12
    # Each writer's outcomes in its own terms: the file's as files, the sends as sends.
    assert first.output.endswith("outputs: 1 new\nReadwise: 12 documents sent (12 highlights)\n")
    status = run_cli("status", "-c", config).output.splitlines()
    assert status[1].endswith(", ok, 1 file(s) written, 0 left alone, 12 documents sent to Readwise "
                              "(12 highlights), 0 record(s) skipped")
    with clippings.open("a", encoding="utf-8") as handle:
        handle.write("Walden (Thoreau, Henry David)\r\n- Your Highlight on page 3 | Location 400-401 | "
                     "Added on Monday, 3 March 2025 10:00:00\r\n\r\nSimplify, simplify.\r\n==========\r\n")
    second = run_cli("sync", "-c", config)
    assert second.exit_code == 0, second.output
    assert [p["text"] for p in server.posted[12:]] == ["Simplify, simplify."]
    assert len(posted_books(server)["Walden"]) == 2
    assert second.output.endswith("outputs: 1 changed\nReadwise: 1 document sent (1 highlight), "
                                  "11 documents unchanged since sent\n")
    assert run_cli("sync", "-c", config).exit_code == 0
    assert len(server.posted) == 13
    status = run_cli("status", "-c", config).output.splitlines()
    assert status[1].endswith(", ok, 0 file(s) written, 0 left alone, 0 documents sent to Readwise "
                              "(0 highlights), 0 record(s) skipped")
    # As the daemon says a run that changed nothing.
    loaded = load_config(config)
    assert _run_and_report(loaded.jobs[0], loaded, Settings(), brief=True) == 0
    assert capsys.readouterr().err == ("job kindle-to-readwise: nothing changed, nothing to send to Readwise "
                                       "(12 documents, 13 highlights)\n")


def test_config_check_warns_of_a_missing_token_for_a_readwise_writer(run_cli, tmp_path):
    config = tmp_path / "excerpta.toml"
    config.write_text(f'[readwise]\ntoken_file = "{tmp_path / "nope"}"\n[[jobs]]\nname = "k"\n'
                      f'[jobs.source]\ninput = "{CLIPPINGS}"\n'
                      '[[jobs.writers]]\nformat = "readwise"\nout = "readwise:"\n', encoding="utf-8")
    result = run_cli("config", "check", config)
    assert result.exit_code == 0, result.output
    assert f"token_file {tmp_path / 'nope'}: no such file" in result.output
    assert "k: " in result.output
    assert "readwise → readwise:" in result.output


def test_long_highlights_go_in_requests_under_a_megabyte(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    library = library_file(tmp_path / "lib.json", 1, 300, text="長" * 4000)  # 12 kB each as UTF-8
    result = send(run_cli, tmp_path / "state.sqlite", library)
    assert result.exit_code == 0, result.output
    assert len(server.posted) == 300
    assert len(server.post_requests) == 4  # 85 of them fit in 1 MiB
    assert len(posted_books(server)["Book 0"]) == 300


def test_a_stop_mid_send_keeps_the_record_of_what_went_before(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("READWISE_TOKEN", "tok_stop_mid_send_0123456789")
    monkeypatch.setenv("READWISE_API_URL", "https://readwise.test")
    library = library_file(tmp_path / "lib.json", 4, 150)
    received: list[list[str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        titles = sorted({h["title"] for h in json.loads(request.content)["highlights"]})
        if len(received) == 1 and stop:  # Ctrl-C while the second request is on its way
            raise KeyboardInterrupt
        received.append(titles)
        return httpx.Response(200, json=[])

    with respx.mock(assert_all_called=False) as mock:
        mock.post("https://readwise.test/api/v2/highlights/").mock(side_effect=answer)
        stop = True
        stopped = send(run_cli, tmp_path / "state.sqlite", library)
        assert stopped.exit_code == 130, stopped.output
        assert received == [["Book 0", "Book 1", "Book 2"]]
        stop = False
        resumed = send(run_cli, tmp_path / "state.sqlite", library)
    assert resumed.exit_code == 0, resumed.output
    assert received == [["Book 0", "Book 1", "Book 2"], ["Book 3"]]  # the rest only


def test_a_new_highlight_of_a_book_readwise_also_holds_is_sent(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, clippings = tmp_path / "state.sqlite", tmp_path / "My Clippings.txt"
    clippings.write_bytes(CLIPPINGS.read_bytes())
    assert send(run_cli, state, clippings).exit_code == 0
    # The same books pulled back from Readwise into the library: one book from two sources.
    pulled = run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", tmp_path / "x.jsonl")
    assert pulled.exit_code == 0, pulled.output
    with clippings.open("a", encoding="utf-8") as handle:
        handle.write("Walden (Thoreau, Henry David)\r\n- Your Highlight on page 3 | Location 400-401 | "
                     "Added on Monday, 3 March 2025 10:00:00\r\n\r\nSimplify, simplify.\r\n==========\r\n")
    result = send(run_cli, state, clippings)
    assert result.exit_code == 0, result.output
    assert [p["text"] for p in server.posted[12:]] == ["Simplify, simplify."]
    assert len(posted_books(server)["Walden"]) == 2


@pytest.mark.parametrize("export", [
    "readwise/csv-export/steshinss-readwise-data.2026.csv",
    "readwise/markdown-export/steshinss/Readwise",
    "readwise/obsidian-official/jimbrig-vault/Readwise",
])
def test_readwise_own_exports_are_not_sent_back(run_cli, fake_readwise, tmp_path, export):
    server = fake_readwise(highlights=0)
    result = send(run_cli, tmp_path / "state.sqlite", CORPUS / export, extra=("-v",))
    assert result.exit_code in (0, 1), result.output  # (an export's own damaged records: read in part)
    assert not server.post_requests
    assert "not sent: they came from Readwise" in result.output


def test_any_document_id_is_recorded_and_a_removed_note_is_sent_as_removed(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, library = tmp_path / "state.sqlite", tmp_path / "lib.json"
    documents = [{"id": doc_id, "title": f"Title {n}", "highlights": [
        {"id": f"h{n}", "text": f"Passage {n}.", "note": "a thought"}]}
        for n, doc_id in enumerate([".", "../../escape", "a/b"])]
    library.write_text(json.dumps({"schema_version": 1, "documents": documents}), encoding="utf-8")
    first = send(run_cli, state, library)
    assert first.exit_code == 0, first.output
    assert send(run_cli, state, library).exit_code == 0
    assert len(server.post_requests) == 1  # all three recorded: nothing sent again
    documents[1]["highlights"][0]["note"] = None
    library.write_text(json.dumps({"schema_version": 1, "documents": documents}), encoding="utf-8")
    assert send(run_cli, state, library).exit_code == 0
    assert server.posted[3:] == [{**server.posted[1], "note": ""}]
    assert posted_books(server)["Title 1"][0]["note"] == ""


def test_config_check_refuses_a_file_for_readwise_and_readwise_for_a_file(run_cli, tmp_path):
    cases = (("readwise", "/tmp/readwise.json", ": readwise sends to a service, not a file; give readwise:"),
             ("json", "readwise:", " names a service (the readwise format's); json writes a file"))
    for writer, out, said in cases:
        config = tmp_path / f"{writer}.toml"
        config.write_text(f'[[jobs]]\nname = "k"\n[jobs.source]\ninput = "{CLIPPINGS}"\n'
                          f'[[jobs.writers]]\nformat = "{writer}"\nout = "{out}"\n', encoding="utf-8")
        result = run_cli("config", "check", config)
        assert result.exit_code == 2, result.output
        assert result.output == (f'excerpta: error: {config}: jobs[0].writers[0].out (job "k", line 7): '
                                 f"{out}{said}\n")
    refused = run_cli("convert", CLIPPINGS, "--to", "json", "--out", "readwise:")
    assert refused.exit_code == 2
    assert "--out readwise: names a service" in refused.output


def test_tags_sent_inline_come_back_as_tags(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    library = tmp_path / "lib.json"
    highlights = [
        {"id": "h", "text": "Tagged.", "note": "my note", "tags": ["idea", "later"], "is_favorite": True},
        {"id": "i", "text": "Plain.", "tags": ["idea"]}]
    library.write_text(json.dumps({"schema_version": 1, "documents": [
        {"id": "d", "title": "T", "highlights": highlights}]}), encoding="utf-8")
    assert send(run_cli, tmp_path / "state.sqlite", library).exit_code == 0
    assert [p["note"] for p in server.posted] == [".idea .later .favorite my note", ".idea"]
    out = tmp_path / "back.jsonl"
    assert run_cli("convert", "readwise:", "--to", "jsonl", "--out", out).exit_code == 0
    back = {h["text"]: h for h in read_jsonl(out)[0].values()}
    assert (back["Tagged."]["note"], back["Tagged."]["tags"], back["Tagged."]["is_favorite"]) == (
        "my note", ["idea", "later", "favorite"], True)
    assert (back["Plain."]["note"], back["Plain."]["tags"]) == (None, ["idea"])


def test_kindle_highlights_sent_and_pulled_back_into_one_state_keep_their_locations(
        run_cli, fake_readwise, tmp_path):
    # Audit M5: Readwise gives back a sent Kindle location as an "order", later dated, and
    # the highlight_url as the highlight's url: "Location 1298" became "#1298" in every note
    # and card, and a link to excerpta:// (which opens nothing) appeared.
    fake_readwise(highlights=0)
    state, before, after = tmp_path / "state.sqlite", tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    assert run_cli("--state", state, "convert", CLIPPINGS, "--to", "jsonl", "--out", before).exit_code == 0
    assert send(run_cli, state, CLIPPINGS).exit_code == 0
    pulled = run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", after)
    assert pulled.exit_code == 0, pulled.output
    kindle, _ = read_jsonl(before)
    merged, _ = read_jsonl(after)
    assert merged.keys() == kindle.keys()  # one highlight each, as before
    for key, highlight in merged.items():
        assert (highlight.get("location"), highlight.get("location_type")) == (
            kindle[key].get("location"), kindle[key].get("location_type")), highlight["text"]
        assert not (highlight.get("url") or "").startswith("excerpta:")
        assert "readwise" in highlight.get("external_ids", {})  # Readwise's copy did merge
