"""The library store: idempotent merges, in-place updates, no deletion by absence, versioning."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from excerpta.errors import StateBusyError, StateError, StateIOError
from excerpta.model import Document, Highlight, PlaceholderDocument
from excerpta.output import OutputRecord, OutputSink
from excerpta.store import MergeRules, SQLiteStore, open_store
from excerpta.store.migrations import MIGRATIONS, SCHEMA_VERSION


def _doc(*highlights: Highlight, title: str = "Walden") -> Document:
    return Document(id="d1", title=title, author="Thoreau", highlights=list(highlights))


H1 = Highlight(id="h1", text="Simplify, simplify.", location=10)
H2 = Highlight(id="h2", text="Quiet desperation.", location=20)


@pytest.fixture
def store(tmp_path: Path):
    opened = open_store(tmp_path / "state.sqlite")
    yield opened
    opened.close()


def test_merging_the_same_input_twice_is_a_no_op(store):
    first = store.merge([_doc(H1, H2)])
    second = store.merge([_doc(H1, H2)])
    assert (first.documents_added, first.highlights_added) == (1, 2)
    assert (second.documents_added, second.documents_updated, second.highlights_added,
            second.highlights_updated, second.highlights_unchanged) == (0, 0, 0, 0, 2)
    assert second.changed_document_ids == set()
    assert list(store.documents()) == [_doc(H1, H2)]


def test_an_edited_highlight_is_updated_in_place(store):
    store.merge([_doc(H1, H2)])
    edited = H1.model_copy(update={"note": "the whole point"})
    stats = store.merge([_doc(edited)])
    assert (stats.highlights_updated, stats.highlights_added) == (1, 0)
    assert stats.changed_document_ids == {"d1"}
    assert list(store.documents()) == [_doc(edited, H2)]  # same place, same count


def test_a_highlight_missing_from_a_later_partial_read_is_kept(store):
    store.merge([_doc(H1, H2)])
    store.merge([_doc(H2)])
    assert [h.id for h in next(store.documents()).highlights] == ["h1", "h2"]


def test_a_tombstone_marks_a_highlight_deleted_without_removing_it(store):
    store.merge([_doc(H1, H2)])
    store.merge([_doc(H1.model_copy(update={"is_deleted": True}))])
    assert [h.is_deleted for h in next(store.documents()).highlights] == [True, False]


def test_a_document_deleted_as_a_whole_marks_every_highlight_held_of_it_deleted(store):
    other = Document(id="d2", title="Other", highlights=[Highlight(id="h9", text="Kept.")])
    store.merge([_doc(H1, H2.model_copy(update={"is_deleted": True})), other])
    # The book, listed without highlights:
    stats = store.merge([_doc()], MergeRules(deleted={"d1", "unknown"}))
    assert (stats.highlights_updated, stats.highlights_unchanged) == (1, 0)
    assert stats.changed_document_ids == {"d1"}
    deleted = [H1.model_copy(update={"is_deleted": True}), H2.model_copy(update={"is_deleted": True})]
    assert list(store.documents()) == [_doc(*deleted), other]  # same place; other documents untouched
    again = store.merge([_doc(*deleted)], MergeRules(deleted={"d1"}))  # its tombstones read later: no change
    assert (again.highlights_updated, again.highlights_unchanged, again.changed_document_ids) == (0, 2, set())
    assert store.merge([_doc()]).changed_document_ids == set()  # without ``deleted``: nothing deleted


def test_document_fields_come_from_the_latest_copy(store):
    store.merge([_doc(H1)])
    stats = store.merge([_doc(title="Walden; or, Life in the Woods")])
    assert stats.documents_updated == 1
    assert next(store.documents()).title == "Walden; or, Life in the Woods"


def test_documents_come_back_in_first_seen_order_and_can_be_selected(store):
    docs = [Document(id=f"d{n}", title=f"T{n}", highlights=[Highlight(id=f"h{n}", text="x")])
            for n in (3, 1, 2)]
    store.merge(docs)
    assert [d.id for d in store.documents()] == ["d3", "d1", "d2"]
    assert [d.id for d in store.documents(["d2", "d3"])] == ["d3", "d2"]
    assert store.counts() == {"documents": 3, "highlights": 3}


def test_a_document_without_highlights_is_kept(store):
    store.merge([Document(id="empty", title="Nothing yet")])
    assert list(store.documents()) == [Document(id="empty", title="Nothing yet")]


def test_cursor_is_saved_only_with_the_outputs_it_covers(store, tmp_path):
    assert store.cursor("job", "readwise:") is None
    record = OutputRecord(str(tmp_path / "x.json"), "job", "json", "", "abc", None, datetime.now(UTC))
    store.commit_outputs([record], [("job", "readwise:", "cursor-1")])
    assert store.cursor("job", "readwise:") == "cursor-1"
    assert store.output_at(str(tmp_path / "x.json")) == record
    assert store.outputs_for("job", "json") == {"": record}


def test_a_path_that_is_not_utf8_is_kept_as_its_bytes_and_read_back_as_the_same_path(store, tmp_path):
    # b"caf\xe9" (a Latin-1 system's name): Python's 'caf\udce9', which SQLite takes as no text.
    latin1, utf8 = str(tmp_path / os.fsdecode(b"caf\xe9.json")), str(tmp_path / "café.json")
    records = [OutputRecord(path, "job", "json", key, "abc", None, datetime.now(UTC))
               for path, key in ((latin1, Path(latin1).name), (utf8, "b"))]  # a key of its name too
    store.commit_outputs(records, [("job", latin1, "cursor-1")])
    assert [store.output_at(latin1), store.output_at(utf8)] == records
    assert store.outputs_for("job", "json") == {Path(latin1).name: records[0], "b": records[1]}
    assert (store.cursor("job", latin1), store.cursor("job", utf8)) == ("cursor-1", None)
    with closing(sqlite3.connect(tmp_path / "state.sqlite")) as db:  # a valid name stays text
        kept = db.execute("SELECT path, typeof(path) FROM outputs ORDER BY rowid").fetchall()
    assert kept == [(os.fsencode(latin1), "blob"), (utf8, "text")]


def test_a_writers_memo_is_kept_with_its_record_and_replaced_by_the_next(store, tmp_path):
    path = str(tmp_path / "a.md")
    first = OutputRecord(path, "job", "obsidian", "d1", "abc", "s1", datetime.now(UTC), 4, 1, '{"owned": {}}')
    store.commit_outputs([first])
    assert store.outputs_for("job", "obsidian")["d1"].memo == '{"owned": {}}'
    second = OutputRecord(path, "job", "obsidian", "d1", "def", "s2", datetime.now(UTC), 4, 2, None)
    store.commit_outputs([second])
    assert store.output_at(path) == second


def test_a_failed_transaction_saves_nothing(store):
    def crash_before_commit() -> None:
        with store.transaction() as db:
            db.execute("INSERT INTO cursors VALUES ('j', 's', 'v', 'now')")
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        crash_before_commit()
    assert store.cursor("j", "s") is None


def test_the_fingerprint_follows_every_merge_here_or_by_another_process(store, tmp_path):
    store.merge([_doc(H1)])
    first = store.fingerprint()
    assert store.fingerprint() == first  # nothing merged since
    store.merge([_doc(H1)])
    assert store.fingerprint() == first  # merged, but the same rows
    other = open_store(tmp_path / "state.sqlite")
    try:
        other.merge([_doc(H1, H2)])
        assert other.fingerprint() == store.fingerprint() != first
    finally:
        other.close()
    edited = store.fingerprint()

    def crash_before_commit() -> None:
        with store.transaction():
            store.merge([_doc(H1.model_copy(update={"text": "Simplify."}), H2)])
            assert store.fingerprint() != edited
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        crash_before_commit()
    assert store.fingerprint() == edited  # rolled back: as if never merged


def test_a_database_that_cannot_be_written_is_a_state_error_naming_it(store, tmp_path):
    # What a read-only file or folder gives (root, as in CI, may write through file modes,
    # so SQLite's own switch stands in for them).
    store._db.execute("PRAGMA query_only = ON")
    with pytest.raises(StateError, match=r"state database .*state\.sqlite cannot be used "
                                         r"\(attempt to write a readonly database\)"):
        store.merge([_doc(H1)])
    store._db.execute("PRAGMA query_only = OFF")
    assert list(store.documents()) == []  # nothing half-saved, and the store still works
    store.merge([_doc(H1)])
    assert list(store.documents()) == [_doc(H1)]


def test_a_full_disk_under_the_state_is_the_machines_refusal_not_a_bad_state(store, tmp_path):
    # Audit M2: exit 2 with "--state … picks another", the shipped unit's "do not retry" code,
    # where the fix is room on the disk. SQLite's page limit fails a write as a full disk does.
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    many = [Highlight(id=f"h{i}", text=f"passage {i} " + "x" * 2000) for i in range(50)]
    with pytest.raises(StateIOError) as err:
        store.merge([_doc(*many)])
    assert err.value.exit_code == 74
    assert str(err.value) == (f"state database {tmp_path / 'state.sqlite'} cannot be written: the disk "
                              "it is on is full (database or disk is full); make room there and run again")
    store._db.execute(f"PRAGMA max_page_count = {pages * 100}")
    assert list(store.documents()) == []  # nothing half-saved, and the store works once there is room
    store.merge([_doc(*many)])
    assert len(next(iter(store.documents())).highlights) == 50


def test_migrations_are_named_and_recorded(tmp_path):
    path = tmp_path / "state.sqlite"
    open_store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [r[0] for r in db.execute("SELECT name FROM migrations")] == [m[0] for m in MIGRATIONS]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_from_a_newer_excerpta_is_refused(tmp_path):
    path = tmp_path / "state.sqlite"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="newer excerpta"):
        open_store(path)


def test_a_file_that_is_not_a_database_is_a_state_error(tmp_path):
    path = tmp_path / "state.sqlite"
    path.write_text("not sqlite at all " * 100)
    with pytest.raises(StateError, match="not a usable excerpta state database"):
        open_store(path)


def _damage_every_page_but_the_first(path: Path) -> None:
    """The header and schema page stay valid; every table's pages become noise."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = 4096
    with path.open("r+b") as handle:
        size = handle.seek(0, 2)
        handle.seek(page)
        handle.write(bytes(range(256)) * ((size - page) // 256))


@pytest.mark.parametrize("read", [
    lambda store: store.cursor("convert", "a.json"),
    lambda store: list(store.documents()),
    lambda store: store.counts(),
    lambda store: store.output_at("/notes/a.md"),
    lambda store: store.outputs_for("convert", "json"),
    lambda store: store.output_history("convert", "json"),
    lambda store: store.runs(),
    # a dry run's copy in memory names the file it came from
    lambda store: open_store(store.path, reads_only=True).counts(),
], ids=["cursor", "documents", "counts", "output_at", "outputs_for", "output_history", "runs", "dry run"])
def test_every_read_of_a_damaged_database_is_a_state_error_naming_it(tmp_path, read):
    path = tmp_path / "state.sqlite"
    store = open_store(path)
    store.merge([_doc(H1, H2)])
    store.commit_outputs([OutputRecord("/notes/a.md", "convert", "json", "d1", "abc", "s1",
                                       datetime.now(UTC))], [("convert", "a.json", "c1")])
    store.close()
    _damage_every_page_but_the_first(path)
    damaged = open_store(path)
    with pytest.raises(StateError, match=rf"state database {path} cannot be read \(database disk "
                                         r"image is malformed\); --state or EXCERPTA_STATE"):
        read(damaged)
    damaged.close()


def test_a_truncated_database_is_a_state_error_naming_it(tmp_path):
    path = tmp_path / "state.sqlite"
    store = open_store(path)
    store.merge([Document(id=f"d{n}", title="Walden " * 100, highlights=[H1.model_copy(
        update={"id": f"h{n}"})]) for n in range(50)])
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with path.open("r+b") as handle:
        handle.truncate(handle.seek(0, 2) // 2)
    with pytest.raises(StateError, match=f"{path}: .*database disk image is malformed"):
        open_store(path)


def test_a_database_another_process_holds_locked_is_a_busy_state_naming_it(tmp_path):
    path = tmp_path / "state.sqlite"
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateBusyError, match=f"{path} is in use by another excerpta run") as err:
            SQLiteStore(path, timeout=0.05)
        assert err.value.exit_code == 75  # try again later, not "fix your command"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_write_waiting_past_the_timeout_for_another_run_is_a_busy_state(tmp_path):
    # Two runs sharing a --state take turns; the one that waited too long is told to retry
    # (exit 75), not to pick another state, which would split the user's library.
    path = tmp_path / "state.sqlite"
    store = SQLiteStore(path, timeout=0.05)
    store.merge([_doc(H1)])
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StateBusyError, match=r"in use by another excerpta run .*try again"):
            store.merge([_doc(H2)])
        with pytest.raises(StateBusyError):
            store.start_run("convert")
    finally:
        other.execute("ROLLBACK")
        other.close()
    [document] = store.documents()
    assert [h.id for h in document.highlights] == ["h1"]  # the waiting merge changed nothing
    store.close()


def test_runs_are_logged(store):
    run = store.start_run("convert")
    store.finish_run(run, "partial", {"skipped_records": 2}, None)
    [logged] = store.runs("convert")
    assert (logged.status, logged.counts) == ("partial", {"skipped_records": 2})
    assert logged.finished_at is not None


def test_the_run_log_keeps_each_jobs_newest_runs(store, monkeypatch):
    from excerpta.store import run_log

    monkeypatch.setattr(run_log, "RUNS_KEPT", 3)
    other = store.start_run("other")
    for number in range(5):
        store.finish_run(store.start_run("daily"), "ok", {"files_written": number})
    assert [run.counts["files_written"] for run in store.runs("daily")] == [4, 3, 2]
    assert [run.id for run in store.runs("other")] == [other]  # another job's runs are its own


def test_stored_hashes_are_the_identity_content_hashes(store):
    from excerpta.identity import content_hash

    store.merge([_doc(H1)])
    row = store._db.execute("SELECT content_hash FROM highlights WHERE id = 'h1'").fetchone()
    doc_row = store._db.execute("SELECT content_hash FROM documents WHERE id = 'd1'").fetchone()
    assert row[0] == content_hash(H1)
    assert doc_row[0] == content_hash(_doc(H1), exclude={"highlights"})


def test_a_version_1_database_is_migrated_and_its_outputs_are_checked_by_hash(tmp_path):
    path, note = tmp_path / "state.sqlite", tmp_path / "a.md"
    note.write_bytes(b"ours")
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0][1])
    db.execute("INSERT INTO migrations VALUES (?, ?)", (MIGRATIONS[0][0], "2026-01-01T00:00:00+00:00"))
    db.execute("INSERT INTO outputs VALUES (?, 'job', 'json', 'k', ?, 's1', '2026-01-01T00:00:00+00:00')",
               (str(note), hashlib.sha256(b"ours").hexdigest()))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = open_store(path)
    assert store.schema_version == SCHEMA_VERSION
    record = store.output_at(str(note))
    assert (record.hash, record.size, record.mtime_ns, record.memo) == (
        hashlib.sha256(b"ours").hexdigest(), None, None, None)
    sink = OutputSink(tmp_path, "job", "json", manifest=store)
    assert sink.is_current("k", "s1")
    note.write_bytes(b"mine")
    assert not OutputSink(tmp_path, "job", "json", manifest=store).is_current("k", "s1")
    store.close()


