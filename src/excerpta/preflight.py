"""What a conversion settles before it reads anything: each input's reader, and that every
option applies to one of the adapters (where the writer writes: :mod:`excerpta.output_targets`).

Each raises UserError for a bad command, so a conversion (or a configured job, which
:mod:`excerpta.config` checks the same way) fails before it reads or writes anything.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from excerpta import registry
from excerpta.adapters import Adapter, InputProbe, Reader, RecordProblem, option_flag
from excerpta.errors import InputError, UserError
from excerpta.folder_inputs import (
    FolderFile,
    RefusedEntry,
    check_listable,
    is_empty,
    named,
    reads_in_folder,
    survey,
)
from excerpta.folder_nesting import FolderInput, nested
from excerpta.input_files import EMPTY_INPUT

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolvedInput:
    """An input and the reader that reads it. ``found_in``: the folder input it is a file of
    (not given itself, see :func:`resolve_inputs`): a failure to read it is reported and the
    run goes on, as for one file of a folder a reader reads."""

    path: str
    reader: Reader
    found_in: str | None = None


@dataclass(frozen=True)
class ResolvedInputs:
    """What :func:`resolve_inputs` settled: the ``inputs`` to read, in order, and ``refused``,
    the files and subfolders of folder inputs the machine would not let us open or list, each
    a problem for the run to report (the run partial), as a found file it fails to read is."""

    inputs: list[ResolvedInput]
    refused: list[RecordProblem]


def resolve_inputs(inputs: Sequence[str], from_format: str | None, options: dict[str, Any],
                   typed: Mapping[str, str] | None = None, *,
                   leave_out: Sequence[Path] = ()) -> ResolvedInputs:
    """Pick (and configure) the reader of every input before anything is read.

    A folder is read by the reader detection gives it (with ``from_format``, by that reader if
    it recognises the folder), and each other file in it (see :mod:`excerpta.folder_inputs`)
    that a reader recognises is read by that reader as an input of its own, right after the
    folder, in name order; one several readers are equally sure of is named in a warning and
    not read. With ``from_format``, only the files of that format are read, and the others are
    named in one warning. The files no reader recognises are named in one line: a warning for
    those whose extension says they were meant to be read (a damaged ``.txt``), else said with
    ``-v`` (e-books, images). Each file is read once and counted once: a folder given again, or
    under another folder given, is read with it (see :func:`~excerpta.folder_inputs.nested`),
    and a file given and found in a folder given is read as given (see :func:`_read_once`).
    A file in a folder that cannot be opened, or a subfolder that cannot be listed, is
    ``refused`` (one of no format excerpta reads, an e-book, is named with ``-v`` instead).
    ``leave_out``: the run's outputs, never one of its inputs (a file given as an input that is
    one of them is a UserError).

    Raises UserError for an empty input (``""``: :data:`~excerpta.input_files.EMPTY_INPUT`), a
    missing input, an unknown/unrecognisable format (a folder that neither the reader
    ``from_format`` names nor any file in it is of: an empty folder is said to be one) or an invalid option
    value (named as ``typed`` says, see :meth:`Adapter.from_options`), so a bad command fails
    before it reads or writes anything. Raises OSError (the machine refused) for a folder that
    cannot be listed, and for one with nothing else to read than files it cannot open.
    """
    if not inputs:
        raise UserError("no input given")
    named_cls = registry.reader(from_format) if from_format is not None else None
    built: dict[str, Reader] = {}

    def reader_of(cls: type[Reader]) -> Reader:
        if cls.name not in built:
            built[cls.name] = cls.from_options(options, typed)
        return built[cls.name]

    settled: list[ResolvedInput | FolderInput] = []
    for source in inputs:
        if not source.strip():
            raise InputError(EMPTY_INPUT)
        probe = InputProbe.of(source)
        if named_cls is not None and probe.path is None and not source.endswith(":"):
            raise InputError(f"{source}: {probe.missing}")
        if probe.path is not None and not probe.is_dir and _is_an_output(probe.path, leave_out):
            # Even with --force: what it would write is what was read from the file it replaces.
            raise UserError(f"{source}: is also this run's output; write to another file "
                            "(an output never replaces an input)")
        if not probe.is_dir or probe.path is None:
            settled.append(ResolvedInput(source, reader_of(named_cls or registry.detect_reader(probe))))
        else:
            settled.append(_settle_folder(probe, probe.path, named_cls, leave_out))
    read_with, within = nested([each for each in settled if isinstance(each, FolderInput)])
    resolved = []
    refused: list[RecordProblem] = []
    for each in settled:
        if isinstance(each, ResolvedInput):
            resolved.append(each)
        elif (holder := read_with.get(each)) is not None:
            log.info("%s: read once, with %s (the folder given that holds it)", each.source, holder.source)
        else:
            if each.reader is not None:
                resolved.append(ResolvedInput(each.source, reader_of(each.reader)))
            if each not in within:  # else its other files are those of the folder holding it
                resolved.extend(ResolvedInput(str(file.path), reader_of(file.readers[0]), each.source)
                                for file in _read_alone(each.source, each.path, each.found, named_cls))
                _name_unrecognised(each.source, each.path, each.unrecognised)
                refused += _refused_problems(each.source, each.path, each.refused)
    return ResolvedInputs(_read_once(resolved), refused)


def _is_an_output(path: Path, outputs: Sequence[Path]) -> bool:
    try:
        return any(path.samefile(out) for out in outputs if out.exists())
    except OSError:  # one that cannot be looked at is no file of this run's
        return False


def _settle_folder(probe: InputProbe, path: Path, named_cls: type[Reader] | None,
                   leave_out: Sequence[Path]) -> FolderInput:
    """The folder input ``probe`` (at ``path``): its reader and its other files; raises
    UserError or OSError as :func:`resolve_inputs` says."""
    source = probe.source
    check_listable(path, source)
    folder_cls = _folder_reader(probe, named_cls)
    files = survey(path, folder_cls, leave_out=leave_out)
    found = files.found
    if folder_cls is None and named_cls is None and not found:
        # Not "unrecognised input format; name it with --from": no --from reads nothing.
        if files.refused:
            others = f"; no reader recognises the others ({named(files.unrecognised, path)})" \
                if files.unrecognised else ""
            raise _refusal(source, path, files.refused, "nothing in it could be read: ", others)
        if files.unrecognised:
            raise InputError(f"{source}: no file in it that a reader recognises "
                             f"({named(files.unrecognised, path)})")
        raise InputError(f"{source}: " + ("an empty folder" if is_empty(path)
                                          else "no file in it that a reader recognises"))
    if folder_cls is None and named_cls is not None and not any(
            named_cls in file.readers for file in found):
        if not registry.reads_folders(named_cls):
            its_files = f"; its files: {named(found, path)}" if found else ""
            if files.refused:
                raise _refusal(source, path, files.refused, f"{named_cls.name} reads neither this folder "
                               f"nor any file in it that could be opened (--from {named_cls.name}); "
                               "cannot be read: ", its_files)
            raise InputError(f"{source}: {named_cls.name} reads neither this folder nor any "
                             f"file in it (--from {named_cls.name}){its_files}")
        # Its folder mode says what it expected (no My Clippings.txt on a Kindle's drive).
        folder_cls = named_cls
        files = survey(path, folder_cls, leave_out=leave_out)
    return FolderInput(source, path, folder_cls, files.found, files.unrecognised, files.refused,
                       path.resolve())


def _refusal(source: str, folder: Path, refused: Sequence[RefusedEntry], before: str,
             after: str = "") -> OSError:
    """The OSError (exit 74) refusing the folder input ``source`` (at ``folder``), which holds
    nothing else to read than ``refused``, named between ``before`` and ``after``."""
    denied = {entry.reason for entry in refused} == {os.strerror(errno.EACCES)}
    return OSError(errno.EACCES if denied else None, f"{before}{named(refused, folder)}{after}", source)


def _read_alone(source: str, folder: Path, found: Sequence[FolderFile],
                named_cls: type[Reader] | None) -> list[FolderFile]:
    """Of the files ``found`` in ``folder`` (the input ``source``) besides what its reader
    reads, those read as inputs of their own; the others are named in a warning."""
    if named_cls is not None:
        alone = [FolderFile(file.path, (named_cls,)) for file in found if named_cls in file.readers]
        unread = [file for file in found if named_cls not in file.readers]
        if unread:
            log.warning("%s: %d file(s) of other formats in this folder not read (--from %s): %s; "
                        "without --from they are read too", source, len(unread), named_cls.name,
                        named(unread, folder))
    else:
        alone = [file for file in found if len(file.readers) == 1]
        unread = [file for file in found if len(file.readers) > 1]
        if unread:
            log.warning("%s: %d file(s) in this folder not read, as they could be of either format: "
                        "%s; give each as an input of its own, with --from", source, len(unread),
                        named(unread, folder))
    if alone:
        log.info("%s: read besides, each as an input of its own: %s", source,
                 named(alone, folder, every=True))
    return alone


def _name_unrecognised(source: str, folder: Path, files: Sequence[FolderFile]) -> None:
    """Name the files of ``folder`` (the input ``source``) that no reader recognises: a warning
    for those whose extension says they were meant to be read, the others with -v."""
    meant = [file for file in files if file.meant_to_be_read]
    if meant:
        log.warning("%s: %d file(s) in this folder not read, as no reader recognises them: %s; "
                    "give one as an input with --from FORMAT to see what stops it", source, len(meant),
                    named(meant, folder))
    if others := [file for file in files if not file.meant_to_be_read]:
        log.info("%s: %d file(s) in this folder not read, of no format excerpta reads: %s",
                 source, len(others), named(others, folder))


def _refused_problems(source: str, folder: Path, refused: Sequence[RefusedEntry]) -> list[RecordProblem]:
    """The problems reporting the files and subfolders of ``folder`` (the input ``source``)
    that the machine refused, each on its own; those of no format excerpta reads (an e-book,
    an image) are named with -v instead, as they are when they can be read."""
    if others := [entry for entry in refused if not entry.meant_to_be_read]:
        log.info("%s: %d file(s) in this folder not read, of no format excerpta reads and not "
                 "readable: %s", source, len(others), named(others, folder))
    return [RecordProblem(str(entry.path), None, entry.problem)
            for entry in refused if entry.meant_to_be_read]


def _folder_reader(probe: InputProbe, named_cls: type[Reader] | None) -> type[Reader] | None:
    """The reader of the folder ``probe`` itself: ``named_cls`` (``--from``) if it recognises
    the folder (a reader of single files alone, readwise-csv, does not: the folder's files of
    its format are read instead, see :func:`resolve_inputs`), else the one detection gives;
    ``None``: no reader's."""
    if named_cls is None:
        return registry.detect_folder_reader(probe)
    return named_cls if registry.score(named_cls, probe) > 0 else None


