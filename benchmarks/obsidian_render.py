"""Benchmark of the obsidian writer: a large library into an empty vault, then re-runs.

Runs (each one ``ObsidianWriter.write`` through an ``OutputSink`` with a SQLite manifest, plus
committing the manifest, as ``convert``/``sync`` do):

1. first run: every note created in an empty vault;
2. re-run with nothing changed: target 0 files written, under 10% of the first run's time;
3. re-run with 1% of the documents changed (one highlight edited in each);
4. re-run with a highlight added to 1% of the documents (a daily sync).

Baselines: the same bytes (the notes of run 1, already rendered, in memory) written by a plain
loop, (a) ``open().write()`` per file, (b) atomically (temporary file, rename) and (c) with
per-file durability (temporary file, fsync, rename, fsync of the folder); and (d) the rendering
alone, with no file written. Target: the first run within 2x of the plain loop. The first run
and the loops are repeated (``--repeat``, interleaved) and the fastest kept.

With ``--atomic`` every run uses the writer's ``atomic`` option (a note per highlight besides
each document's note, 105,000 notes by default) and the loops write those notes.

Usage: ``python benchmarks/obsidian_render.py [--documents 5000] [--highlights 20] [--atomic]
[--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.output import OutputSink
from excerpta.store import open_store
from excerpta.writers.obsidian import ObsidianWriter
from excerpta.writers.obsidian.note import new_note
from excerpta.writers.obsidian.vault import VaultIndex, known_notes

WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "reading", "notes", "highlight",
         "margin", "chapter", "idea", "attention", "memory", "habit", "system", "practice", "write",
         "learn", "think", "slow", "fast", "deep", "work"]


def make_library(documents: int, highlights: int, seed: int = 7) -> list[Document]:
    """``documents`` Kindle books and Reader articles with ``highlights`` highlights each."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    library = []
    for d in range(documents):
        is_book = d % 2 == 0
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).title() + f" {d}"
        items = []
        for h in range(highlights):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 60)))
            items.append(Highlight(
                id=f"readwise-{d * highlights + h}", text=text.capitalize() + ".",
                note=("A note: " + " ".join(rng.choice(WORDS) for _ in range(8))) if h % 5 == 0 else None,
                location=(h + 1) * 37,
                location_type=LocationType.LOCATION if is_book else LocationType.OFFSET,
                url=None if is_book else f"https://read.readwise.io/read/01h{d:08d}{h:05d}",
                tags=["favorite"] if h % 11 == 0 else [],
                highlighted_at=start + timedelta(minutes=d * highlights + h)))
        library.append(Document(
            id=f"readwise-book-{d}", title=title, author=f"Author {d % 997}",
            category=Category.BOOKS if is_book else Category.ARTICLES,
            source="kindle" if is_book else "reader", asin=f"B{d:09d}" if is_book else None,
            url=None if is_book else f"https://example.com/articles/{d}",
            cover_image_url=f"https://images.example/{d}.jpg", tags=["benchmark"] if d % 3 == 0 else [],
            highlights=items))
    return library


def change_one_percent(library: list[Document]) -> list[Document]:
    """The library with one highlight edited in every hundredth document."""
    changed = list(library)
    for index in range(0, len(changed), 100):
        document = changed[index]
        first = document.highlights[0]
        edited = [first.model_copy(update={"text": first.text + " Edited."}), *document.highlights[1:]]
        changed[index] = document.model_copy(update={"highlights": edited})
    return changed


def add_to_one_percent(library: list[Document]) -> list[Document]:
    """The library with a new highlight at the end of every hundredth document."""
    changed = list(library)
    for index in range(0, len(changed), 100):
        document = changed[index]
        last = document.highlights[-1]
        added = last.model_copy(update={"id": f"{last.id}-added", "text": "A highlight made today.",
                                        "location": (last.location or 0) + 37})
        changed[index] = document.model_copy(update={"highlights": [*document.highlights, added]})
    return changed


def timed_run(library: list[Document], vault: Path, state_path: Path,
              options: dict[str, object]) -> tuple[float, int]:
    """One writer run with the writer's ``options`` and its manifest; returns (seconds, files
    written)."""
    store = open_store(state_path)
    try:
        began = time.perf_counter()
        sink = OutputSink(vault, "bench", "obsidian", manifest=store)
        ObsidianWriter.from_options(options).write(library, sink)
        store.commit_outputs(sink.pending_records())
        elapsed = time.perf_counter() - began
    finally:
        store.close()
    return elapsed, sum(1 for o in sink.outcomes if o.action in ("create", "update"))


