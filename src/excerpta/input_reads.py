"""Reading one input of a run: its documents counted (and shown as they come), a file found
in a folder input reported rather than failing the run, and an input that gave nothing but
problems refused (see :func:`check_something_read`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from excerpta.adapters import Reader, ReadState
from excerpta.errors import InputError
from excerpta.model import Document

_LINE = re.compile(r":(\d+): ")
DocumentCallback = Callable[[Document], None]


@dataclass(frozen=True)
class FormatChoice:
    """Where the user names an input's format, for the hint of :func:`check_something_read`:
    ``named`` when they named it, ``detected`` when detection chose it, each with ``{reader}``
    for the reader's name."""

    named: str
    detected: str


FROM_FLAG = FormatChoice("is --from right?", "give --from if it is not {reader}")
# A sync job has no --from: its source's format is a key of the configuration file.
JOB_FORMAT = FormatChoice('is format = "{reader}" in the job\'s source right?',
                          'add format = "…" to the job\'s source if it is not {reader}')


@dataclass
class Tally:
    """How many documents a reader yielded for one input."""

    documents: int = 0


def read(source: str, reader: Reader, state: ReadState, on_document: DocumentCallback | None,
         tally: Tally) -> Iterator[Document]:
    """The documents ``reader`` reads from ``source``, counted in ``tally``, each given to
    ``on_document`` (if any) as it comes."""
    for document in reader.read(source, state):
        tally.documents += 1
        if on_document is not None:
            on_document(document)
        yield document


def read_found(source: str, reader: Reader, state: ReadState, on_document: DocumentCallback | None,
               tally: Tally) -> Iterator[Document]:
    """:func:`read` of a file found in a folder input, not given itself: as for one file of a
    folder a reader reads, failing to read it is reported to ``state`` (the run partial) and
    the others are still read."""
    try:
        yield from read(source, reader, state, on_document, tally)
    except InputError as err:  # "<source>: why" or "<source>:<line>: why"
        said = str(err).removeprefix(source)
        line = _LINE.match(said)
        state.report(source, int(line[1]) if line else None,
                     said[line.end():] if line else said.removeprefix(": "))
    except OSError as err:
        state.report(source, None, f"cannot be read: {err.strerror or err}")


def check_something_read(source: str, reader: Reader, state: ReadState, documents: int, *,
                         named: bool, choice: FormatChoice = FROM_FLAG) -> None:
    """Raise InputError when ``reader`` yielded no document (``documents`` is 0) from ``source``
    yet reported problems (a record skipped, or read in part: a file of NUL bytes): the input
    is not in its format (a wrong ``--from``) or holds nothing readable, and writing or merging
    an empty library would empty outputs the user had. An empty input without problems passes.
    ``named``: the user chose the reader (``--from``) rather than detection; ``choice``: where
    they choose it, for the hint that ends the message. Not for a network
    reader (``Reader.remote``): an incremental pull whose only change is malformed is partial,
    as its source is not a file that could be of the wrong format."""
    skipped = state.problems
    if documents or not skipped:
        return
    first = skipped[0]
    where = (f"line {first.where}: " if isinstance(first.where, int)
             else f"{first.where}: " if first.where else "")
    hint = (choice.named if named else choice.detected).format(reader=reader.name)
    raise InputError(f"{source}: nothing could be read as {reader.name} ({len(skipped)} record(s) "
                     f"skipped; {where}{first.reason}); {hint}")


