"""Smoke test of ``benchmarks/readwise_pull.py`` at a tiny size (the figures, not the speed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "readwise_pull.py"


def test_benchmark_pulls_everything_at_the_page_floor_and_one_request_when_unchanged(monkeypatch, capsys):
    monkeypatch.setenv("READWISE_TOKEN", "placeholder")  # restored after the benchmark sets it
    monkeypatch.setenv("READWISE_API_URL", "http://placeholder.invalid")
    spec = importlib.util.spec_from_file_location("readwise_pull_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.main(["--highlights", "300", "--page-size", "100"])
    assert figures["highlights"] == 300
    assert figures["reader_requests"] == figures["floor_pages"] >= 3
    assert figures["convert_requests"] == figures["floor_pages"]
    assert figures["incremental_requests"] == 1
    assert "full pull of 300 highlights" in capsys.readouterr().out