LOOPS = ("plain", "atomic", "durable")


def plain_loop(files: dict[str, bytes], target: Path, mode: str) -> float:
    """Seconds to write ``files`` under ``target`` with a plain loop: ``plain`` (open, write),
    ``atomic`` (temporary file, rename: no half-written note after a crash, but not durable) or
    ``durable`` (temporary file, fsync, rename, fsync of the folder)."""
    began = time.perf_counter()
    made: set[Path] = set()
    for relative, data in files.items():
        path = target / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if mode == "plain":
            with path.open("wb") as handle:
                handle.write(data)
            continue
        temp = path.with_name(f".{path.name}.tmp")
        with temp.open("wb") as handle:
            handle.write(data)
            if mode == "durable":
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
        if mode == "durable":
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    return time.perf_counter() - began


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def foreign_vault(folder: Path, notes: int) -> Path:
    """A vault of ``notes`` notes of the user's own (front matter, a page of text), in 50 folders."""
    text = "Some text about things. " * 80
    for n in range(notes):
        path = folder / f"folder {n % 50}" / f"note {n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        front_matter = (f"title: My note {n}\ntags:\n  - daily\n  - idea\ncreated: 2024-01-{n % 28 + 1:02d}\n"
                        f"aliases: [\"n{n}\"]\n")
        path.write_text(f"---\n{front_matter}---\n# Note {n}\n\n{text}\n", encoding="utf-8")
    return folder


def edit_by_hand(vault: Path, every: int) -> int:
    """Edit every ``every``-th note as a user would: a line of their own under the Metadata list
    and the first highlight reworded (so the next sync merges those notes line by line and
    block by block). Returns how many notes were edited."""
    notes = sorted(vault.rglob("*.md"))[::every]
    for path in notes:
        text = path.read_text(encoding="utf-8")
        text = text.replace("\n- Full Title: ", "\n- Status: read twice\n- Full Title: ", 1)
        text = text.replace("## Highlights\n- ", "## Highlights\n- (mine) ", 1)
        path.write_text(text, encoding="utf-8")
    return len(notes)


def recorded_notes(state_path: Path) -> dict[str, tuple[int, int, str]]:
    """What the writer tells the vault index about the notes it wrote (from the state)."""
    store = open_store(state_path)
    try:
        return known_notes(store.outputs_for("bench", "obsidian").values())
    finally:
        store.close()


def render_only(library: list[Document]) -> float:
    """Seconds to render every note to text in memory (names, properties, templates): the
    first run without any file system work (document notes as written without --atomic)."""
    writer = ObsidianWriter()
    began = time.perf_counter()
    for document in library:
        writer.source_hash(document)
        writer.renderer.file_stem(document)
        new_note(document, writer.renderer)[0].encode("utf-8")
    return time.perf_counter() - began


