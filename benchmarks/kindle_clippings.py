"""Benchmark: excerpta's ``kindle`` reader against the PyPI My Clippings.txt parsers.

Generates (deterministically) a 100,000-record English file in the lowest-common-denominator form
every peer can parse (CRLF, BOM before every record, en-US wording, every book with an author and
a location), a 100,000-record file mixing 11 UI languages and firmware generations, and a 100 MB
mixed file; then measures records/s (parse only, median of 3 runs) and peak RSS (whole process,
interpreter included) for:

* excerpta ``kindle`` — the full reader: documents with ids, notes attached, aware timestamps;
* excerpta record grammar — records with kind, page, location and date (what peers return);
* ``kindle-clippy``, ``kclip`` and ``clippings`` (samueldg) from PyPI, installed into
  ``benchmarks/.venv`` by this script (never into the project's dependencies).

Each measurement runs in its own process. Usage::

    python benchmarks/kindle_clippings.py [--records 100000] [--big-mb 100] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
PEER_VENV = HERE / ".venv"
PEERS = ("kindle-clippy", "kclip", "clippings")
RUNS = 3

EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December"]
DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
      "November", "Dezember"]
FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
      "novembre", "décembre"]
ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
      "noviembre", "diciembre"]
IT = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
      "ottobre", "novembre", "dicembre"]
PT = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
      "outubro", "novembro", "dezembro"]
NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
      "oktober", "november", "december"]
RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
      "ноября", "декабря"]
KINDS = ("highlight", "note", "bookmark")


def _twelve(w: datetime) -> str:
    return f"{(w.hour % 12) or 12}:{w:%M:%S} {'AM' if w.hour < 12 else 'PM'}"


def _zh_clock(w: datetime) -> str:
    return f"{'上午' if w.hour < 12 else '下午'}{(w.hour % 12) or 12}:{w:%M:%S}"


def _span(a: int, b: int, sep: str = "-") -> str:
    return str(a) if a == b else f"{a}{sep}{b}"


# locale → (highlight, note, bookmark phrases), metadata line from (phrase, page, a, b, when)
Formatter = Callable[[str, int, int, int, datetime], str]
LOCALES: dict[str, tuple[tuple[str, str, str], Formatter]] = {
    "en-US": (("Your Highlight", "Your Note", "Your Bookmark"), lambda k, p, a, b, w: (
        f"- {k} on page {p} | Location {_span(a, b)} | Added on Thursday, {EN[w.month - 1]} {w.day}, "
        f"{w.year} {_twelve(w)}")),
    "en-GB": (("Your Highlight", "Your Note", "Your Bookmark"), lambda k, p, a, b, w: (
        f"- {k} at location {_span(a, b)} | Added on Thursday, {w.day} {EN[w.month - 1]} {w.year} "
        f"{w:%H:%M:%S}")),
    "en-2009": (("Highlight", "Note", "Bookmark"), lambda k, p, a, b, w: (
        f"- {k} Loc. {a}{'' if a == b else '-' + str(b)[-2:]}  | Added on Thursday, {EN[w.month - 1]} "
        f"{w:%d}, {w.year}, {_twelve(w)[:-6]}{_twelve(w)[-3:]}")),
    "de": (("Deine Markierung", "Deine Notiz", "Dein Lesezeichen"), lambda k, p, a, b, w: (
        f"- {k} auf Seite {p} | bei Position {_span(a, b)} | Hinzugefügt am Donnerstag, {w.day}. "
        f"{DE[w.month - 1]} {w.year} {w:%H:%M:%S}")),
    "de-2013": (("Ihre Markierung", "Ihre Notiz", "Ihr Lesezeichen"), lambda k, p, a, b, w: (
        f"- {k} Position {_span(a, b)} | Hinzugefügt am Donnerstag, {w.day}. {DE[w.month - 1]} {w.year} "
        f"um {w:%H:%M:%S} Uhr")),
    "fr": (("Votre surlignement", "Votre note", "Votre signet"), lambda k, p, a, b, w: (
        f"- {k} sur la page {p} | emplacement {_span(a, b)} | Ajouté le jeudi {w.day} {FR[w.month - 1]} "
        f"{w.year} {w:%H:%M:%S}")),
    "es": (("La subrayado", "La nota", "El marcador"), lambda k, p, a, b, w: (
        f"- {k} en la página {p} | posición {_span(a, b)} | Añadido el jueves, {w.day} de "
        f"{ES[w.month - 1]} de {w.year} {w:%H:%M:%S}")),
    "it": (("La tua evidenziazione", "La tua nota", "Il tuo segnalibro"), lambda k, p, a, b, w: (
        f"- {k} a pagina {p} | posizione {_span(a, b)} | Aggiunto in data giovedì {w.day} "
        f"{IT[w.month - 1]} {w.year} {w:%H:%M:%S}")),
    "pt-BR": (("Seu destaque", "Sua nota", "Seu marcador"), lambda k, p, a, b, w: (
        f"- {k} na página {p} | posição {_span(a, b)} | Adicionado: quinta-feira, {w.day} de "
        f"{PT[w.month - 1]} de {w.year} {w:%H:%M:%S}")),
    "nl": (("Je highlight", "Je notitie", "Je bladwijzer"), lambda k, p, a, b, w: (
        f"- {k} op pagina {p} | locatie {_span(a, b, ' t/m ')} | Toegevoegd op donderdag {w.day} "
        f"{NL[w.month - 1]} {w.year} {w:%H:%M:%S}")),
    "ru": (("Ваш выделенный отрывок", "Ваша заметка", "Ваша закладка"), lambda k, p, a, b, w: (
        f"– {k} на странице {p} | Место {_span(a, b, '–')} | Добавлено: четверг, {w.day} "
        f"{RU[w.month - 1]} {w.year} г. в {w:%H:%M:%S}")),
    "ja": (("ハイライト", "メモ", "ブックマーク"), lambda k, p, a, b, w: (
        f"- {p}ページ|位置No. {_span(a, b)}の{k} |作成日: {w.year}年{w.month}月{w.day}日木曜日 "
        f"{w:%H:%M:%S}")),
    "zh-CN": (("标注", "笔记", "书签"), lambda k, p, a, b, w: (
        f"- 您在第 {p} 页（位置 #{_span(a, b)}）的{k} | 添加于 {w.year}年{w.month}月{w.day}日星期四 "
        f"{_zh_clock(w)}")),
}
SYLLABLES = ["ka", "lo", "mi", "ne", "ra", "to", "vu", "sal", "dor", "zen", "fal", "kel", "mor", "nix",
             "pra", "qui", "hun", "ist", "jor", "gri"]


def _words(rng: random.Random, low: int, high: int) -> str:
    count = rng.randint(low, high)
    return " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) for _ in range(count))


def generate(path: Path, records: int, *, english_only: bool, seed: int = 7,
             target_bytes: int | None = None) -> int:
    """Write a clippings file of ``records`` records (or until ``target_bytes``); returns the count.

    Highlights 70 %, notes 20 % (at their highlight's end, mostly after it), bookmarks 10 %;
    CRLF line endings and a BOM before every record, as devices write them.
    """
    rng = random.Random(seed)
    books = [(f"{_words(rng, 1, 4).title()} ({_words(rng, 1, 1).title()}, {_words(rng, 1, 1).title()})",
              rng.randint(1, 5000)) for _ in range(300)]
    locales = ["en-US"] if english_only else sorted(LOCALES)
    when = datetime(2014, 3, 1, 6, 0, 0)
    written = size = 0
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        while written < records or (target_bytes is not None and size < target_bytes):
            title, position = rng.choice(books)
            locale = rng.choice(locales)
            phrases, line = LOCALES[locale]
            start = position + rng.randint(0, 9000)
            end = start + rng.randint(0, 6)
            when += timedelta(seconds=rng.randint(5, 4000))
            page = start // 15 + 1
            roll = rng.random()
            if roll < 0.1:
                chunk = f"\ufeff{title}\n{line(phrases[2], page, start, start, when)}\n\n\n==========\n"
            else:
                text = _words(rng, 8, 45).capitalize() + "."
                chunk = f"\ufeff{title}\n{line(phrases[0], page, start, end, when)}\n\n{text}\n==========\n"
                if roll > 0.7:
                    note = _words(rng, 3, 15).capitalize() + "?"
                    chunk += (f"\ufeff{title}\n{line(phrases[1], page, end, end, when)}\n\n{note}\n"
                              "==========\n")
                    written += 1
            out.write(chunk)
            size += len(chunk.encode("utf-8")) + chunk.count("\n")
            written += 1
    return written


# Each measurement: a snippet that parses FILE and sets ``n`` to the records it returned.
OURS_FULL = """
from excerpta.adapters import ReadState
from excerpta.readers.kindle.clippings import KindleClippingsReader, KindleClippingsOptions
reader = KindleClippingsReader(KindleClippingsOptions(timezone="UTC"))
state = ReadState()
START
n = sum(len(d.highlights) for d in reader.read(FILE, state))
STOP
assert not state.problems, state.problems[:3]
"""
OURS_RECORDS = """
from excerpta.readers.kindle.records import iter_records
START
with open(FILE, encoding="utf-8", errors="replace") as handle:
    n = sum(1 for r in iter_records(handle) if r.metadata is not None)
STOP
"""
OURS_BLOCKS = """
from excerpta.readers.kindle.blocks import iter_file_records
from excerpta.readers.kindle.metadata import MetadataError, parse_fast, parse_metadata
START
n = 0
with open(FILE, encoding="utf-8", errors="replace") as handle:
    for r in iter_file_records(handle):
        if type(r) is not tuple:
            n += r.metadata is not None
        elif parse_fast(r[2]) is not None:
            n += 1
        else:
            try:
                n += parse_metadata(r[2]) is not None
            except MetadataError:
                pass
STOP
"""
OURS = (("excerpta kindle (full reader)", OURS_FULL), ("excerpta record grammar", OURS_RECORDS),
        ("excerpta block records (the grammar's records, cut from blocks)", OURS_BLOCKS))
# Where the full reader's time goes: each stage runs everything before it too (the reader's own
# functions, some private), timed in one process with the CPU clock, best of RUNS.
BREAKDOWN = """
import json, sys, time
from collections import deque
from zoneinfo import ZoneInfo
from excerpta.adapters import ReadState
from excerpta.readers.kindle import clippings as reader
from excerpta.readers.kindle import documents as batches
from excerpta.readers.kindle.assembly import ClippingWindow
from excerpta.readers.kindle.blocks import BLOCK_CHARS, iter_record_batches
from excerpta.readers.kindle.metadata import parse_fast
FILE, RUNS = sys.argv[1], int(sys.argv[2])
ZONE = ZoneInfo("UTC")
def opened():
    return open(FILE, encoding="utf-8", errors="replace", newline=None)
def read_text():
    with opened() as handle:
        while handle.read(BLOCK_CHARS):
            pass
def cut_records():
    with opened() as handle:
        deque(iter_record_batches(handle), 0)
def parse_metadata_lines():
    with opened() as handle:
        for records in iter_record_batches(handle):
            for record in records:
                parse_fast(record[2], ZONE)
def make_clippings():
    with opened() as handle:
        deque(reader._clippings(iter_record_batches(handle), FILE, ReadState(), ZONE), 0)
def note_window():
    with opened() as handle:
        window = ClippingWindow()
        for clippings in reader._clippings(iter_record_batches(handle), FILE, ReadState(), ZONE):
            for clipping in clippings:
                window.push(clipping)
        window.finish()
def read_with(document):
    def run():
        original, batches._document = batches._document, document
        try:
            with opened() as handle:
                deque(reader.read_clippings_file(handle, FILE, ReadState(), zone=ZONE), 0)
        finally:
            batches._document = original
    return run
STAGES = [
    ("read the text (64K-char blocks, universal newlines)", read_text),
    ("+ cut records out of the blocks", cut_records),
    ("+ parse metadata lines (kind, location, aware date)", parse_metadata_lines),
    ("+ clippings (book of each title line, text)", make_clippings),
    ("+ note window (attach notes, collapse re-saves)", note_window),
    ("+ per-book batches (no ids, no models)", read_with(len)),
    ("+ highlight ids (the dicts to validate)",
     read_with(lambda batch: list(map(batches._highlight, batch)))),
    ("+ validated Document/Highlight models (= full reader)", read_with(batches._document)),
]
def best(run):
    times = []
    for _ in range(RUNS):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)
