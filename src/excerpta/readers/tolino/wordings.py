"""The wordings of a Tolino's ``notes.txt``, per UI language, as data; and the two lines they make.

A record's second line says what it is and where (``Highlight on page 3: "…"``, German
``Markierung auf Seite 3: "…"``); its last line says when (``Added on 12/15/2017 | 21:31``,
German ``Hinzugefügt am 15.12.2017 | 21:31``; ``Changed on``/``Geändert am`` once a note was
edited). The device writes them in the UI language it had when the record was made, so one file
may mix languages; the kind comes from the kind phrase, the day order from the date phrase.
Real files put a no-break space between some words (``Markierung\\xa0auf Seite``): any run of
whitespace matches a space here.

Where the wordings come from (public parsers of the file and the device files they ship as
samples): English and German from real files; Spanish from a real file's records; French,
Italian and Dutch as two parsers list them (no real file seen). Spanish ``Marcadores en la
página`` is a bookmark (the record shows the page's first 200 characters, cut mid-word, as
bookmarks do), ``Selección`` a highlight.
``Ihr Lesezeichen`` and ``Mi marcador`` are older firmware's bookmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class RecordKind(StrEnum):
    """What a record is."""

    HIGHLIGHT = "highlight"
    NOTE = "note"  # a note, with the passage it is about in quotes after it
    BOOKMARK = "bookmark"


class DayOrder(StrEnum):
    """How a language writes a date's numbers."""

    MONTH_FIRST = "m/d/y"
    DAY_FIRST = "d/m/y"


@dataclass(frozen=True)
class Wording:
    """One UI language's phrases."""

    language: str
    kinds: dict[str, RecordKind]  # phrase that starts the second line -> kind
    page: str  # the words before the page number ("on page")
    added: str  # the date line's phrase for a record as made ("Added on")
    changed: str  # and for one edited since ("Changed on")
    day_order: DayOrder


_H, _N, _B = RecordKind.HIGHLIGHT, RecordKind.NOTE, RecordKind.BOOKMARK
WORDINGS: tuple[Wording, ...] = (
    Wording("en", {"Highlight": _H, "Note": _N, "Bookmark": _B}, "on page",
            "Added on", "Changed on", DayOrder.MONTH_FIRST),
    Wording("de", {"Markierung": _H, "Notiz": _N, "Lesezeichen": _B, "Ihr Lesezeichen": _B}, "auf Seite",
            "Hinzugefügt am", "Geändert am", DayOrder.DAY_FIRST),
    Wording("es", {"Selección": _H, "Nota": _N, "Marcadores": _B, "Mi marcador": _B}, "en la página",
            "Agregado el", "Modificado el", DayOrder.DAY_FIRST),
    Wording("fr", {"Surlignement": _H, "Note": _N, "Signet": _B}, "en page",
            "Ajouté le", "Modifié le", DayOrder.DAY_FIRST),
    Wording("it", {"Evidenziazione": _H, "Nota": _N, "Segnalibro": _B}, "a pagina",
            "Aggiunto il", "Modificato il", DayOrder.DAY_FIRST),
    Wording("nl", {"Markering": _H, "Notitie": _N, "Bladwijzer": _B}, "op pagina",
            "Toegevoegd op", "Gewijzigd op", DayOrder.DAY_FIRST),
)


def _phrase(text: str) -> str:
    # Words of a phrase, any whitespace (a no-break space too) between them.
    return r"\s+".join(map(re.escape, text.split()))


