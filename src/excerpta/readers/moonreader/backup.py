"""Finding ``mrbooks.db`` in a Moon+ Reader backup, and copying it, bounded, into a private
temporary folder.

A backup (``.mrpro`` from Moon+ Reader Pro, ``.mrstd`` from the free app) is a zip archive
holding one folder named after the app's package (``com.flyersoft.moonreaderp``, or
``com.flyersoft.moonreader``). The folder holds the backed-up files as ``1.tag``, ``2.tag``, …
and a catalogue, ``_names.list``: one line per file, its path on the phone; line *N* (counted
from 1) is ``N.tag``. The line of the database ends in ``/databases/mrbooks.db``. The same
folder, unzipped, may be given instead, or the database itself (:class:`Place` says which).

A folder given may hold several package folders (the free and the Pro app's side by side, an
older backup unzipped a level deeper): each is read (:mod:`.packages` finds them), the same
book giving the same ids in each.

Zip archives are never extracted by their members' names: only the catalogue (at most
:data:`MAX_CATALOGUE_BYTES`) is read into memory, and the database's members (``mrbooks.db``
and its ``-wal``/``-journal``) are streamed into files this module names, in a temporary
folder of its own. Together they may hold at most :data:`MAX_DATABASE_BYTES`: a member that
says it holds more is refused before a byte is written, and the copy stops past the bound
however little the archive says it holds (a zip bomb). Every failure of the input is an
InputError naming it as the user gave it; a failure writing the private copy (a full disk) is
the machine's, an OSError (exit 74) saying so, never blamed on the backup.
"""

from __future__ import annotations

import errno
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from excerpta.errors import InputError
from excerpta.readers.moonreader.packages import CATALOGUE, PACKAGE_PREFIX, package_folder_in
from excerpta.readers.sqlite_snapshot import SIBLINGS

DATABASE = "mrbooks.db"
BACKUP_SUFFIXES = (".mrpro", ".mrstd")
MAX_CATALOGUE_BYTES = 8 << 20  # a line per backed-up file: thousands of books fit in far less
# The database and its -wal/-journal together: 100,000 highlights make a database of well
# under 200 MB.
MAX_DATABASE_BYTES = 1 << 30
_CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Tags:
    """Where the database is among a backup's numbered files: the package folder's member
    prefix (``com.flyersoft.moonreaderp/``) and the tag names of ``mrbooks.db`` and of the
    ``-wal``/``-journal`` files the catalogue lists beside it (suffix -> tag name)."""

    folder: str
    database: str
    siblings: dict[str, str]


def catalogue_tags(catalogue: bytes, folder: str) -> Tags | None:
    """The tags of the database in a catalogue's bytes (``None`` if it lists no
    ``mrbooks.db``); ``folder`` is the prefix of the tag names. A line naming
    ``…/databases/mrbooks.db`` wins over one naming another ``mrbooks.db``."""
    lines = catalogue.decode("utf-8", "replace").split("\n")
    found: dict[str, tuple[bool, str]] = {}
    for number, line in enumerate(lines, start=1):
        path = PurePosixPath(line.strip().replace("\\", "/"))
        for suffix in ("", *SIBLINGS):
            if path.name == DATABASE + suffix:
                in_databases = path.parent.name == "databases"
                if suffix not in found or (in_databases and not found[suffix][0]):
                    found[suffix] = (in_databases, f"{folder}{number}.tag")
    if "" not in found:
        return None
    return Tags(folder, found[""][1], {suffix: tag for suffix, (_, tag) in found.items() if suffix})


def package_folders(names: list[str]) -> list[str]:
    """The member prefixes (``com.flyersoft.moonreaderp/``, or deeper: a backup zipped again
    inside a folder) of the catalogues in a zip archive's member names, shortest first."""
    folders = []
    for name in names:
        path = PurePosixPath(name)
        if path.name == CATALOGUE and path.parent.name.startswith(PACKAGE_PREFIX):
            folders.append(name[: -len(CATALOGUE)])
    return sorted(folders, key=len)


