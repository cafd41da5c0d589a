"""Benchmark: a full Readwise pull of N highlights from the fake server on 127.0.0.1.

    PYTHONPATH=src python benchmarks/readwise_pull.py [--highlights 50000] [--page-size 1000]

Prints, for the reader alone and for ``convert readwise: --to jsonl`` with a state database:
wall time, export requests made against the floor (the pages the server needs), and how
much of the time the client-side rate budget (< 240 requests/min) accounts for; then an
incremental run after no change (must be exactly one request).
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
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from excerpta.adapters import ReadState  # noqa: E402
from excerpta.clients.readwise import ReadwiseClient  # noqa: E402
from excerpta.clients.readwise_settings import ReadwiseSettings  # noqa: E402
from excerpta.pipeline import convert  # noqa: E402
from excerpta.readers.readwise_api import ReadwiseReader  # noqa: E402
from excerpta.readwise.mapping import book_to_document  # noqa: E402
from excerpta.store import open_store  # noqa: E402
from readwise.fake_readwise import FakeReadwise  # noqa: E402


def pacing_floor(requests: int) -> float:
    """Seconds the default rate budget must spread ``requests`` over (burst, then the rate)."""
    budget = ReadwiseClient.default_budget()
    return max(0, requests - budget.burst) * 60.0 / budget.per_minute


def pull_with_client() -> tuple[float, float]:
    """A full pull through the client and the mapping: (wall seconds, seconds waited)."""
    started = time.perf_counter()
    with ReadwiseClient(ReadwiseSettings.from_env()) as client:
        for page in client.export(include_deleted=True):
            for book in page.results:
                book_to_document(book, lambda where, reason: None)
        return time.perf_counter() - started, client.waited


def run(highlights: int, page_size: int) -> dict[str, float]:
    """Measure one full pull (reader only), one full convert and one no-change incremental run."""
    figures: dict[str, float] = {}
    with FakeReadwise(highlights=highlights, page_size=page_size) as server:
        os.environ["READWISE_TOKEN"] = server.token
        os.environ["READWISE_API_URL"] = server.url
        floor = server.pages_needed(includeDeleted="true")
        started = time.perf_counter()
        count = sum(len(d.highlights) for d in ReadwiseReader().read("readwise:", ReadState()))
        figures["reader_seconds"] = time.perf_counter() - started
        figures["reader_requests"] = len(server.export_requests)
        figures["highlights"] = count
        figures["floor_pages"] = floor
        figures["client_seconds"], figures["client_waited"] = pull_with_client()
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "state.sqlite")
            out = Path(tmp) / "out.jsonl"
            before = len(server.export_requests)
            started = time.perf_counter()
            convert(["readwise:"], to="jsonl", out=out, library=store, state=store)
            figures["convert_seconds"] = time.perf_counter() - started
            figures["convert_requests"] = len(server.export_requests) - before
            before = len(server.export_requests)
            started = time.perf_counter()
            convert(["readwise:"], to="jsonl", out=out, library=store, state=store)
            figures["incremental_seconds"] = time.perf_counter() - started
            figures["incremental_requests"] = len(server.export_requests) - before
            store.close()
    figures["pacing_floor_seconds"] = pacing_floor(int(floor))
    return figures


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--highlights", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=1000, help="highlights per export page")
    args = parser.parse_args(argv)
    f = run(args.highlights, args.page_size)
    print(f"full pull of {f['highlights']:.0f} highlights, {args.page_size} per page "
          f"(floor: {f['floor_pages']:.0f} pages)")
    print(f"  reader only : {f['reader_seconds']:6.2f} s, {f['reader_requests']:.0f} requests "
          f"({f['reader_requests'] / f['floor_pages']:.2f}× the floor), "
          f"{f['highlights'] / f['reader_seconds']:,.0f} highlights/s")
    print(f"  client + mapping: {f['client_seconds']:6.2f} s, of which {f['client_waited']:.2f} s "
          f"waiting for the rate budget")
    print(f"  convert     : {f['convert_seconds']:6.2f} s, {f['convert_requests']:.0f} requests "
          f"(reader + merge into SQLite + jsonl write)")
    print(f"  the rate budget (<240/min) forces at least {f['pacing_floor_seconds']:.2f} s of waiting "
          f"for {math.ceil(f['floor_pages'])} requests (burst {ReadwiseClient.default_budget().burst}, "
          f"{ReadwiseClient.default_budget().per_minute:.0f}/min)")
    print(f"  incremental run after no change: {f['incremental_seconds']:.2f} s, "
          f"{f['incremental_requests']:.0f} request(s)")
    return f


if __name__ == "__main__":
    main()