def _read_once(resolved: Sequence[ResolvedInput]) -> list[ResolvedInput]:
    """``resolved`` with each file and folder read once: an input given again is read where
    it comes first (in command-line order); a file given and found in a folder given is read
    as given, wherever it comes (a failure to read it fails the run, see ResolvedInput); a
    file the reader of a folder given reads with that folder (a note of a vault) is read with
    it alone, wherever it was given, as the reader reads every file of its folder."""
    located = [(each, _location(each.path)) for each in resolved]  # each resolved once
    folders = [(where, type(each.reader)) for each, where in located if where is not None and where.is_dir()]
    given = {where for each, where in located if each.found_in is None and where is not None}
    kept: list[ResolvedInput] = []
    seen: set[Path] = set()
    for each, where in located:
        if where is None:  # a pseudo-URL (readwise:): no file to read twice
            kept.append(each)
        elif each.found_in is not None and where in given:
            log.info("%s: read as given, not as a file found in %s", each.path, each.found_in)
        elif where in seen:
            log.info("%s: read once, as it is also given as an input, or found in one", each.path)
        elif not where.is_dir() and any(
                folder in where.parents and reads_in_folder(cls, folder, InputProbe.of_file(where))
                for folder, cls in folders):
            log.info("%s: read with the folder given that holds it", each.path)
        else:
            seen.add(where)
            kept.append(each)
    return kept