# (kind phrase, page phrase) -> kind; one expression for all, longest phrases first.
_KIND_OF: dict[tuple[str, str], RecordKind] = {
    (kind_phrase.casefold(), wording.page.casefold()): kind
    for wording in WORDINGS for kind_phrase, kind in wording.kinds.items()
}
_KIND_PHRASES = sorted({phrase for wording in WORDINGS for phrase in wording.kinds}, key=len, reverse=True)
_PAGE_PHRASES = sorted({wording.page for wording in WORDINGS}, key=len, reverse=True)
_PLACE_LINE = re.compile(
    r"\s*(?P<kind>" + "|".join(map(_phrase, _KIND_PHRASES)) + r")\s+"
    r"(?P<page>" + "|".join(map(_phrase, _PAGE_PHRASES)) + r")\s*"
    r"(?P<start>\d{1,9})(?:\s*-\s*(?P<end>\d{1,9}))?\s*:[^\S\n]?(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)

# date phrase -> (day order, whether the record was edited)
_DATE_PHRASES: dict[str, tuple[DayOrder, bool]] = {
    **{wording.added.casefold(): (wording.day_order, False) for wording in WORDINGS},
    **{wording.changed.casefold(): (wording.day_order, True) for wording in WORDINGS},
}
_DATE_LINE = re.compile(
    r"\s*(?P<phrase>" + "|".join(map(_phrase, sorted(_DATE_PHRASES, key=len, reverse=True))) + r")\s+"
    r"(?P<when>.*?)\s*",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"(?P<a>\d{1,2})\s*[./-]\s*(?P<b>\d{1,2})\s*[./-]\s*(?P<year>\d{4})\s*[|,]?\s*"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<half>[AaPp])\.?\s*[Mm]\.?)?",
)


@dataclass(frozen=True)
class Place:
    """What a record's second line says: its kind, its pages, and the text after the colon."""

    kind: RecordKind
    start: int
    end: int | None  # the last page of a range (``11-12``), else None
    rest: str


@dataclass(frozen=True)
class Stamp:
    """What a record's last line says: when (None: a date that does not parse, ``problem``
    says why), and whether it is the time of an edit (``Changed on``)."""

    when: datetime | None
    changed: bool
    problem: str = ""


def parse_place(line: str) -> Place | None:
    """The place line ``line`` (with any text after it, newlines included), or None if it is
    in no wording known."""
    match = _PLACE_LINE.match(line)
    if match is None:
        return None
    key = (" ".join(match["kind"].split()).casefold(), " ".join(match["page"].split()).casefold())
    kind = _KIND_OF.get(key)
    if kind is None:  # a kind phrase of one language with another's page phrase
        return None
    start = int(match["start"])
    end = int(match["end"]) if match["end"] is not None else None
    return Place(kind, start, end if end is not None and end != start else None, match["rest"])


def parse_stamp(line: str) -> Stamp | None:
    """The date line ``line`` as a naive wall-clock time, or None if it starts with no date
    phrase known (then it is no date line)."""
    match = _DATE_LINE.fullmatch(line)
    if match is None:
        return None
    order, changed = _DATE_PHRASES[" ".join(match["phrase"].split()).casefold()]
    when = _WHEN.fullmatch(match["when"])
    if when is None:
        return Stamp(None, changed, f"a date that does not read as one: {match['when'][:40]!r}")
    first, second = int(when["a"]), int(when["b"])
    month, day = (first, second) if order is DayOrder.MONTH_FIRST else (second, first)
    hour = int(when["hour"])
    if when["half"] is not None:  # a 12-hour clock
        if not 1 <= hour <= 12:
            return Stamp(None, changed, f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if when["half"] in "Pp" else 0)
    try:
        naive = datetime(int(when["year"]), month, day, hour, int(when["minute"]), int(when["second"] or 0))
    except ValueError as err:  # 31.02., 25:00
        return Stamp(None, changed, f"a date that does not exist: {match['when'][:40]!r} ({err})")
    return Stamp(naive, changed)


def is_place_line(line: str) -> bool:
    """Whether ``line`` starts as a record's second line does, in a known wording."""
    return parse_place(line) is not None


def is_date_line(line: str) -> bool:
    """Whether ``line`` is a record's date line in a known wording (its date may not parse)."""
    return parse_stamp(line) is not None
