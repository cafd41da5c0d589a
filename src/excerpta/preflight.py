"""What a conversion settles before it reads anything: each input's reader, that every
option applies to one of the adapters, and where (and through which sink) the writer writes.

Each raises UserError for a bad command, so a conversion (or a configured job, which
:mod:`excerpta.config` checks the same way) fails before it reads or writes anything.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from excerpta import registry
from excerpta.adapters import Adapter, InputProbe, Reader, Writer, option_flag
from excerpta.errors import InputError, UserError
from excerpta.folder_inputs import FolderFile, named, other_files
from excerpta.locks import staging_list
from excerpta.output import OutputSink
from excerpta.output_records import Witness
from excerpta.store import LibraryStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResolvedInput:
    """An input and the reader that reads it. ``found_in``: the folder input it is a file of
    (not given itself, see :func:`resolve_inputs`): a failure to read it is reported and the
    run goes on, as for one file of a folder a reader reads."""

    path: str
    reader: Reader
    found_in: str | None = None


def resolve_inputs(inputs: Sequence[str], from_format: str | None, options: dict[str, Any],
                   typed: Mapping[str, str] | None = None, *,
                   leave_out: Path | None = None) -> list[ResolvedInput]:
    """Pick (and configure) the reader of every input before anything is read.

    A folder is read by the reader detection gives it, and each other file in it (see
    :mod:`excerpta.folder_inputs`) that a reader recognises is read by that reader as an input
    of its own, right after the folder, in name order; one several readers are equally sure
    of is named in a warning and not read. With ``from_format``, only the files of that format
    are read, and the others are named in one warning. ``leave_out``: the run's output, never
    one of its inputs.

    Raises UserError for a missing input, an unknown/unrecognisable format or an invalid
    option value (named as ``typed`` says, see :meth:`Adapter.from_options`), so a bad
    command fails before it reads or writes anything.
    """
    if not inputs:
        raise UserError("no input given")
    named_cls = registry.reader(from_format) if from_format is not None else None
    built: dict[str, Reader] = {}

    def reader_of(cls: type[Reader]) -> Reader:
        if cls.name not in built:
            built[cls.name] = cls.from_options(options, typed)
        return built[cls.name]

    resolved = []
    for source in inputs:
        probe = InputProbe.of(source)
        if named_cls is not None and probe.path is None and not source.endswith(":"):
            raise InputError(f"{source}: {probe.missing}")
        folder_cls = named_cls or (registry.detect_folder_reader(probe) if probe.is_dir
                                   else registry.detect_reader(probe))
        if folder_cls is not None:
            resolved.append(ResolvedInput(source, reader_of(folder_cls)))
        if probe.is_dir and probe.path is not None:
            found = other_files(probe.path, folder_cls, leave_out=leave_out)
            if folder_cls is None and not found:
                registry.detect_reader(probe)  # raises: nothing in it is recognised
            resolved.extend(ResolvedInput(str(file.path), reader_of(file.readers[0]), source)
                            for file in _read_alone(source, probe.path, found, named_cls))
    return resolved


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


def output_target(writer: type[Writer], out: str | Path) -> Path:
    """``out`` (``--out`` as typed) as the path ``writer`` writes, checked before anything is
    read. Raises UserError for an empty name, ``-``, a trailing slash on a file writer's name,
    and an existing target of the wrong kind: a folder or a device (``/dev/zero`` would be
    hashed forever) for a file writer, a file or a device for a folder writer."""
    text = os.fspath(out)
    noun = "file" if writer.target == "file" else "folder"
    if not text.strip():
        raise UserError(f"--out is empty; give a {noun} name")
    if text == "-":
        raise UserError(f"--out -: writing to standard output is not supported; give a {noun} name")
    if writer.target == "file" and text.endswith(("/", os.sep)):
        raise UserError(f"{text}: names a folder; give a file name ({writer.name} writes one file)")
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # "~someone" who is no user here
        raise UserError(f"{text}: no such user's home folder") from None
    try:
        mode = path.stat().st_mode
    except OSError:  # not there yet (or not reachable): the sink creates it or says why not
        return path
    if writer.target == "folder":
        if stat.S_ISREG(mode):
            raise UserError(f"{path}: {writer.name} writes a folder, and this is a file")
        if not stat.S_ISDIR(mode):
            raise UserError(f"{path}: not a folder ({writer.name} writes a folder of files)")
    elif stat.S_ISDIR(mode):
        raise UserError(f"{path}: is a folder; {writer.name} writes one file (give a file name)")
    elif not stat.S_ISREG(mode):
        raise UserError(f"{path}: not a regular file ({writer.name} writes one file)")
    return path


def make_sink(writer: type[Writer], out: str | Path, *, job: str, manifest: LibraryStore,
              force: bool, dry_run: bool, persistent_library: bool,
              witnesses: Sequence[Witness] = ()) -> OutputSink:
    """The sink for ``writer`` writing to ``out`` (a file or a folder, as the writer says);
    ``witnesses`` and ``persistent_library``: see :class:`~excerpta.output.OutputSink`. The
    latter has no default here: each caller (convert, a sync job) says what its library is,
    as its wrong value makes a highlight missing from the input count as moved, or kept.
    Raises UserError for an ``out`` the writer cannot write (see :func:`output_target`, which
    :func:`convert` also calls first, before it takes the output's lock: this is the entry
    point of sync jobs too)."""
    out = output_target(writer, out)
    if writer.target == "folder":
        return OutputSink(out, job, writer.name, manifest=manifest, force=force, dry_run=dry_run,
                          staging_list=staging_list(out), witnesses=tuple(witnesses),
                          persistent_library=persistent_library)
    return OutputSink(out.parent, job, writer.name, file_name=out.name, manifest=manifest,
                      force=force, dry_run=dry_run, staging_list=staging_list(out),
                      witnesses=tuple(witnesses), persistent_library=persistent_library)
