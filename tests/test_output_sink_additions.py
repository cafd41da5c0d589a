"""OutputSink additions made for the obsidian writer: a manifest snapshot per run, a reason on
an outcome, reported skips, and records kept for files not written."""

from __future__ import annotations

import hashlib

from excerpta.output import OutputSink
from excerpta.store import open_store


class CountingManifest:
    """A manifest that counts how often the sink asks it for a writer's records."""

    def __init__(self, store):
        self.store = store
        self.calls = 0

    def output_at(self, path):
        return self.store.output_at(path)

    def output_history(self, job, writer):
        self.calls += 1
        return self.store.output_history(job, writer)


def test_sink_asks_the_manifest_for_its_records_once_per_run(tmp_path):
    store = open_store(tmp_path / "state.sqlite")
    first = OutputSink(tmp_path / "out", "job", "w", manifest=store)
    for n in range(3):
        first.write(f"{n}.txt", b"x", key=str(n), source_hash="s")
    store.commit_outputs(first.pending_records())
    manifest = CountingManifest(store)
    second = OutputSink(tmp_path / "out", "job", "w", manifest=manifest)
    assert [second.is_current(str(n), "s") for n in range(3)] == [True, True, True]
    assert second.previous("9") is None
    assert manifest.calls == 1
    assert sorted(second.records()) == ["0", "1", "2"]


def test_reason_is_attached_to_written_outcomes_but_not_to_conflicts(tmp_path):
    sink = OutputSink(tmp_path, "job", "w")
    created = sink.write("a.md", b"one", reason="adopted")
    assert (created.action, created.reason) == ("create", "adopted")
    (tmp_path / "b.md").write_bytes(b"user's")
    clash = sink.write("b.md", b"ours", reason="adopted")
    assert clash.action == "conflict"
    assert clash.reason == "exists and no state records excerpta writing it; left alone (--force overwrites)"


def test_replaces_lets_a_merged_user_file_be_updated_with_a_reason(tmp_path):
    (tmp_path / "b.md").write_bytes(b"user's")
    sink = OutputSink(tmp_path, "job", "w")
    outcome = sink.write("b.md", b"merged", replaces=hashlib.sha256(b"user's").hexdigest(),
                         reason="merged")
    sink.finish()
    assert (outcome.action, outcome.reason) == ("update", "merged")
    assert (tmp_path / "b.md").read_bytes() == b"merged"


def test_dry_run_reports_the_reason_and_writes_nothing(tmp_path):
    sink = OutputSink(tmp_path, "job", "w", dry_run=True)
    outcome = sink.write("a.md", b"one", reason="would adopt")
    assert str(outcome) == f"create {tmp_path / 'a.md'} (3 bytes): would adopt"
    assert not (tmp_path / "a.md").exists()


def test_skip_is_reported_as_an_outcome_without_touching_the_file(tmp_path):
    sink = OutputSink(tmp_path, "job", "w")
    outcome = sink.skip("gone.md", "deleted by the user")
    assert (outcome.path, outcome.action, outcome.reason) == (
        tmp_path.resolve() / "gone.md", "skip", "deleted by the user")
    assert sink.outcomes == [outcome]
    assert not (tmp_path / "gone.md").exists()


def test_a_record_kept_for_a_file_not_written_carries_the_new_memo_and_writes_nothing(tmp_path):
    store = open_store(tmp_path / "state.sqlite")
    first = OutputSink(tmp_path / "out", "job", "w", manifest=store)
    first.write("a.txt", b"x", key="a", source_hash="s", memo="old")
    store.commit_outputs(first.pending_records())
    (tmp_path / "out" / "a.txt").unlink()  # the user deleted it
    second = OutputSink(tmp_path / "out", "job", "w", manifest=store)
    second.remember("a", "a.txt", "deleted")
    second.remember("unknown", "b.txt", "deleted")  # nothing to keep
    store.commit_outputs(second.pending_records())
    record = store.outputs_for("job", "w")["a"]
    assert (record.memo, record.source_hash) == ("deleted", "s")
    assert record.hash == hashlib.sha256(b"x").hexdigest()
    assert sorted(store.outputs_for("job", "w")) == ["a"]
    assert list((tmp_path / "out").iterdir()) == []
