"""The one registry of adapters: lookup by name for ``--from``/``--to``, and auto-detection.

Adapters register themselves when their class is defined (``Adapter.__init_subclass__``).
Built-ins are found by importing every module of ``excerpta.readers`` and
``excerpta.writers``; third-party adapters by the ``excerpta.adapters`` entry-point group.
Nothing else in excerpta branches on a format name.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from excerpta.errors import UnknownFormatError

if TYPE_CHECKING:
    from excerpta.adapters import Adapter, InputProbe, Reader, Writer

log = logging.getLogger(__name__)
_READERS: dict[str, type[Reader]] = {}
_WRITERS: dict[str, type[Writer]] = {}
_loaded = False
ENTRY_POINT_GROUP = "excerpta.adapters"


def register(cls: type[Adapter]) -> None:
    """Add an adapter class; a second class with the same kind and name is a bug."""
    table: dict[str, Any] = _READERS if cls.kind == "reader" else _WRITERS
    existing = table.get(cls.name)
    if existing is not None and existing is not cls:
        raise RuntimeError(f"two {cls.kind}s named {cls.name!r}: {existing} and {cls}")
    table[cls.name] = cls


def load_builtins() -> None:
    """Import every built-in adapter module and every plugin entry point, once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for package_name in ("excerpta.readers", "excerpta.writers"):
        package = importlib.import_module(package_name)
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package_name}.{module.name}")
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        entry_point.load()


def hidden_places() -> list[str]:
    """The hidden folders every reader names (see ``Reader.hidden_places``), sorted."""
    return sorted({place for cls in readers().values() for place in cls.hidden_places})


def binary_suffixes() -> frozenset[str]:
    """The suffixes of binary files some reader reads (see ``Reader.binary_suffixes``)."""
    return frozenset(suffix for cls in readers().values() for suffix in cls.binary_suffixes)


def readers() -> dict[str, type[Reader]]:
    """Every reader by name, sorted."""
    load_builtins()
    return dict(sorted(_READERS.items()))


def writers() -> dict[str, type[Writer]]:
    """Every writer by name, sorted."""
    load_builtins()
    return dict(sorted(_WRITERS.items()))


def _lookup(table: dict[str, Any], kind: str, name: str) -> Any:
    try:
        return table[name]
    except KeyError:
        known = ", ".join(table) or "none"
        raise UnknownFormatError(f"unknown {kind} format {name!r} (known: {known})") from None


def reader(name: str) -> type[Reader]:
    """The reader called ``name``; raises UnknownFormatError listing the known names."""
    return _lookup(readers(), "input", name)


def writer(name: str) -> type[Writer]:
    """The writer called ``name``; raises UnknownFormatError listing the known names."""
    return _lookup(writers(), "output", name)


def detect_reader(probe: InputProbe) -> type[Reader]:
    """The reader most sure it reads ``probe``; raises UnknownFormatError if none or a tie.

    A reader whose ``recognize`` raises (a bug, or a plugin's) is taken to say "not mine":
    one reader's mistake never stops the others recognising the input.
    """
    found = detect_folder_reader(probe)
    if found is None:
        if probe.path is None and not probe.source.endswith(":"):
            raise UnknownFormatError(f"{probe.source}: {probe.missing}{_meant(probe)}")
        raise UnknownFormatError(f"{probe.source}: unrecognised input format; name it with --from")
    return found


def _meant(probe: InputProbe) -> str:
    """A hint for an input named as a service's without its colon (``readwise``: a missing
    file, where ``readwise:`` reads the API), else nothing."""
    spelled = probe.source.strip() + ":"
    if ":" in probe.source or detect_folder_reader(type(probe).of(spelled)) is None:
        return ""
    return f" (did you mean {spelled.strip()}, with its colon?)"


def detect_folder_reader(probe: InputProbe) -> type[Reader] | None:
    """As :func:`detect_reader`, but ``None`` when no reader recognises ``probe`` (a folder,
    whose files may still be recognised one by one); a tie still raises."""
    best = best_readers(probe)
    if len(best) > 1:
        tied = " or ".join(cls.name for cls in best)
        raise UnknownFormatError(f"{probe.source}: could be {tied}; name it with --from")
    return best[0] if best else None


def best_readers(probe: InputProbe) -> list[type[Reader]]:
    """The readers most sure they read ``probe``, by name: one, several (a tie), or none (no
    reader recognises it). A reader whose ``recognize`` raises does not (see detect_reader)."""
    scored = [(score(cls, probe), cls) for cls in readers().values()]
    top = max((points for points, _ in scored), default=0)
    return [cls for points, cls in scored if points > 0 and points == top]


def reads_folders(cls: type[Reader]) -> bool:
    """Whether ``cls`` has a folder mode: it says which files of a folder it reads (overrides
    :meth:`~excerpta.adapters.Reader.reads_in_folder`), as kindle does of a Kindle's drive; a
    reader of single files (readwise-csv) does not."""
    from excerpta.adapters import Reader

    return getattr(cls.reads_in_folder, "__func__", None) is not Reader.reads_in_folder.__func__


def score(cls: type[Reader], probe: InputProbe) -> int:
    """How sure ``cls`` is that it reads ``probe`` (its ``recognize``, asked once per probe);
    0 if ``recognize`` raises (see detect_reader)."""
    if cls.name not in probe.scores:
        probe.scores[cls.name] = _recognize(cls, probe)
    return probe.scores[cls.name]


def _recognize(cls: type[Reader], probe: InputProbe) -> int:
    try:
        return cls.recognize(probe)
    except Exception:  # any reader's, a plugin's too: detection is a boundary and carries on
        log.debug("%s: reader %s failed to recognise it; taken as not its format",
                  probe.source, cls.name, exc_info=True)
        return 0
