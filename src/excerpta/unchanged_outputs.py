"""One-file outputs (json, jsonl, csv, anki) left as they are when nothing they show changed.

A one-file writer renders the whole library each time: at 100,000 highlights a deck takes most
of a minute to build and a CSV half of one, though a sync that found nothing new writes the
same bytes again. So a run whose library is its state (``--state``, or a job's) records with
each such file the fingerprint of what it was rendered from (:func:`fingerprint`): the
library's rows (:meth:`~excerpta.store.base.LibraryStore.fingerprint`: each document's and
highlight's id and content hash, in order), the writer and its options, the zone the machine
shows local times in, and excerpta's own code and its libraries' versions (so an upgrade
renders every such file again, once). A later run of the same fingerprint that finds the
file as it was written (the same size and modification time, else the same SHA-256:
:meth:`~excerpta.output_folder.OutputFolder.is_current`) reports it unchanged and renders
nothing (:func:`left_as_written`).

Not with ``--force`` (asked to write), nor with a selection (``--tag``: the run counts what it
leaves out as it renders), nor without a state (its library is this run's inputs only, and no
record of the file says what it was rendered from).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from excerpta.adapters import Writer
from excerpta.output import OutputSink
from excerpta.output_records import WriteOutcome
from excerpta.store.base import LibraryStore
from excerpta.zones import machine_zone

_PACKAGE = Path(__file__).resolve().parent
# Libraries whose upgrade may change what a reader reads or a writer writes (a YAML emitter's
# quoting, a deck's packaging, a zone's rules).
_LIBRARIES = ("pydantic", "python-frontmatter", "PyYAML", "Jinja2", "genanki", "tzdata")


def fingerprint(writer: Writer, library: LibraryStore) -> str:
    """What ``writer``'s one file rendered from ``library`` now would be rendered from."""
    return hashlib.sha256("\0".join((code_digest(), writer.name, writer.options.model_dump_json(),
                                     local_zone_names(), library.fingerprint())).encode()).hexdigest()


def local_zone_names() -> str:
    """The machine's zone as this process sees it (``TZ``, its IANA name, and the C library's
    names): what a time shown, or read, in the local zone depends on."""
    zone = machine_zone()
    return "|".join((os.environ.get("TZ", ""), zone.key if zone else "", *time.tzname))


def left_as_written(sink: OutputSink, rendered_from: str) -> bool:
    """True, with the file reported unchanged, if the sink's one file was last written from
    ``rendered_from`` and is intact; else False, and the sink records ``rendered_from`` with
    what the writer writes now."""
    target, record = sink.resolve(sink.file_name), sink.previous("")
    if record is not None and record.path == str(target) and sink.is_current("", rendered_from):
        sink.outcomes.append(WriteOutcome(target, "unchanged", record.size or _size(target)))
        return True
    sink.rendered_from = rendered_from
    return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was found intact: the next run writes it again
        return 0


@cache
def code_digest() -> str:
    """A digest of the files of the installed ``excerpta`` package (its code and templates),
    of the versions of the libraries what it reads and writes goes through, and of Python's."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _LIBRARIES:
        try:
            digest.update(f"\0{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{name}".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
