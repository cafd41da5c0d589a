"""What the readers of other programs' SQLite databases share: telling a file cut short by its
header."""

from __future__ import annotations

import sqlite3

from excerpta.readers.sqlite_snapshot import HEADER_SIZE, cut_short


def _database(tmp_path, rows: int = 200) -> bytes:
    path = tmp_path / "some.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("x" * 100,)] * rows)
    db.commit()
    db.close()
    return path.read_bytes()


def test_a_file_as_long_as_its_header_says_is_whole(tmp_path):
    data = _database(tmp_path)
    assert cut_short(data[:HEADER_SIZE], len(data)) is None
    assert cut_short(data[:HEADER_SIZE], len(data) + 10) is None  # longer: not cut


def test_a_file_shorter_than_its_header_says_is_cut_short_by_that_much(tmp_path):
    data = _database(tmp_path)
    pages = len(data) // 4096
    assert cut_short(data[:HEADER_SIZE], len(data) - 1) == (
        f"{len(data) - 1} bytes where its header says {len(data)} ({pages} pages of 4096)")
    assert cut_short(data[:50], 50) == "50 bytes, less than an SQLite header's 100"


def test_a_header_whose_page_count_sqlite_does_not_trust_says_nothing(tmp_path):
    data = _database(tmp_path)
    legacy = data[:92] + bytes(4) + data[96:HEADER_SIZE]  # version-valid-for unlike the change counter
    assert cut_short(legacy, 5000) is None
    assert cut_short(b"not an SQLite file at all" * 10, 10) is None
