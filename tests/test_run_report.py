"""How a logged run's figures are said: each writer's outputs in its own terms."""

from __future__ import annotations

from excerpta import registry
from excerpta.run_report import said_of_counts

SENT = {"files_written": 0, "conflicts": 0, "skipped_records": 2, "documents_sent": 12,
        "highlights_sent": 340, "highlights_refused": 1}


def test_a_job_that_only_sends_says_no_files():
    assert said_of_counts(SENT, [registry.writer("readwise")]) == [
        "12 documents sent to Readwise (340 highlights)", "1 highlight refused", "2 record(s) skipped"]


def test_a_job_of_files_says_files_only():
    counts = {"files_written": 3, "conflicts": 1, "skipped_records": 0}
    assert said_of_counts(counts, [registry.writer("obsidian"), registry.writer("json")]) == [
        "3 file(s) written", "1 left alone", "0 record(s) skipped"]


def test_a_run_logged_before_sends_were_counted_apart_is_said_as_it_was():
    counts = {"files_written": 12, "conflicts": 0, "skipped_records": 0}
    assert said_of_counts(counts, [registry.writer("readwise")]) == [
        "12 file(s) written", "0 left alone", "0 record(s) skipped"]
    assert said_of_counts({}, [registry.writer("readwise")]) == []
