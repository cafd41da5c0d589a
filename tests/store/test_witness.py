"""The default state as a witness of a run given another ``--state``: its records of an
output's files are taken over, newest written first, and it is never written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from excerpta.model import Document
from excerpta.output import OutputRecord
from excerpta.store import open_store
from excerpta.store.witness import StateWitness, TakeOver


def _record(path: str, memo: str, day: int) -> OutputRecord:
    return OutputRecord(path, "convert", "obsidian", "doc-1", f"hash-{day}", "source",
                        datetime(2024, 3, day, tzinfo=UTC), 10, 1, memo)


def _states(tmp_path: Path, ours: list[OutputRecord], theirs: list[OutputRecord]) -> tuple:
    witness_path = tmp_path / "default.sqlite"
    default = open_store(witness_path)
    default.commit_outputs(theirs)
    default.close()
    state = open_store(tmp_path / "new.sqlite")
    state.commit_outputs(ours)
    witness = StateWitness.open(witness_path)
    assert witness is not None
    return state, witness


def _chosen(taken: TakeOver) -> dict[str, OutputRecord]:
    return {key: records[-1] for key, records in taken.output_history("convert", "obsidian").items()}


def test_of_two_states_the_one_that_wrote_the_file_last_is_believed(tmp_path):
    older = _record("/v/Walden.md", '{"blocks": {}}', 1)
    newer = _record("/v/Walden.md", '{"deleted": "x"}', 2)
    for run, (ours, theirs) in enumerate((([older], [newer]), ([newer], [older]))):
        state, witness = _states(tmp_path / str(run), ours, theirs)
        try:
            taken = TakeOver(state, [witness])
            chosen = _chosen(taken)
            assert chosen == {"doc-1": newer}
            # the witness's record is committed into the state only when it is the one believed
            assert taken.carried_over(chosen, [], "/v/") == ([newer] if theirs == [newer] else [])
            assert taken.carried_over(chosen, [], "/elsewhere/") == []  # another output's
        finally:
            state.close()
            witness.close()


def test_a_record_carried_over_once_is_the_state_s_own(tmp_path):
    record = _record("/v/Walden.md", '{"blocks": {}}', 1)
    state, witness = _states(tmp_path, [record], [record])
    try:
        taken = TakeOver(state, [witness])
        chosen = _chosen(taken)
        assert chosen == {"doc-1": record}
        assert taken.carried_over(chosen, [], "/v/") == []  # not written into the state again
    finally:
        state.close()
        witness.close()


def test_a_witness_that_was_some_run_s_library_hands_over_no_record(tmp_path):
    # Its memos may say what its library wrote, which the new state's library is not.
    state, witness = _states(tmp_path, [], [_record("/v/Walden.md", '{"kept": []}', 1)])
    state.close()
    witness.close()
    default = open_store(tmp_path / "default.sqlite")
    default.merge([Document(id="d1", title="Walden", highlights=[])])
    default.close()
    witness = StateWitness.open(tmp_path / "default.sqlite")
    assert witness is not None
    try:
        assert witness.output_history("convert", "obsidian") == {}
        assert witness.output_at("/v/Walden.md") is not None  # it still vouches for the file
    finally:
        witness.close()
