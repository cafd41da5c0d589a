"""Benchmark of the check of a vault's files before a conversion reads them
(:func:`excerpta.preflight.resolve_inputs` on a folder): a synthetic vault of Readwise notes
(read by the readwise-md reader's folder mode), the user's own notes and PNG attachments.

Prints the fastest of ``--repeat`` runs and how many files were opened (``open`` counted while
resolving): a note the folder's reader claims by its path is never opened.

Usage: ``python benchmarks/vault_inputs.py [--readwise 1000] [--notes 3000] [--images 500]
[--repeat 5]``.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from unittest import mock

from excerpta.preflight import resolve_inputs

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
READWISE_NOTE = CORPUS / "readwise/obsidian-official/lucasheriques-brain/Readwise/Books/Mindset.md"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8


def make_vault(root: Path, readwise: int, notes: int, images: int) -> Path:
    """A vault of ``readwise`` Readwise notes, ``notes`` notes of the user's, ``images`` PNGs."""
    text = READWISE_NOTE.read_text(encoding="utf-8")
    for folder, count, write in (
            ("Readwise/Books", readwise, lambda p, i: p.with_suffix(".md").write_text(text)),
            ("Daily", notes, lambda p, i: p.with_suffix(".md").write_text(f"# Day {i}\n\nRead.\n")),
            ("attachments", images, lambda p, i: p.with_suffix(".png").write_bytes(PNG))):
        (root / folder).mkdir(parents=True)
        for i in range(count):
            write(root / folder / f"{folder.split('/')[-1]} {i:05d}", i)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readwise", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=3000)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        vault = make_vault(Path(tmp) / "vault", args.readwise, args.notes, args.images)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            resolved = resolve_inputs([str(vault)], None, {})
            times.append(time.perf_counter() - start)
        opened = 0
        real_open = io.open

        def counting_open(*args_: object, **kwargs: object) -> object:
            nonlocal opened
            opened += 1
            return real_open(*args_, **kwargs)  # type: ignore[call-overload]

        with mock.patch("pathlib.io.open", counting_open):
            resolve_inputs([str(vault)], None, {})
    files = args.readwise + args.notes + args.images
    print(f"{files} files ({args.readwise} Readwise notes, {args.notes} other notes, "
          f"{args.images} PNGs): {len(resolved)} input(s), best of {args.repeat}: "
          f"{min(times) * 1000:.0f} ms; files opened: {opened}")


if __name__ == "__main__":
    main()
