"""Benchmark: build a 100,000-note Anki deck with the ``anki`` writer vs plain genanki.

Both variants get the same highlights (generated, deterministic) and produce one ``.apkg``
with one "Which book?" note per highlight on the same note type:

* ``genanki``: the baseline, genanki with no extra logic: ``html.escape`` each field,
  ``guid_for(id)``, ``Deck.add_note``, ``Package.write_to_file``;
* ``excerpta``: ``AnkiWriter.write`` through an ``OutputSink`` (markup, tags, per-note
  modification times, deterministic SQLite + zip, atomic write with hashing).

Each variant runs in its own process, which reports its wall time and peak RSS
(``ru_maxrss``) and how much the peak grew over the RSS before building. Usage::

    PYTHONPATH=src python benchmarks/anki_deck.py [--notes 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import html
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

PER_DOCUMENT = 100
WORDS = ("deliberately", "essential", "facts", "life", "learn", "teach", "discover", "lived", "mass",
         "men", "quiet", "desperation", "frittered", "detail", "simplify", "power", "mind", "outside",
         "events", "realize", "strength")


def make_documents(notes: int) -> Iterator[object]:
    """``notes`` highlights in documents of :data:`PER_DOCUMENT`, generated lazily."""
    from excerpta.model import Document, Highlight

    start = datetime(2024, 1, 1, tzinfo=UTC)
    for first in range(0, notes, PER_DOCUMENT):
        count = min(PER_DOCUMENT, notes - first)
        highlights = [
            Highlight(
                id=f"bench-{n}",
                text=" ".join(WORDS[(n + k) % len(WORDS)] for k in range(30)) + f" <{n}> & more",
                note=f"note {n}" if n % 3 == 0 else None,
                location=n, location_type="location",
                highlighted_at=start + timedelta(minutes=n),
                tags=["bench", f"t{n % 7}"],
            )
            for n in range(first, first + count)
        ]
        yield Document(id=f"doc-{first}", title=f"Book {first // PER_DOCUMENT}", author="A. Author",
                       tags=["benchmark"], highlights=highlights)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_genanki(notes: int, out: Path) -> None:
    """The baseline: plain genanki, same notes, no extra logic."""
    import genanki

    from excerpta.writers.anki.note_types import FIELDS, ROOT_DECK_ID, build_note_type

    model = build_note_type("book")
    deck = genanki.Deck(ROOT_DECK_ID, "Highlights")
    for document in make_documents(notes):
        for highlight in document.highlights:  # type: ignore[attr-defined]
            values = {"HighlightId": highlight.id, "Text": highlight.text, "Note": highlight.note or "",
                      "Title": document.title, "Author": document.author or "",  # type: ignore[attr-defined]
                      "Location": str(highlight.location)}
            fields = [html.escape(values.get(name, "")) for name in FIELDS]
            deck.add_note(genanki.Note(model=model, fields=fields, tags=highlight.tags,
                                       guid=genanki.guid_for(highlight.id)))
    genanki.Package(deck).write_to_file(str(out))


def run_excerpta(notes: int, out: Path) -> None:
    """excerpta's ``anki`` writer, through an OutputSink like ``excerpta convert`` uses."""
    from excerpta.output import OutputSink
    from excerpta.writers.anki import AnkiOptions, AnkiWriter

    writer = AnkiWriter(AnkiOptions(cards=("book",)))
    with OutputSink(out.parent, "bench", "anki", file_name=out.name) as sink:
        writer.write(make_documents(notes), sink)  # type: ignore[arg-type]


VARIANTS = {"genanki": run_genanki, "excerpta": run_excerpta}


def child(variant: str, notes: int) -> None:
    """Run one variant in this process and print its figures as JSON."""
    # Imports are not part of the measured work.
    import genanki  # noqa: F401

    import excerpta.output
    import excerpta.writers.anki  # noqa: F401

    before = _rss_mib()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "deck.apkg")
        started = time.perf_counter()
        VARIANTS[variant](notes, out)
        seconds = time.perf_counter() - started
        size = out.stat().st_size
    peak = _rss_mib()
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "growth_mib": peak - before, "bytes": size}))


def measure(variant: str, notes: int) -> dict[str, float]:
    """Run ``variant`` in a fresh interpreter and return its figures."""
    output = subprocess.run([sys.executable, __file__, "--child", variant, "--notes", str(notes)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant; the fastest is kept")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.notes)
        return
    results = {}
    for variant in VARIANTS:
        runs = [measure(variant, args.notes) for _ in range(args.repeat)]
        results[variant] = min(runs, key=lambda r: r["seconds"])
    print(f"{args.notes:,} notes, best of {args.repeat}")
    print(f"{'variant':<10} {'wall s':>8} {'peak RSS MiB':>13} {'growth MiB':>11} {'apkg MiB':>9}")
    for variant, r in results.items():
        print(f"{variant:<10} {r['seconds']:>8.2f} {r['peak_mib']:>13.1f} {r['growth_mib']:>11.1f} "
              f"{r['bytes'] / 2**20:>9.1f}")
    ours, base = results["excerpta"], results["genanki"]
    print(f"overhead ratio (excerpta / genanki): wall {ours['seconds'] / base['seconds']:.2f}x, "
          f"peak RSS {ours['peak_mib'] / base['peak_mib']:.2f}x, "
          f"growth {ours['growth_mib'] / max(base['growth_mib'], 0.1):.2f}x")


if __name__ == "__main__":
    main()
