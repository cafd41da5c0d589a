"""Benchmark: the ingest endpoint taking highlights on 127.0.0.1, and the inbox read back.

    PYTHONPATH=src python benchmarks/ingest_endpoint.py [--highlights 10000] [--batch 1]

Prints: requests per second and wall time for posting N highlights (``--batch`` per request:
1 is how Moon+ Reader sends, a highlight as it is made; each request synced to disk before
its answer), against a plain stdlib server that answers the same requests without keeping
anything (the HTTP floor); then the ``inbox`` reader reading them all, and a
``convert --state`` run reading what came after a first run (one more highlight).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from excerpta.adapters import ReadState  # noqa: E402
from excerpta.cli import cli  # noqa: E402
from excerpta.ingest.server import IngestServer  # noqa: E402
from excerpta.ingest.settings import IngestSettings  # noqa: E402
from excerpta.readers.inbox import InboxReader  # noqa: E402

TOKEN = "benchmark-ingest-token-0123456789"


class _Floor(BaseHTTPRequestHandler):
    """Reads a request's body and answers 200, keeping nothing."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # as the endpoint's: the floor measures the same HTTP

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args: object) -> None:
        pass


def _bodies(highlights: int, batch: int) -> list[dict]:
    books = max(1, highlights // 20)
    items = [{"title": f"Book {n % books}", "author": f"Author {n % books}", "chapter": f"Chapter {n % 7}",
              "text": f"Highlight number {n}: a sentence of about the length readers mark in a book.",
              "note": "a note" if n % 5 == 0 else "", "source_type": "moonreader"} for n in range(highlights)]
    return [{"highlights": items[start:start + batch]} for start in range(0, highlights, batch)]


def _post_all(url: str, bodies: list[dict]) -> float:
    began = time.perf_counter()
    with httpx.Client(headers={"Authorization": f"Token {TOKEN}"}) as client:
        for body in bodies:
            client.post(url + "/api/v2/highlights/", json=body).raise_for_status()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--highlights", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    bodies = _bodies(args.highlights, args.batch)
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder) / "inbox.jsonl"
        floor = ThreadingHTTPServer(("127.0.0.1", 0), _Floor)
        threading.Thread(target=floor.serve_forever, daemon=True).start()
        floor_seconds = _post_all(f"http://127.0.0.1:{floor.server_address[1]}", bodies)
        floor.shutdown()
        server = IngestServer(IngestSettings(host="127.0.0.1", port=0, token=SecretStr(TOKEN), inbox=inbox))
        server.start()
        ours = _post_all(server.url, bodies)
        server.stop()
        print(f"{len(bodies)} requests of {args.batch} highlight(s): endpoint {ours:.2f} s "
              f"({len(bodies) / ours:.0f} requests/s, each synced to disk), plain server keeping nothing "
              f"{floor_seconds:.2f} s ({len(bodies) / floor_seconds:.0f}/s): {ours / floor_seconds:.2f}x")
        began = time.perf_counter()
        documents = list(InboxReader().read(str(inbox), ReadState()))
        read = time.perf_counter() - began
        print(f"inbox reader: {sum(len(d.highlights) for d in documents)} highlights in {len(documents)} "
              f"documents, {read:.2f} s ({inbox.stat().st_size / 2**20:.1f} MB inbox)")
        state, out = Path(folder) / "state.sqlite", Path(folder) / "out.jsonl"
        argv = ["-q", "convert", str(inbox), "--to", "jsonl", "--out", str(out), "--state", str(state)]
        began = time.perf_counter()
        cli.main(argv, standalone_mode=False)
        first = time.perf_counter() - began
        server = IngestServer(IngestSettings(host="127.0.0.1", port=0, token=SecretStr(TOKEN), inbox=inbox))
        server.start()
        _post_all(server.url, _bodies(1, 1))
        server.stop()
        began = time.perf_counter()
        cli.main(argv, standalone_mode=False)
        after = time.perf_counter() - began
        print(f"convert --state to jsonl: first {first:.2f} s; after one more highlight came {after:.2f} s "
              "(only the new line read)")


if __name__ == "__main__":
    main()
