"""Benchmark: the ``readwise`` writer sending N highlights to the fake server on 127.0.0.1.

    PYTHONPATH=src python benchmarks/readwise_send.py [--highlights 100000] [--documents 5000]

Prints, for ``convert library.json --to readwise --out readwise:`` with a state database:
the first run (everything sent), a run with nothing changed (no request), and one after 1%
of the highlights were edited: wall time, requests, highlights sent, and the floor the
client's pacing under Readwise's 240 requests/minute puts on that many requests. Side by
side, the first run again without the pacing (into a fresh server and state), and the same
fields posted in the same batches by a plain loop of ``httpx`` POSTs (no pacing, no records):
the raw cost of the requests themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from excerpta.clients import readwise as client_module  # noqa: E402
from excerpta.clients.pacing import RateBudget  # noqa: E402
from excerpta.pipeline import convert  # noqa: E402
from excerpta.store import open_store  # noqa: E402
from readwise.fake_readwise import FakeReadwise  # noqa: E402

WORDS = ("reading", "habit", "system", "memory", "attention", "craft", "river", "garden", "signal")


def library(path: Path, highlights: int, documents: int, edited: int = 0) -> Path:
    """A canonical JSON library; the first ``edited`` highlights' texts changed."""
    per = max(1, highlights // documents)
    docs, n = [], 0
    for d in range(documents):
        items = []
        for h in range(per):
            text = " ".join(WORDS[(d + h + k) % len(WORDS)] for k in range(12)) + f" ({d}.{h})"
            items.append({"id": f"h{d}-{h}", "text": text + (" edited" if n < edited else ""),
                          "location": h * 10, "location_type": "location",
                          "highlighted_at": "2025-01-02T03:04:05+00:00"})
            n += 1
        docs.append({"id": f"d{d}", "title": f"Book {d}", "author": f"Author {d % 97}",
                     "category": "books", "highlights": items})
    path.write_text(json.dumps({"schema_version": 1, "documents": docs}), encoding="utf-8")
    return path


def pacing_floor(requests: int) -> float:
    budget = client_module.ReadwiseClient.default_budget()
    return max(0, requests - budget.burst) * 60.0 / budget.per_minute


def send(source: Path, state_path: Path, server: FakeReadwise) -> tuple[float, int, int]:
    """One convert into Readwise: (seconds, requests, highlights sent)."""
    requests, posted = len(server.post_requests), len(server.posted)
    state = open_store(state_path)
    try:
        started = time.perf_counter()
        convert([str(source)], to="readwise", out="readwise:", library=state, state=state,
                persistent_library=True)
        took = time.perf_counter() - started
    finally:
        state.close()
    return took, len(server.post_requests) - requests, len(server.posted) - posted


def plain_loop(server: FakeReadwise, batches: list[list[dict]]) -> float:
    """The same highlights posted by a plain httpx loop: seconds."""
    started = time.perf_counter()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Token {server.token}"}) as client:
        for batch in batches:
            client.post("/api/v2/highlights/", json={"highlights": batch}).raise_for_status()
    return time.perf_counter() - started


class Unpaced(RateBudget):
    """No pacing: every request at once (the fake server has no rate limit)."""

    def reserve(self, now: float) -> float:
        return 0.0


def run(highlights: int, documents: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["XDG_STATE_HOME"] = str(root / "xdg")
        source = library(root / "library.json", highlights, documents)
        with FakeReadwise(highlights=0) as server:
            os.environ["READWISE_TOKEN"] = server.token
            os.environ["READWISE_API_URL"] = server.url
            state = root / "state.sqlite"
            figures["first_s"], figures["first_requests"], figures["first_sent"] = send(source, state, server)
            figures["unchanged_s"], figures["unchanged_requests"], _ = send(source, state, server)
            edited = library(root / "library.json", highlights, documents, edited=highlights // 100)
            took, requests, count = send(edited, state, server)
            figures.update(edited_s=took, edited_requests=requests, edited_sent=count)
            sent = list(server.posted[: int(figures["first_sent"])])
        with FakeReadwise(highlights=0) as fresh:
            os.environ["READWISE_API_URL"] = fresh.url
            paced, client_module.RateBudget = client_module.RateBudget, Unpaced
            try:
                figures["unpaced_s"], _, _ = send(source, root / "unpaced.sqlite", fresh)
            finally:
                client_module.RateBudget = paced
        with FakeReadwise(highlights=0) as fresh:
            per = max(1, int(figures["first_sent"] // max(1, figures["first_requests"])))
            figures["plain_loop_s"] = plain_loop(fresh, [sent[i:i + per] for i in range(0, len(sent), per)])
    figures["pacing_floor_s"] = pacing_floor(int(figures["first_requests"]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--highlights", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=5_000)
    args = parser.parse_args()
    f = run(args.highlights, args.documents)
    print(f"readwise writer, {args.highlights:,} highlights in {args.documents:,} documents, fake server")
    print(f"  first run:       {f['first_s']:.1f} s, {f['first_requests']:.0f} requests, "
          f"{f['first_sent']:,.0f} highlights sent (pacing floor for that many requests: "
          f"{f['pacing_floor_s']:.1f} s)")
    print(f"  first run without pacing: {f['unpaced_s']:.1f} s; a plain httpx loop posting the same "
          f"batches: {f['plain_loop_s']:.1f} s ({f['unpaced_s'] / max(f['plain_loop_s'], 1e-9):.2f}x)")
    print(f"  nothing changed: {f['unchanged_s']:.2f} s, {f['unchanged_requests']:.0f} requests "
          f"({100 * f['unchanged_s'] / f['first_s']:.0f}% of the first run)")
    print(f"  1% edited:       {f['edited_s']:.2f} s, {f['edited_requests']:.0f} requests, "
          f"{f['edited_sent']:,.0f} highlights sent")


if __name__ == "__main__":
    main()
