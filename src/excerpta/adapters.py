"""Base classes of readers and writers. An adapter declares itself with class attributes.

A concrete subclass with a ``name`` registers itself on definition (see
:mod:`excerpta.registry`); adding a format never edits a dispatcher. Built-in adapters live
in the ``excerpta.readers`` and ``excerpta.writers`` packages, one module per format family.

Reader contract
    ``read(source, state)`` yields :class:`~excerpta.model.Document` objects as it goes
    (streaming: a 100 MB input is never loaded whole). It may yield the same document id more
    than once, each time with some of its highlights: the library merges them (document fields
    from the later copy, highlights by id; either keeps the library's value of a field the
    format does not say, see :class:`Reader`). A record it cannot parse is reported with
    ``state.report(...)`` (:class:`~excerpta.read_state.ReadState`) and skipped; only an
    input that cannot be read at all raises (:class:`~excerpta.errors.InputError`). An
    incremental reader reads from ``state.cursor`` and sets ``state.next_cursor`` when it is
    exhausted; it never saves a cursor itself.

Writer contract
    ``write(documents, sink)`` renders every document it is given and hands the bytes to the
    :class:`~excerpta.output.OutputSink`, which writes atomically, never overwrites a file we
    did not write, and skips files whose bytes did not change. Rendering the same library twice
    gives byte-identical output. A writer sending to a service hands each document's changes
    to the service itself and reports them to a :class:`~excerpta.remote_sink.RemoteSink`.
    Either sink is a :class:`~excerpta.sink.Sink`; a writer names the one it takes as its base
    class's parameter (``Writer[OutputSink]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from excerpta.errors import ConfigError
from excerpta.input_files import why_unreachable
from excerpta.model import Document
from excerpta.read_state import ReadState, RecordProblem
from excerpta.sink import Sink
from excerpta.validation import describe_option
from excerpta.wide_text import encoding_of

if TYPE_CHECKING:  # (httpx, which it imports, is only for the adapters that talk to a service)
    from excerpta.clients.api_settings import ApiSettings

__all__ = ["PROBE_BYTES", "Adapter", "AdapterOptions", "InputProbe", "NoOptions", "ReadState", "Reader",
           "RecordProblem", "Writer", "fields_but", "option_flag"]

PROBE_BYTES = 64 * 1024
SinkT = TypeVar("SinkT", bound=Sink)  # the sink a writer takes (see Writer)


class AdapterOptions(BaseModel):
    """Base of adapter option models. A field may carry ``json_schema_extra={"cli": "flag"}``
    to be offered by ``excerpta convert`` as ``--flag`` (see :func:`option_flag`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def option_flag(info: FieldInfo) -> str | None:
    """The ``--flag`` an adapter option field asks for (``json_schema_extra={"cli": …}``)."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    flag = extra.get("cli")
    return f"--{flag}" if isinstance(flag, str) else None


class NoOptions(AdapterOptions):
    """For adapters without options."""


@dataclass(frozen=True)
class InputProbe:
    """What auto-detection may look at: the input as spelled, and its first bytes if a file."""

    source: str
    path: Path | None
    is_dir: bool
    known_head: bytes | None = field(default=None, repr=False)  # None: read when asked (of_file)
    missing: str = ""  # why ``path`` is None, for a message: "no such file or directory"…
    # Reader name -> its score, kept by excerpta.registry: a folder's files are asked twice.
    scores: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, source: str) -> InputProbe:
        """Probe ``source``: a path (file or folder) or a pseudo-URL such as ``readwise:``.
        A file's first bytes are read now (raises OSError if they cannot be)."""
        path = Path(source).expanduser()
        if path.is_dir():
            return cls(source, path, True, b"")
        if path.is_file():
            with path.open("rb") as handle:
                return cls(source, path, False, handle.read(PROBE_BYTES))
        return cls(source, None, False, b"", why_unreachable(path))

    @classmethod
    def of_file(cls, path: Path) -> InputProbe:
        """Probe the file ``path`` (found under a folder input) without opening it: its first
        bytes are read when first asked for (:attr:`head`), so a reader that decides from its
        path alone (a vault's notes) never opens the thousands of files of a folder."""
        return cls(str(path), path, False)

    @cached_property
    def head(self) -> bytes:
        """The first bytes of a file (``b""`` for a folder or a missing input); a probe made by
        :meth:`of_file` reads them now, and raises OSError if they cannot be read."""
        if self.known_head is not None:
            return self.known_head
        if self.path is None or self.is_dir:
            return b""
        with self.path.open("rb") as handle:
            return handle.read(PROBE_BYTES)

    @property
    def suffix(self) -> str:
        """The lower-cased file extension, with its dot (``".json"``), or ``""``."""
        return self.path.suffix.lower() if self.path is not None else ""

    @cached_property  # asked by every reader in turn, of every file of a folder
    def text_head(self) -> str:
        """The first bytes decoded as text (UTF-8 unless a UTF-16/32 byte order mark or UTF-16's
        NULs say otherwise, see :mod:`excerpta.wide_text`; BOM dropped, undecodable bytes
        replaced)."""
        return self.head.decode(encoding_of(self.head), errors="replace").lstrip("\ufeff")


def fields_but(model: type[BaseModel], *said: str) -> frozenset[str]:
    """Every field of ``model`` (Highlight or Document) but ``said``, its ``id`` and its
    ``highlights``: the ``unknown_when_empty`` of a format that says only ``said``."""
    unknown = set(model.model_fields) - {"id", "highlights", *said}
    if missing := set(said) - set(model.model_fields):
        raise ValueError(f"not fields of {model.__name__}: {sorted(missing)}")
    return frozenset(unknown)


class Adapter:
    """What readers and writers share: a name, a description and an options model.

    A subclass with options declares both ``options_model = XOptions`` and the annotation
    ``options: XOptions``: ``from_options`` builds exactly that model, so the annotation holds.
    """

    kind: ClassVar[Literal["reader", "writer"]]
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options_model: ClassVar[type[AdapterOptions]] = NoOptions
    # An adapter that talks to a service (an API): how its token and URL are set, and its name
    # (``api_settings.service.name``) in what a run reports; None for files.
    api_settings: ClassVar[type[ApiSettings] | None] = None

    def __init__(self, options: AdapterOptions | None = None) -> None:
        self.options = options if options is not None else self.options_model()

    @classmethod
    def service_name(cls) -> str:
        """The service this adapter talks to as reports name it (its settings' ``Readwise``;
        its own name if it has none)."""
        return cls.api_settings.service.name if cls.api_settings is not None else cls.name

    @classmethod
    def from_options(cls, values: dict[str, Any], typed: Mapping[str, str] | None = None) -> Adapter:
        """Build the adapter from raw option values; invalid values are a ConfigError naming
        the option as ``typed`` says it was given (``{"cards": "--anki-cards"}``), else by name."""
        known = cls.options_model.model_fields
        try:
            options = cls.options_model(**{k: v for k, v in values.items() if k in known})
        except ValidationError as err:
            raise ConfigError(describe_option(err, cls.name, typed)) from None
        return cls(options)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name"):
            from excerpta import registry

            registry.register(cls)


class Reader(Adapter):
    """Turns one input (a file, a folder, ``readwise:``) into canonical documents.

    ``unknown_when_empty`` names the Highlight fields whose empty value, in this format, means
    "not said here", never "removed": fields it never carries (a clippings file has no colours,
    a notebook export no dates), carries only for some records (a page), or cannot take back
    (``My Clippings.txt`` is an append-only log: a later copy of a highlight without its note
    does not delete the note). Where the library already holds a value for one of them,
    merging keeps it. ``document_unknown_when_empty`` is the same for Document fields (a
    clippings file has no cover, a Readwise CSV no ``source``); a field the format does say
    (a title, an author) still replaces the library's. The default, nothing, suits a lossless
    format: every field is said. Use :func:`fields_but` to name what a format says instead.
    A field one input or one record leaves out (a CSV column the header lacks, a value that
    did not parse) is told through :meth:`ReadState.leave_out` and
    :meth:`ReadState.leave_out_document`.
    """

    kind = "reader"
    unknown_when_empty: ClassVar[frozenset[str]] = frozenset()
    document_unknown_when_empty: ClassVar[frozenset[str]] = frozenset()
    # Reads over a network (slow, paced by rate limits): a run drains it into a temporary file
    # before its transaction on the state, which other runs wait for (see excerpta.spool).
    remote: ClassVar[bool] = False
    # Its highlights may be re-saved copies (a selection extended or shortened) of ones the
    # library holds under another id: merging matches them (see excerpta.store.resaves).
    resaves: ClassVar[bool] = False
    # Its ids derive from a highlight's text and a document's names, and it lists each
    # highlight as its source has it now: one edited there (a Readwise CSV export's) comes with
    # new ids, which merging matches with the library's copy (see excerpta.store.edited_copies).
    edited_copies: ClassVar[bool] = False
    # Its ids are the library's own (excerpta's JSON): never matched with the documents and
    # highlights another source gave under other ids, as a reader's derived ids are (see
    # excerpta.store.unify); only an id the library holds as an alias is looked up (see
    # excerpta.store.aliased).
    library_ids: ClassVar[bool] = False
    # All it reads from a file given by name is that file's bytes (not a note that embeds
    # others): a run may skip reading it while they are unchanged (see excerpta.unchanged_inputs).
    self_contained: ClassVar[bool] = False
    # Hidden folders (paths below a folder input, ``/``-separated) that hold this format's files:
    # a folder input's other files are looked for there too, as in its visible folders (a Kobo
    # drive, read by ``kobo``, holds KOReader's settings in ``.adds/koreader``).
    hidden_places: ClassVar[tuple[str, ...]] = ()
    # Suffixes (lower case, with the dot) of binary files this reader reads: a folder input's
    # binary files are probed only where a reader names their suffix (``.mrpro``), as images
    # and PDFs are not worth asking every reader about (see excerpta.folder_inputs).
    binary_suffixes: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def recognize(cls, probe: InputProbe) -> int:
        """How sure this reader is that it reads ``probe``: 0 (no) to 100 (certain)."""
        return 0

    @classmethod
    def reads_in_folder(cls, folder: Path, probe: InputProbe) -> bool:
        """Whether reading ``folder`` (an input this reader recognised) reads, or reports, the
        file ``probe`` (somewhere under it, not hidden). Files no reader's folder mode reads
        are read as inputs of their own by the reader that recognises them (see
        :mod:`excerpta.folder_inputs`). Asked before the file is opened: deciding from
        ``probe.path`` alone leaves it unopened (``probe.head`` reads it, once). Default:
        every file under it that it recognises."""
        from excerpta import registry

        return registry.score(cls, probe) > 0

    def read(self, source: str, state: ReadState) -> Iterator[Document]:
        """Yield the documents of ``source``; see the module docstring for the contract."""
        raise NotImplementedError


class Writer(Adapter, Generic[SinkT]):
    """Renders canonical documents into files, or sends them to a service.

    ``target`` says what ``--out`` names: one ``"file"``, a ``"folder"`` of files, or a
    ``"remote"`` service, named by ``--out`` as the writer's ``remote_name`` (``readwise:``).
    It decides the sink the writer is handed, which the writer names as this class's
    parameter: a file or folder writer is a ``Writer[OutputSink]``, a remote one a
    ``Writer[RemoteSink]`` (see :mod:`excerpta.sink`).
    """

    kind = "writer"
    target: ClassVar[Literal["file", "folder", "remote"]] = "file"
    remote_name: ClassVar[str] = ""  # a remote writer's --out (``readwise:``)
    # The file name endings its files go by (a file writer's), to question an --out ending as
    # another writer's files do (a deck written to "x.json").
    suffixes: ClassVar[tuple[str, ...]] = ()

    def write(self, documents: Iterable[Document], sink: SinkT) -> None:
        """Render ``documents`` into ``sink``; see the module docstring for the contract."""
        raise NotImplementedError