def test_fields_a_format_never_carries_keep_the_value_another_source_gave(store):
    dated = Highlight(id="h1", text="Same passage.", location=70, end_location=72,
                      highlighted_at=datetime(2024, 7, 4, 9, 15, tzinfo=UTC))
    coloured = Highlight(id="h1", text="Same passage.", location=70, color="blue", chapter="Economy")
    store.merge([_doc(dated)])
    stats = store.merge([_doc(coloured)], MergeRules(keep=frozenset({"highlighted_at", "end_location"})))
    assert stats.highlights_updated == 1
    [merged] = next(store.documents()).highlights
    assert (merged.color, merged.chapter, merged.end_location, merged.highlighted_at) == (
        "blue", "Economy", 72, datetime(2024, 7, 4, 9, 15, tzinfo=UTC))
    # Merging the same copy again changes nothing; a value the format does carry still replaces.
    again = store.merge([_doc(coloured)], MergeRules(keep=frozenset({"highlighted_at", "end_location"})))
    assert (again.highlights_unchanged, again.highlights_updated) == (1, 0)
    store.merge([_doc(dated.model_copy(update={"end_location": 75}))],
                MergeRules(keep=frozenset({"color", "chapter"})))
    [merged] = next(store.documents()).highlights
    assert (merged.color, merged.end_location) == ("blue", 75)
    # Without ``keep`` the latest copy wins whole, as before.
    store.merge([_doc(dated)])
    assert next(store.documents()).highlights[0].color is None