print(json.dumps([(name, best(run)) for name, run in STAGES]))
"""
PEER_CODE = {
    "kindle-clippy": """
from clippy import Clipping
START
with open(FILE, encoding="utf-8") as handle:
    n = len([Clipping(chunk) for chunk in handle.read().split("==========") if chunk.strip()])
STOP
""",
    "kclip": """
import kclip
START
n = sum(1 for c in kclip.get_clippings_from_filename(FILE) if isinstance(c, kclip.Clipping))
STOP
""",
    "clippings": """
from clippings.parser import parse_clippings
START
with open(FILE, encoding="utf-8-sig") as handle:
    n = len(parse_clippings(handle))
STOP
""",
}
HARNESS = """
import json, resource, sys, time
FILE = sys.argv[1]
{body}
print(json.dumps({{"records": n, "seconds": stop - start,
                   "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "import_rss_mb": import_rss}}))
"""


def _harness(snippet: str) -> str:
    body = snippet.replace("START", "import_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
                                    "start = time.perf_counter()")
    return HARNESS.format(body=body.replace("STOP", "stop = time.perf_counter()"))


def measure(python: Path | str, snippet: str, file: Path, file_records: int,
            runs: int = RUNS) -> dict[str, float] | str:
    """Median records/s (of the ``file_records`` in ``file``) and max peak RSS over ``runs``
    processes, or the error text if a run fails."""
    results = []
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for _ in range(runs):
        done = subprocess.run([str(python), "-c", _harness(snippet), str(file)], capture_output=True,
                              text=True, env=env, check=False)
        if done.returncode:
            return (done.stderr.strip().splitlines() or ["failed"])[-1][:100]
        results.append(json.loads(done.stdout))
    seconds = statistics.median(r["seconds"] for r in results)
    return {"records": results[0]["records"], "seconds": seconds,
            "records_per_s": file_records / seconds,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
            "import_rss_mb": max(r["import_rss_mb"] for r in results)}


def peer_python() -> Path:
    """benchmarks/.venv with the peers installed (created on first use)."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        venv.create(PEER_VENV, with_pip=True)
    missing = subprocess.run([str(python), "-c", "import clippy, kclip, clippings"], capture_output=True,
                             check=False).returncode
    if missing:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEERS], check=True)
    return python


def _row(name: str, result: dict[str, float] | str, fastest_peer: float | None) -> str:
    if isinstance(result, str):
        return f"| {name} | failed: {result} | | | |"
    ratio = f"{result['records_per_s'] / fastest_peer:.2f}x" if fastest_peer else "—"
    return (f"| {name} | {result['records']:,} | {result['records_per_s']:,.0f} | "
            f"{result['peak_rss_mb']:.1f} MB (imports {result['import_rss_mb']:.1f}) | {ratio} |")


def _print_table(title: str, rows: list[tuple[str, dict[str, float] | str]], fastest: float | None) -> None:
    print(f"\n{title}\n| parser | returned | records/s | peak RSS | vs fastest peer |\n|---|---|---|---|---|")
    for name, result in rows:
        print(_row(name, result, fastest))


def _print_breakdown(file: Path, records: int, runs: int) -> None:
    done = subprocess.run([sys.executable, "-c", BREAKDOWN, str(file), str(runs)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(SRC)}, check=False)
    if done.returncode:
        print(f"\nbreakdown failed: {(done.stderr.strip().splitlines() or ['?'])[-1][:100]}")
        return
    print(f"\nWhere the full reader's time goes ({file.name}, CPU time, µs per record)\n"
          "| stage | total | this stage |\n|---|---|---|")
    before = 0.0
    for name, seconds in json.loads(done.stdout):
        total = seconds / records * 1e6
        print(f"| {name} | {total:.2f} | {total - before:+.2f} |")
        before = total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--big-mb", type=float, default=100.0, help="size of the memory-test file (0: skip)")
    parser.add_argument("--no-peers", action="store_true", help="measure excerpta only")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="excerpta-bench-") as tmp:
        english, mixed, big = Path(tmp, "english.txt"), Path(tmp, "mixed.txt"), Path(tmp, "big.txt")
        count = english_count = generate(english, args.records, english_only=True)
        peers = [] if args.no_peers else [(name, measure(peer_python(), code, english, count, args.runs))
                                          for name, code in PEER_CODE.items()]
        ours = [(name, measure(sys.executable, code, english, count, args.runs)) for name, code in OURS]
        fastest = max((r["records_per_s"] for _, r in peers if isinstance(r, dict)), default=None)
        size = english.stat().st_size / 1e6
        _print_table(f"English file: {size:.1f} MB, {count:,} records (CRLF, BOMs)", ours + peers, fastest)

        count = generate(mixed, args.records, english_only=False, seed=11)
        ours = [(name, measure(sys.executable, code, mixed, count, args.runs)) for name, code in OURS]
        size = mixed.stat().st_size / 1e6
        _print_table(f"Mixed file (13 wordings, 11 languages): {size:.1f} MB, {count:,} records", ours, None)

        _print_breakdown(english, english_count, args.runs)

        if args.big_mb:
            count = generate(big, 0, english_only=False, seed=13, target_bytes=int(args.big_mb * 1e6))
            ours = [(OURS[0][0], measure(sys.executable, OURS_FULL, big, count, 1))]
            size = big.stat().st_size / 1e6
            _print_table(f"Memory: mixed file of {size:.1f} MB, {count:,} records", ours, None)


if __name__ == "__main__":
    main()
