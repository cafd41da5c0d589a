"""read_around_damage: a table read in rowid ranges around the pages SQLite finds damaged."""

from __future__ import annotations

import sqlite3

from excerpta.readers.sqlite_damage import Gap, read_around_damage

PAGE = 4096


def table_with(path, values):
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA page_size = {PAGE}")
    db.execute("CREATE TABLE t (value TEXT)")
    db.executemany("INSERT INTO t (value) VALUES (?)", [(value,) for value in values])
    db.commit()
    db.close()
    return path


def pages_of(path, kind):
    db = sqlite3.connect(path)
    try:
        return [page for (page,) in db.execute(
            "SELECT pageno FROM dbstat WHERE name = 't' AND pagetype = ? ORDER BY path", (kind,))]
    finally:
        db.close()


def zero(path, page):
    data = bytearray(path.read_bytes())
    data[(page - 1) * PAGE:page * PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


def read(path, batch=1000):
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return read_around_damage(db, "t", "value", batch=batch)
    finally:
        db.close()


def test_a_healthy_table_is_read_whole_without_gaps(tmp_path):
    path = table_with(tmp_path / "db.sqlite", [f"row {n}" for n in range(1, 2501)])
    salvage = read(path, batch=1000)
    assert [row[-1] for row in salvage.rows] == list(range(1, 2501))
    assert salvage.gaps == []


def test_a_row_whose_overflow_page_is_damaged_is_the_only_one_lost(tmp_path):
    path = table_with(tmp_path / "db.sqlite", ["a", "b" * 3 * PAGE, "c"])
    zero(path, pages_of(path, "overflow")[0])
    salvage = read(path)
    assert [row[0] for row in salvage.rows] == ["a", "c"]
    assert salvage.gaps == [Gap(1, 3)]
    assert salvage.unread() == "at most 1 row (rowid 2)"


def test_damage_at_the_tables_end_is_a_gap_of_unknown_end(tmp_path):
    # Its last rowid is on the damaged page too: how many rows it held is not known.
    path = table_with(tmp_path / "db.sqlite", [f"{n:03d} " + "x" * 300 for n in range(1, 121)])
    zero(path, pages_of(path, "leaf")[-1])
    salvage = read(path, batch=7)
    last = salvage.rows[-1][-1]
    assert [row[-1] for row in salvage.rows] == list(range(1, last + 1))
    assert salvage.gaps == [Gap(last, None)]
    assert salvage.unread() == f"rows (rowids after {last})"


def test_a_healthy_page_between_two_damaged_ones_is_read_however_few_rows_it_holds(tmp_path):
    # 40 small rows a page, then a page of four large ones between two damaged pages of small
    # rows: a probe stepping past the first damaged page's 40 rowids would cross the 4.
    values = [f"<{n:03d}>" + ("y" * 1900 if n in (121, 122) else "x" * 90) for n in range(1, 300)]
    path = table_with(tmp_path / "db.sqlite", values)
    data, leaves = path.read_bytes(), pages_of(path, "leaf")
    held = [{n for n in range(1, 300) if f"<{n:03d}>".encode() in data[(page - 1) * PAGE:page * PAGE]}
            for page in leaves]
    middle = next(i for i, rows in enumerate(held) if 121 in rows)
    before, healthy, after = held[middle - 1], held[middle], held[middle + 1]
    assert len(healthy) < len(before) / 4  # narrow, between wide ones
    assert len(after) > 8
    zero(path, leaves[middle - 1])
    zero(path, leaves[middle + 1])
    salvage = read(path)
    assert {row[-1] for row in salvage.rows} == set(range(1, 300)) - before - after
    assert salvage.gaps == [Gap(min(before) - 1, min(healthy)), Gap(max(healthy), max(after) + 1)]
    assert salvage.unread() == (f"at most {len(before) + len(after)} rows (rowids {min(before)} to "
                                f"{max(before)}, rowids {min(after)} to {max(after)})")
