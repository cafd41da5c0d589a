"""Smoke test of ``benchmarks/kindle_clippings.py`` at a tiny size: its generated files are read
completely by the ``kindle`` reader, in every wording it writes."""

from __future__ import annotations

import importlib.util
from collections import Counter

from kindle_reading import read_path

from excerpta.readers.kindle.records import iter_records

from paths import REPO


def load_benchmark():
    spec = importlib.util.spec_from_file_location("kindle_clippings_benchmark",
                                                  REPO / "benchmarks" / "kindle_clippings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_multi_language_file_is_read_without_problems(tmp_path):
    benchmark = load_benchmark()
    path = tmp_path / "mixed.txt"
    written = benchmark.generate(path, 600, english_only=False, seed=3)
    with path.open(encoding="utf-8") as handle:
        records = list(iter_records(handle))
    assert len(records) == written
    assert {r.metadata.locale for r in records} == {"en", "de", "fr", "es", "it", "pt-BR", "nl", "ru", "ja",
                                                     "zh-CN"}
    read = read_path(path)
    assert read.problems == []
    assert all(h.highlighted_at is not None for h in read.highlights())
    kinds = Counter(r.metadata.kind.value for r in records)
    assert set(kinds) == {"highlight", "note", "bookmark"}


def test_english_file_is_crlf_with_a_bom_before_every_record(tmp_path):
    benchmark = load_benchmark()
    path = tmp_path / "english.txt"
    written = benchmark.generate(path, 50, english_only=True)
    raw = path.read_bytes()
    assert raw.count("\ufeff".encode()) == written
    assert raw.count(b"==========\r\n") == written
    assert b"\n" not in raw.replace(b"\r\n", b"")
