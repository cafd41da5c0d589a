"""Smoke test of ``benchmarks/hypothesis_pull.py`` at a tiny size (the figures, not the speed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "hypothesis_pull.py"


def test_benchmark_pulls_everything_in_the_fewest_pages_and_little_when_unchanged(monkeypatch, capsys):
    for name in ("HYPOTHESIS_TOKEN", "HYPOTHESIS_API_URL", "XDG_STATE_HOME"):  # restored after
        monkeypatch.setenv(name, "placeholder")
    spec = importlib.util.spec_from_file_location("hypothesis_pull_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.main(["--annotations", "450"])
    assert figures["read"] == 450  # page notes too (notes without highlighted text)
    assert figures["reader_searches"] == figures["convert_searches"] == 3
    assert figures["incremental_searches"] == 1
    assert "full pull of 450 annotations" in capsys.readouterr().out