def is_backup_archive(path: Path) -> bool:
    """Whether ``path`` is a zip archive holding a Moon+ package folder's catalogue (its central
    directory read, no member opened). False for anything else, a damaged archive too."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(package_folders(archive.namelist()))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


@contextmanager
def database_copy(path: Path, source: str) -> Iterator[Path]:
    """A private copy of the ``mrbooks.db`` of ``path`` (a backup archive, an unzipped package
    folder or the folder holding one, or the database itself) with the ``-wal``/``-journal``
    files the backup holds beside it, deleted when the block ends. Raises InputError naming
    ``source`` when there is none, it cannot be read, or it is larger than
    :data:`MAX_DATABASE_BYTES`."""
    with tempfile.TemporaryDirectory(prefix="excerpta-moonreader-") as folder:
        target = Path(folder) / DATABASE
        if path.is_dir():
            _copy_from_folder(path, target, source)
        elif zipfile.is_zipfile(path) or path.suffix.lower() in BACKUP_SUFFIXES:
            _copy_from_archive(path, target, source)
        else:
            for suffix in ("", *SIBLINGS):
                original = path.with_name(path.name + suffix)
                if suffix == "" or original.is_file():
                    _copy_file(original, target.with_name(target.name + suffix), source)
        yield target


def _copy_from_archive(path: Path, target: Path, source: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            folders = package_folders(names)
            if not folders:
                raise InputError(f"{source}: a zip archive without a Moon+ Reader catalogue "
                                 f"({PACKAGE_PREFIX}…/{CATALOGUE}); expected a .mrpro or .mrstd backup")
            tags = None
            for folder in folders:
                with archive.open(folder + CATALOGUE) as handle:
                    catalogue = _bounded(handle, MAX_CATALOGUE_BYTES, f"{source}: {CATALOGUE}")
                if (tags := catalogue_tags(catalogue, folder)) is not None:
                    break
            if tags is None:
                raise InputError(f"{source}: its catalogue lists no {DATABASE} (a backup made "
                                 "without the books' database?)")
            members = set(names)
            if tags.database not in members:
                raise InputError(f"{source}: its catalogue names {tags.database} for {DATABASE}, "
                                 "which the archive does not hold (an incomplete backup?)")
            copied = {suffix: tag for suffix, tag in {"": tags.database, **tags.siblings}.items()
                      if tag in members}
            budget = _Budget()
            for suffix, tag in copied.items():  # a zip bomb refused before a byte is written
                budget.expect(archive.getinfo(tag).file_size, f"{source}: {DATABASE}{suffix} ({tag})")
            budget = _Budget()
            for suffix, tag in copied.items():
                with archive.open(tag) as handle:
                    _stream(handle, target.with_name(target.name + suffix),
                            f"{source}: {DATABASE}{suffix} ({tag})", budget)
    except (InputError, TemporaryCopyError):
        raise
    except RuntimeError as err:  # an encrypted member, asked for without a password
        raise InputError(f"{source}: cannot be unzipped ({err})") from None
    except NotImplementedError as err:
        raise InputError(f"{source}: cannot be unzipped ({err or 'an unsupported compression'})") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as err:
        raise InputError(f"{source}: not a readable zip archive ({err or type(err).__name__}): a damaged "
                         "or incomplete backup? copy it from the phone again") from None
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror or err})") from None


def _copy_from_folder(folder: Path, target: Path, source: str) -> None:
    package = package_folder_in(folder)
    if package is None:
        raise InputError(f"{source}: no {PACKAGE_PREFIX}… folder with a {CATALOGUE} here (give the "
                         "unzipped backup's folder, the .mrpro/.mrstd file, or mrbooks.db)")
    try:
        with (package / CATALOGUE).open("rb") as handle:
            catalogue = _bounded(handle, MAX_CATALOGUE_BYTES, f"{source}: {CATALOGUE}")
    except OSError as err:
        raise InputError(f"{source}: {CATALOGUE} cannot be read ({err.strerror or err})") from None
    tags = catalogue_tags(catalogue, "")
    if tags is None:
        raise InputError(f"{source}: {package.name}/{CATALOGUE} lists no {DATABASE}")
    if not (package / tags.database).is_file():
        raise InputError(f"{source}: {package.name}/{CATALOGUE} names {tags.database} for {DATABASE}, "
                         "which is not there (an incomplete copy?)")
    budget = _Budget()
    for suffix, tag in {"": tags.database, **tags.siblings}.items():
        if (package / tag).is_file():
            _copy_file(package / tag, target.with_name(target.name + suffix), f"{source}: {tag}", budget)


def _copy_file(original: Path, target: Path, source: str, budget: _Budget | None = None) -> None:
    try:
        with original.open("rb") as handle:
            _stream(handle, target, source, budget or _Budget())
    except TemporaryCopyError:
        raise
    except OSError as err:
        raise InputError(f"{source}: cannot be read ({err.strerror or err})") from None


class TemporaryCopyError(OSError):
    """Writing the private copy failed (``ENOSPC``: no room in the temporary folder): the
    machine refused, not the backup's fault; the CLI gives it exit 74, as any OSError."""


class _Budget:
    """What may still be copied of :data:`MAX_DATABASE_BYTES`, across the database and the
    ``-wal``/``-journal`` files copied with it."""

    def __init__(self) -> None:
        self.left = MAX_DATABASE_BYTES

    def expect(self, size: int, what: str) -> None:
        """Take ``size`` bytes (a member's declared size, or a chunk copied) from what is
        left; raises InputError naming ``what`` past the bound."""
        self.left -= size
        if self.left < 0:
            raise InputError(f"{what}: larger than {MAX_DATABASE_BYTES >> 20} MB (with the files "
                             "copied beside it), more than a Moon+ database holds; not read")


def _stream(handle: IO[bytes], target: Path, what: str, budget: _Budget) -> None:
    # Reading ``handle`` fails as the input does (the caller says so); writing ``target`` as
    # the temporary folder does.
    try:
        out = target.open("wb")
    except OSError as err:
        raise _temporary_failure(err, what) from None
    try:
        while chunk := handle.read(_CHUNK):
            budget.expect(len(chunk), what)
            try:
                out.write(chunk)
            except OSError as err:
                raise _temporary_failure(err, what) from None
    finally:
        try:
            out.close()
        except OSError as err:
            raise _temporary_failure(err, what) from None


def _temporary_failure(err: OSError, what: str) -> TemporaryCopyError:
    folder = tempfile.gettempdir()
    reason = "no room in the temporary folder" if err.errno == errno.ENOSPC else (err.strerror or str(err))
    return TemporaryCopyError(err.errno, f"{reason} (copying {what} to read it; the temporary folder "
                              "is TMPDIR's)", folder)


def _bounded(handle: IO[bytes], limit: int, what: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{what}: larger than {limit >> 20} MB, more than a catalogue holds; not read")
    return data