def run(documents: int, highlights: int, workdir: Path, repeat: int = 2,
        foreign_notes: int = 20_000, atomic: bool = False) -> dict[str, float]:
    """Every measurement, as figures (seconds, counts, ratios).

    The machine is shared and its disk noisy, so the first run and the two loops are taken
    ``repeat`` times, interleaved, each into a fresh folder, and the fastest of each is kept.
    ``atomic``: the writer's option of that name (a note per highlight).
    """
    options: dict[str, object] = {"atomic": True} if atomic else {}
    library = make_library(documents, highlights)
    firsts: list[float] = []
    loops: dict[str, list[float]] = {mode: [] for mode in LOOPS}
    for attempt in range(repeat):
        vault, state = workdir / f"vault{attempt}", workdir / f"state{attempt}.sqlite"
        seconds, first_written = timed_run(library, vault, state, options)
        firsts.append(seconds)
        files = {p.relative_to(vault).as_posix(): p.read_bytes() for p in sorted(vault.rglob("*.md"))}
        for mode in LOOPS:
            loops[mode].append(plain_loop(files, workdir / f"{mode}{attempt}", mode))
    rendering = min(render_only(library) for _ in range(repeat))
    known = recorded_notes(state)
    indexing = min(_timed(lambda: VaultIndex.scan(vault.resolve(), known=known)) for _ in range(repeat))
    reading_all = min(_timed(lambda: VaultIndex.scan(vault)) for _ in range(repeat))
    users_vault = foreign_vault(workdir / "users-vault", foreign_notes)
    foreign_indexing = min(_timed(lambda: VaultIndex.scan(users_vault)) for _ in range(repeat))
    unchanged_runs = [timed_run(library, vault, state, options) for _ in range(repeat)]
    unchanged = min(seconds for seconds, _ in unchanged_runs)
    unchanged_written = max(written for _, written in unchanged_runs)
    one_percent, one_percent_written = timed_run(change_one_percent(library), vault, state, options)
    added, added_written = timed_run(add_to_one_percent(change_one_percent(library)), vault, state, options)
    library = add_to_one_percent(library)
    edited_notes = edit_by_hand(vault, every=10)
    edited, edited_written = timed_run(change_one_percent(change_one_percent(library)), vault, state, options)
    first, plain, atomic_loop, durable = min(firsts), *(min(loops[mode]) for mode in LOOPS)
    return {
        "documents": documents, "highlights": documents * highlights, "atomic": atomic,
        "bytes": sum(len(b) for b in files.values()),
        "first_s": first, "first_written": first_written,
        "unchanged_s": unchanged, "unchanged_written": unchanged_written,
        "one_percent_s": one_percent, "one_percent_written": one_percent_written,
        "added_s": added, "added_written": added_written,
        "edited_notes": edited_notes, "edited_s": edited, "edited_written": edited_written,
        "plain_loop_s": plain, "atomic_loop_s": atomic_loop, "durable_loop_s": durable,
        "render_only_s": rendering, "index_s": indexing, "index_read_all_s": reading_all,
        "foreign_notes": foreign_notes,
        "foreign_index_s": foreign_indexing,
        "first_vs_plain": first / plain, "first_vs_atomic": first / atomic_loop,
        "first_vs_durable": first / durable,
        "unchanged_vs_first": unchanged / first,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--highlights", type=int, default=20, help="per document")
    parser.add_argument("--repeat", type=int, default=2, help="take the fastest of N first runs")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--foreign-notes", type=int, default=20_000,
                        help="size of a vault of the user's own notes to index")
    parser.add_argument("--atomic", action="store_true", help="a note per highlight too (option atomic)")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="excerpta-obsidian-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        figures = run(args.documents, args.highlights, workdir, args.repeat, args.foreign_notes,
                      atomic=args.atomic)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    f = figures
    print(f"library: {f['documents']:,} documents, {f['highlights']:,} highlights, "
          f"{f['bytes'] / 1e6:.1f} MB of notes" + (", a note per highlight (atomic)" if f["atomic"] else ""))
    print(f"first run (empty vault):  {f['first_s']:7.2f} s  {f['first_written']:,} files written")
    print(f"re-run, nothing changed:  {f['unchanged_s']:7.2f} s  {f['unchanged_written']:,} files written"
          f"  ({f['unchanged_vs_first']:.1%} of first run; target < 10%, 0 files)")
    print(f"re-run, 1% changed:       {f['one_percent_s']:7.2f} s  "
          f"{f['one_percent_written']:,} files written")
    print(f"re-run, 1% with a highlight added: {f['added_s']:5.2f} s  {f['added_written']:,} files written"
          " (a daily sync)")
    print(f"after {f['edited_notes']:,} notes edited by hand, 1% changed: {f['edited_s']:5.2f} s  "
          f"{f['edited_written']:,} files written (the edited notes are merged once, then known)")
    print(f"plain loop, same bytes:   {f['plain_loop_s']:7.2f} s  (first run = {f['first_vs_plain']:.2f}x; "
          "target within 2x)")
    print(f"atomic loop (temp+rename): {f['atomic_loop_s']:5.2f} s  "
          f"(first run = {f['first_vs_atomic']:.2f}x)")
    print(f"durable loop (fsync+rename): {f['durable_loop_s']:4.2f} s  "
          f"(first run = {f['first_vs_durable']:.2f}x)")
    print(f"rendering alone, no files: {f['render_only_s']:5.2f} s  "
          f"({f['render_only_s'] / f['plain_loop_s']:.2f}x the plain loop)")
    print(f"vault index of the notes:  {f['index_s']:5.2f} s  (what a run with a new document or a moved "
          "note reads first; notes still as written are known from the state, not read)")
    print(f"the same, every note read:  {f['index_read_all_s']:5.2f} s  (the state lost)")
    print(f"vault index, {f['foreign_notes']:,} notes of the user's own: {f['foreign_index_s']:5.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