def test_document_fields_a_format_never_carries_keep_the_value_another_source_gave(store):
    rich = Document(id="d1", title="Walden", author="Thoreau", source="kindle", asin="B1",
                    tags=["nature"], summary="Two years in a cabin.")
    store.merge([rich])
    plain = Document(id="d1", title="Walden; or, Life in the Woods", author="Thoreau")
    stats = store.merge([plain], MergeRules(
        keep_document=frozenset({"source", "tags", "summary"}),
        document_left_out={"d1": frozenset({"asin"}), "d2": frozenset({"author"})}))
    [document] = store.documents()
    # a title the format carries arrives; what it does not say keeps the library's value
    assert (document.title, document.source, document.asin, document.tags, document.summary) == (
        "Walden; or, Life in the Woods", "kindle", "B1", ["nature"], "Two years in a cabin.")
    assert stats.documents_updated == 1
    again = store.merge([plain], MergeRules(keep_document=frozenset({"source", "tags", "summary", "asin"})))
    assert (again.documents_updated, again.changed_document_ids) == (0, set())
    # without keep_document the latest copy wins whole, as before
    store.merge([plain])
    assert next(store.documents()).source is None


def test_a_document_whose_fields_are_unknown_never_replaces_the_copy_the_library_has(store):
    placeholder = PlaceholderDocument(id="d1", title="Readwise book 1", highlights=[H2])
    store.merge([_doc(H1), placeholder])
    [document] = store.documents()
    assert (document.title, document.author) == ("Walden", "Thoreau")
    assert document.highlights == [H1, H2]
    store.merge([PlaceholderDocument(id="d2", title="Readwise book 2")])
    assert [d.title for d in store.documents()] == ["Walden", "Readwise book 2"]  # new: kept as it is


