"""Smoke test of ``benchmarks/anki_deck.py`` at a tiny size (figures are not asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_anki_benchmark_runs_both_variants_and_prints_the_overhead_ratio():
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "anki_deck.py"), "--notes", "30"],
                            capture_output=True, text=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "30 notes, best of 1"
    assert [line.split()[0] for line in lines[2:4]] == ["genanki", "excerpta"]
    assert lines[4].startswith("overhead ratio (excerpta / genanki): wall ")
