"""Benchmark: a full Hypothesis API pull of N annotations from the fake server on 127.0.0.1.

    PYTHONPATH=src python benchmarks/hypothesis_pull.py [--annotations 10000]

Prints, for the ``hypothesis-api`` reader alone and for ``convert hypothesis: --to jsonl``
with a state database: wall time, search requests made against the floor (the pages of 200
the annotations need), rows delivered (pages overlap by a row, see
:mod:`excerpta.clients.hypothesis`); then an incremental run after no change.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fake servers' shared part
sys.path.insert(0, str(ROOT / "tests" / "readers"))
sys.path.insert(0, str(ROOT / "src"))

from hypothesis_api.fake_hypothesis import FakeHypothesis  # noqa: E402

from excerpta.adapters import ReadState  # noqa: E402
from excerpta.pipeline import convert  # noqa: E402
from excerpta.readers.hypothesis_api import HypothesisApiReader  # noqa: E402
from excerpta.store import open_store  # noqa: E402

PAGE = 200  # the API's most rows a search page gives


def run(annotations: int) -> dict[str, float]:
    """Measure one full pull (reader only), one full convert and one no-change incremental run."""
    figures: dict[str, float] = {"annotations": annotations, "floor": math.ceil(annotations / PAGE) + 1}
    with tempfile.TemporaryDirectory() as folder, FakeHypothesis(annotations=annotations) as server:
        os.environ.update(HYPOTHESIS_TOKEN=server.token, HYPOTHESIS_API_URL=server.url,
                          XDG_STATE_HOME=str(Path(folder) / "xdg"))
        started = time.perf_counter()
        read = sum(len(d.highlights) for d in HypothesisApiReader().read("hypothesis:", ReadState()))
        figures.update(reader_s=time.perf_counter() - started, read=read,
                       reader_searches=len(server.searches))
        for label in ("convert", "incremental"):
            server.requests.clear()
            delivered = sum(server.delivered.values())
            state = open_store(Path(folder) / "state.sqlite")
            try:
                started = time.perf_counter()
                convert(["hypothesis:"], to="jsonl", out=Path(folder) / "a.jsonl", library=state, state=state,
                        persistent_library=True)
                figures[f"{label}_s"] = time.perf_counter() - started
            finally:
                state.close()
            figures[f"{label}_searches"] = len(server.searches)
            figures[f"{label}_rows"] = sum(server.delivered.values()) - delivered
    return figures


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    args = parser.parse_args(argv)
    f = run(args.annotations)
    print(f"Hypothesis API, full pull of {args.annotations:,} annotations, fake server")
    print(f"  reader alone:      {f['reader_s']:.1f} s, {f['reader_searches']:.0f} searches "
          f"(floor {f['floor'] - 1:.0f}), {f['read']:,.0f} highlights")
    print(f"  convert --to jsonl: {f['convert_s']:.1f} s, {f['convert_searches']:.0f} searches, "
          f"{f['convert_rows']:,.0f} rows delivered")
    print(f"  nothing changed:   {f['incremental_s']:.2f} s, {f['incremental_searches']:.0f} search(es), "
          f"{f['incremental_rows']:,.0f} row(s)")
    return f


if __name__ == "__main__":
    main()