def test_fields_left_out_of_one_highlight_keep_the_stored_value_of_that_highlight_only(store):
    when = datetime(2024, 5, 1, 10, tzinfo=UTC)
    store.merge([_doc(H1.model_copy(update={"highlighted_at": when, "tags": ["fav"]}),
                      H2.model_copy(update={"highlighted_at": when, "tags": ["fav"]}))])
    h3 = Highlight(id="h3", text="New, read in part.", location=30)
    # h1's date and tags did not parse; h2's were removed (an empty value means "removed").
    left_out = {"h1": frozenset({"highlighted_at", "tags"}), "h3": frozenset({"highlighted_at"})}
    stats = store.merge([_doc(H1.model_copy(update={"note": "later"}), H2, h3)],
                        MergeRules(left_out=left_out))
    assert (stats.highlights_updated, stats.highlights_added) == (2, 1)
    h1, h2, new = next(store.documents()).highlights
    assert (h1.note, h1.highlighted_at, h1.tags) == ("later", when, ["fav"])
    assert (h2.highlighted_at, h2.tags) == (None, [])
    assert new == h3  # a new highlight is stored without what was left out
    # A later copy that carries the field replaces it as always.
    store.merge([_doc(H1.model_copy(update={"tags": ["other"]}))], MergeRules(left_out=left_out))
    assert next(store.documents()).highlights[0].tags == ["other"]


