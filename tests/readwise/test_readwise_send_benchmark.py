"""Smoke test of ``benchmarks/readwise_send.py`` at a tiny size (the figures, not the speed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "readwise_send.py"


def test_benchmark_sends_everything_once_then_nothing_then_the_edited_percent(monkeypatch):
    for name in ("READWISE_TOKEN", "READWISE_API_URL", "XDG_STATE_HOME"):  # restored after
        monkeypatch.setenv(name, "placeholder")
    spec = importlib.util.spec_from_file_location("readwise_send_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.run(1_200, 60)
    assert figures["first_sent"] == 1_200
    assert figures["first_requests"] == 3  # 500 highlights a request at most
    assert figures["unchanged_requests"] == 0
    assert figures["edited_sent"] == 12
    assert figures["edited_requests"] == 1
