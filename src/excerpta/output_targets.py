"""Where a writer writes, settled before anything is read: ``--out`` (or a job's ``out``) as
the file or folder the writer takes (:func:`output_target`), a warning for a file name of
another writer's (:func:`foreign_suffix`), and the sink that writes it (:func:`make_sink`).
Each raises UserError for an ``out`` the writer cannot write, so a conversion fails before it
reads or writes anything."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from excerpta import registry
from excerpta.adapters import Writer
from excerpta.errors import UserError
from excerpta.locks import staging_list
from excerpta.output import OutputSink
from excerpta.output_records import Manifest, Witness
from excerpta.remote_sink import RemoteSink, remote_root
from excerpta.store import LibraryStore


def output_target(writer: type[Writer], out: str | Path) -> Path:
    """``out`` (``--out`` as typed) as the path ``writer`` writes, checked before anything is
    read; a remote writer's ``out`` must be its ``remote_name`` (``readwise:``), and is then
    the folder of excerpta's state naming that output (:func:`~excerpta.remote_sink.remote_root`).
    Raises UserError for an empty name, ``-``, a trailing slash on a file writer's name,
    a symbolic link that loops, and an existing target of the wrong kind: a folder or a device
    (``/dev/zero`` would be hashed forever) for a file writer, a file or a device for a folder
    writer."""
    text = os.fspath(out)
    if (refusal := service_mismatch(writer, text)) is not None:
        raise UserError(f"--out {refusal}")
    if writer.target == "remote":
        return remote_root(writer.name)
    noun = "file" if writer.target == "file" else "folder"
    if not text.strip():
        raise UserError(f"--out is empty; give a {noun} name")
    if text == "-":
        raise UserError(f"--out -: writing to standard output is not supported; give a {noun} name")
    if (refusal := named_as_folder(writer, text)) is not None:
        raise UserError(refusal)
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # "~someone" who is no user here
        raise UserError(f"{text}: no such user's home folder") from None
    try:
        mode = path.stat().st_mode
    except OSError as err:  # not there yet (or not reachable): the sink creates it or says why not
        if err.errno == errno.ELOOP:  # but nothing can be made where links lead round in a circle
            raise UserError(f"{path}: a symbolic link that loops (too many levels of symbolic "
                            "links)") from None
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


def service_mismatch(writer: type[Writer], out: str) -> str | None:
    """Why ``out`` (as typed) cannot be where ``writer`` writes, if one of them is a service:
    a remote writer's ``out`` is its ``remote_name`` (``readwise:``), which no other writer's
    is; else None."""
    spelled = out.strip().lower()
    if writer.target == "remote":
        if spelled == writer.remote_name:
            return None
        return f"{out}: {writer.name} sends to a service, not a file; give {writer.remote_name}"
    services = {cls.remote_name: cls.name for cls in registry.writers().values() if cls.remote_name}
    if spelled in services:
        noun = "file" if writer.target == "file" else "folder"
        return f"{out} names a service (the {services[spelled]} format's); {writer.name} writes a {noun}"
    return None


def named_as_folder(writer: type[Writer], out: str) -> str | None:
    """Why ``out`` (as typed, before a ``Path`` drops its trailing slash) cannot be the file
    ``writer`` writes, if it names a folder (``out/``), for a file writer; else None."""
    if writer.target == "file" and out.endswith(("/", os.sep)):
        return f"{out}: names a folder; give a file name ({writer.name} writes one file)"
    return None


def foreign_suffix(writer: type[Writer], out: Path) -> str | None:
    """A warning when ``out``'s name ends as another writer's files do and not as ``writer``'s
    (``--to anki --out x.json``: read back, it would be taken for JSON and refused), else None."""
    suffix = out.suffix.lower()
    if writer.target != "file" or not suffix or suffix in writer.suffixes:
        return None
    others = [cls.name for cls in registry.writers().values() if suffix in cls.suffixes]
    if not others:
        return None
    usual = f" (its files end in {', '.join(writer.suffixes)})" if writer.suffixes else ""
    return f"{out.absolute()}: writing {writer.name} to a name that ends as {others[0]} files do{usual}"


def make_sink(writer: type[Writer], out: str | Path, *, job: str, manifest: Manifest,
              force: bool, dry_run: bool, persistent_library: bool,
              witnesses: Sequence[Witness] = (),
              library: LibraryStore | None = None) -> OutputSink | RemoteSink:
    """The sink for ``writer`` writing to ``out`` (a file or a folder, as the writer says; a
    :class:`~excerpta.remote_sink.RemoteSink` for a writer sending to a service);
    ``witnesses`` and ``persistent_library``: see :class:`~excerpta.output.OutputSink`;
    ``library``: what a remote writer renders from, asked which sources gave a highlight.
    ``persistent_library`` has no default here: each caller (convert, a sync job) says what its
    library is, as its wrong value makes a highlight missing from the input count as moved, or kept.
    Raises UserError for an ``out`` the writer cannot write (see :func:`output_target`, which
    :func:`~excerpta.pipeline.convert` and :func:`~excerpta.jobs.run_job` call first, before
    they take the output's lock: settling it again here costs a ``stat``)."""
    if writer.target == "remote":  # (``out`` as output_target settled it, or as typed)
        root = out if Path(out) == remote_root(writer.name) else output_target(writer, out)
        if library is None:  # a caller's mistake: the writer must know what came from where
            raise ValueError(f"the {writer.name} writer's sink needs the library it sends from")
        return RemoteSink(Path(root), job, writer.name, manifest=manifest, label=writer.remote_name,
                          service=writer.service_name(), force=force, dry_run=dry_run,
                          highlight_sources=library.highlight_sources)
    out = output_target(writer, out)
    if writer.target == "folder":
        return OutputSink(out, job, writer.name, manifest=manifest, force=force, dry_run=dry_run,
                          staging_list=staging_list(out), witnesses=tuple(witnesses),
                          persistent_library=persistent_library)
    return OutputSink(out.parent, job, writer.name, file_name=out.name, manifest=manifest,
                      force=force, dry_run=dry_run, staging_list=staging_list(out),
                      witnesses=tuple(witnesses), persistent_library=persistent_library)