@pytest.mark.parametrize(("stored", "incoming", "kept"), [
    (datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC), "stored"),  # older: ignored
    (datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC), "incoming"),  # as recent
    (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC), "incoming"),  # newer
    (datetime(2024, 6, 1, tzinfo=UTC), None, "incoming"),  # undated: the last read wins
    (None, datetime(2024, 1, 1, tzinfo=UTC), "incoming"),
])
def test_of_two_copies_under_one_id_a_strictly_older_one_leaves_the_stored_row_in_its_document(
        store, stored, incoming, kept):
    first = H1.model_copy(update={"note": "stored", "updated_at": stored})
    store.merge([_doc(first)])
    second = H1.model_copy(update={"note": "incoming", "updated_at": incoming, "is_deleted": True})
    moved = Document(id="d2", title="Other", highlights=[second])
    stats = store.merge([moved], MergeRules(deleted={"d2"}))
    if kept == "stored":
        assert (stats.highlights_updated, stats.highlights_unchanged) == (0, 1)
        assert [(d.id, d.highlights) for d in store.documents()] == [("d1", [first]), ("d2", [])]
    else:
        assert [(d.id, d.highlights) for d in store.documents()] == [("d1", []), ("d2", [second])]


def test_a_stored_highlight_whose_updated_at_is_no_time_is_a_state_error_naming_it(store):
    store.merge([_doc(H1.model_copy(update={"updated_at": datetime(2024, 6, 1, tzinfo=UTC)}))])
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE highlights SET data = json_set(data, '$.updated_at', 'soon')")
    with pytest.raises(StateError, match="highlights row 'h1', updated_at 'soon' is no time"):
        store.merge([_doc(H1.model_copy(update={"note": "edited"}))])
