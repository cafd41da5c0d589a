"""Highlights sent to Readwise and pulled back into the same library after an edit there: the
copy comes back under the library's id its ``highlight_url`` names, never as a second highlight
(review F5: only the passage joined them, so a typo fixed in Readwise made a duplicate)."""

from __future__ import annotations

from pathlib import Path

from excerpta.readwise.mapping import book_to_document

from .conftest import read_jsonl
from paths import EXAMPLES

CLIPPINGS = EXAMPLES / "My Clippings.txt"


def _library_then_sent(run_cli, tmp_path: Path) -> tuple[Path, dict[str, dict]]:
    """The example clippings read into a state and sent to Readwise; their highlights by id."""
    state, before = tmp_path / "state.sqlite", tmp_path / "before.jsonl"
    assert run_cli("--state", state, "convert", CLIPPINGS, "--to", "jsonl", "--out", before).exit_code == 0
    sent = run_cli("--state", state, "convert", CLIPPINGS, "--to", "readwise", "--out", "readwise:")
    assert sent.exit_code == 0, sent.output
    return state, read_jsonl(before)[0]


def _pulled(run_cli, state: Path, out: Path) -> dict[str, dict]:
    """Readwise pulled into ``state``: the highlights of the jsonl written, by id."""
    result = run_cli("--state", state, "convert", "readwise:", "--to", "jsonl", "--out", out)
    assert result.exit_code == 0, result.output
    return read_jsonl(out)[0]


def _posted(server, title: str) -> dict:
    (book,) = [book for book in server.books.values() if book["title"] == title]
    (highlight,) = book["highlights"]
    return book | {"highlight": highlight}


def test_a_highlight_edited_in_readwise_before_its_first_pull_comes_back_as_itself(
        run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, kindle = _library_then_sent(run_cli, tmp_path)
    walden = _posted(server, "Walden")["highlight"]
    assert "woods" in walden["text"]
    server.edit_highlight(walden["id"], text=walden["text"].replace("woods", "forest"))
    pulled = _pulled(run_cli, state, tmp_path / "after.jsonl")
    assert pulled.keys() == kindle.keys()  # twelve highlights, none twice
    (edited,) = [h for h in pulled.values() if h["text"].startswith("I went to the")]
    assert "forest" in edited["text"]  # Readwise's edit, later, wins
    assert "woods" not in edited["text"]
    assert edited["external_ids"]["readwise"] == str(walden["id"])
    # Pulled again after another edit: found by the alias remembered, still one highlight.
    server.edit_highlight(walden["id"], text=edited["text"].replace("deliberately", "on purpose"))
    again = _pulled(run_cli, state, tmp_path / "again.jsonl")
    assert again.keys() == kindle.keys()
    assert "on purpose" in again[edited["id"]]["text"]


def test_a_book_renamed_in_readwise_stays_the_library_s_document(run_cli, fake_readwise, tmp_path):
    server = fake_readwise(highlights=0)
    state, kindle = _library_then_sent(run_cli, tmp_path)
    walden = _posted(server, "Walden")
    with server._lock:
        server.books[walden["user_book_id"]].update(title="Walden; or, Life in the Woods",
                                                   author="Henry David Thoreau")
    server.edit_highlight(walden["highlight"]["id"], text=walden["highlight"]["text"] + " Edited.")
    pulled = _pulled(run_cli, state, tmp_path / "after.jsonl")
    assert pulled.keys() == kindle.keys()
    (edited,) = [h for h in pulled.values() if h["text"].endswith(" Edited.")]
    (original,) = [h for h in kindle.values() if h["text"].startswith("I went to the")]
    assert edited["id"] == original["id"]
    assert edited["document"]["id"] == original["document"]["id"]  # not a second book
    # The names Readwise's user gave it are the library's now, as for any Readwise book.
    assert (edited["document"]["title"], edited["document"]["author"]) == (
        "Walden; or, Life in the Woods", "Henry David Thoreau")
    books = {h["document"]["id"] for h in pulled.values()}
    assert books == {h["document"]["id"] for h in kindle.values()}


def _book(source: str, url: str) -> dict:
    return {"user_book_id": 7, "title": "T", "author": "A", "source": source,
            "highlights": [{"id": 70, "text": "x", "url": url}]}


def test_only_a_book_excerpta_made_names_the_library_s_ids():
    def sent(source: str, url: str) -> dict[str, str]:
        document = book_to_document(_book(source, url), lambda where, reason: None)
        return document.highlights[0].external_ids

    assert sent("excerpta", "excerpta://highlight/kindle-abc") == {"readwise": "70", "excerpta": "kindle-abc"}
    assert sent("excerpta", "https://h.example/p#excerpta-hyp-1") == {"readwise": "70", "excerpta": "hyp-1"}
    # Another app's link that looks like ours, or none of ours, names nothing of the library's.
    assert sent("kindle", "excerpta://highlight/kindle-abc") == {"readwise": "70"}
    assert sent("excerpta", "https://h.example/p#other") == {"readwise": "70"}