def _location(path: str) -> Path | None:
    # The absolute path with its folders' links resolved, so two spellings of an input (or a
    # file given and found through a link to its folder) are one; the file's own name is kept,
    # as a folder's reader looks for it by name there (a link from a vault into a corpus).
    try:
        given = Path(path).expanduser().absolute()
    except RuntimeError:  # "~someone" who is no user here: not a file
        return None
    if given.is_dir():
        return given.resolve()
    return given.parent.resolve() / given.name if given.exists() else None


def check_options_apply(options: dict[str, Any], adapters: Sequence[Adapter],
                        typed: Mapping[str, str] | None = None) -> None:
    """Raise UserError if an option applies to none of ``adapters`` (readers first, then the
    writer): a typo in ``-O name=…``, or a flag of a format that is not part of this
    conversion, must not pass silently. ``typed`` says how each option was given on the
    command line (``{"deck": "--anki-deck"}``); an option not in it is named by its key."""
    fields = {name: info for adapter in adapters
              for name, info in adapter.options_model.model_fields.items()}
    unknown = sorted(set(options) - set(fields))
    if unknown:
        names = " → ".join(dict.fromkeys(adapter.name for adapter in adapters))
        if typed is None:  # a configuration file or -O: its options' names
            accepted = ", ".join(sorted(fields)) or "none"
        else:  # the command line: as they are typed there
            accepted = ", ".join(sorted(option_flag(info) or f"-O {name}" for name, info in fields.items())
                                 ) or "none"
        option = (typed or {}).get(unknown[0], f"option {unknown[0]!r}")
        more = "; see `excerpta formats`" if typed is not None else ""
        raise UserError(f"{option} does not apply to {names} (their options: {accepted}{more})")
