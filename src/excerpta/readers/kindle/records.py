"""The record grammar of ``My Clippings.txt``: lines in, :class:`RawRecord` objects out, streaming.

A record is ``<title (author)>``, a metadata line, an optional blank line, a body of any number
of lines, and a separator line of ten ``=``. What real files add (reference §1.1-1.3):

* a BOM before any line, CRLF with bare LF inside notes, lone CR (universal newlines fold them);
* a file that starts with a separator or blank lines; a last record without a separator, or with
  the start of one (``===``: the file was cut while the device wrote it), which is dropped;
* a separator line typed *inside* a note: a "record" after a note's separator whose second
  line is no metadata line, not even a damaged one (:func:`starts_record`), is glued back onto
  the note (calibre's rule), so records are held back one step until the next record's
  metadata line confirms the separator; so is a lone line before the next separator. After a
  highlight nothing is glued back: a damaged record must not vanish into the passage before it
  (it is reported), and a title line at the end of the file is a record cut short (reported);
* separators stripped by another tool or deleted by hand (with or without the line they stood
  on), or damaged (9 or 11 ``=``): a body line that parses as a metadata line (a date and all)
  right after a title-like line starts a new record (:func:`_cut_title`);
* a record glued to the separator before it (``==========Walden (Thoreau)``): the file ended in a
  separator without its line break (an editor trimmed it) when the device appended. Such a line
  followed by a metadata line that parses is a separator and a title line
  (:func:`glued_title`); followed by anything else, it is a line of the record it is in.

Nothing here raises for bad content: a record whose metadata line cannot be read is returned
with ``metadata`` unset and ``problem`` saying why, for the reader to report. So is a record
longer than :data:`CLIPPING_LIMIT_CHARS` (a damaged file), whose body is not kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from excerpta.readers.kindle.locales import ClippingKind
from excerpta.readers.kindle.metadata import (
    Metadata,
    MetadataError,
    looks_like_metadata,
    names_a_record,
    parse_metadata,
)

SEPARATOR = "=========="
# No real clipping comes near this: the publisher's clipping limit keeps a highlight to a part
# of its book (often 10-20 %), and a whole novel is about 500,000 characters.
CLIPPING_LIMIT_CHARS = 1 << 20
_NOTE = ClippingKind.NOTE
INVISIBLE = "\ufeff\u200b\u200c\u200d"
MAYBE_SEPARATOR = "= \t" + INVISIBLE
MAYBE_METADATA = "-–— " + INVISIBLE
_PADDING = " \t" + INVISIBLE


@dataclass(slots=True)
class RawRecord:
    """One record as written: its title line, metadata, body lines and where it starts (1-based)."""

    line_number: int
    title_line: str
    metadata: Metadata | None
    body: list[str] = field(default_factory=list)
    problem: str | None = None
    chars: int = 0  # of the body lines the grammar appended one by one

    @property
    def text(self) -> str:
        """The body with the optional blank line after the metadata and trailing blanks trimmed."""
        return "\n".join(self.body).strip()


def split_title_author(line: str) -> tuple[str, str | None]:
    """``"Title (Author)"`` → ``("Title", "Author")``: the author is the last *balanced*
    parenthesised group, so ``Handbuch (German Edition) (Amazon (Editors))`` keeps both.
    A line without such a group, or that is one group as a whole, is all title."""
    text = _clean(line)
    if not text.endswith(")"):
        return text, None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                title = text[:index].rstrip()
                author = text[index + 1 : -1].strip()
                if not title or not author:
                    return text, None
                return title, author
    return text, None


def _clean(line: str) -> str:
    for char in INVISIBLE:
        if char in line:
            line = line.replace(char, "")
    return line.replace("\u00a0", " ").strip()


def is_separator(line: str) -> bool:
    """Whether ``line`` is a separator line (ten ``=``, maybe padded with spaces or invisible marks)."""
    return line.strip(" \t\r\n" + INVISIBLE) == SEPARATOR


def glued_title(line: str) -> str | None:
    """The title line of a record glued to a separator (``==========Walden (Thoreau)``), else None."""
    stripped = line.lstrip(_PADDING)
    if not stripped.startswith(SEPARATOR):
        return None
    title = stripped[len(SEPARATOR):].lstrip(_PADDING)
    return title if title.strip("=" + _PADDING) else None  # a longer row of "=" is no title


def iter_records(lines: Iterable[str]) -> Iterator[RawRecord]:
    """Group ``lines`` (with or without their newline) into records, in file order."""
    pending: RawRecord | None = None  # closed by a separator, not yet confirmed by the next record
    current: RawRecord | None = None
    title: tuple[int, str] | None = None
    glued: tuple[int, str] | None = None  # a body line that may be a separator and a title line
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if glued is not None:
            assert current is not None
            glued_number, glued_line = glued
            glued = None
            if looks_like_metadata(line) and _try_metadata(line) is not None:  # a record follows
                if pending is not None:
                    yield pending
                pending, current = current, None
                title = (glued_number, glued_title(glued_line) or glued_line)
            else:
                _append(current, glued_line)
        if current is not None:
            # The cheap character tests first: this runs once per line of a 100 MB file.
            if line[:1] in MAYBE_SEPARATOR and line != SEPARATOR and glued_title(line) is not None:
                glued = (number, line)  # decided by the next line
            elif line == SEPARATOR or (line and line[0] in MAYBE_SEPARATOR and is_separator(line)):
                if pending is not None:
                    yield pending
                pending, current = current, None
            elif line and line[0] in MAYBE_METADATA and looks_like_metadata(line) and _starts_record(
                    current.body):
                split = _try_metadata(line)
                if split is None:
                    current.body.append(line)
                else:
                    title_line = _cut_title(current.body)
                    if pending is not None:
                        yield pending
                    pending = None
                    yield current
                    current = RawRecord(number - 1, title_line, split)
            else:
                _append(current, line)
            continue
        if title is None:
            if is_separator(line) or not line.strip(" \t" + INVISIBLE):
                continue  # an empty record, or blank lines between records
            title = (number, glued_title(line) or line)  # a file that starts with a glued one too
            continue
        title_number, title_line = title
        title = None
        if pending is not None and _continues(pending, title_line, line):
            pending.body.extend([SEPARATOR, title_line])
            if not is_separator(line):
                pending.body.append(line)
                current, pending = pending, None
        elif looks_like_metadata(line):
            if pending is not None:
                yield pending
                pending = None
            current = RawRecord(title_number, title_line, None)
            try:
                current.metadata = parse_metadata(line)
            except MetadataError as err:
                current.problem = str(err)
        elif is_separator(line):
            yield RawRecord(title_number, title_line, None, problem="a title line with no metadata line")
        else:
            current = RawRecord(title_number, title_line, None,
                                problem="expected a metadata line ('- Your Highlight …') after this title "
                                        f"line, found {line!r}")
    if glued is not None and current is not None:  # the last line: no record follows it
        _append(current, glued[1])
    if title is not None:
        # A file cut after a title line (the device unplugged while writing): the record is lost.
        if pending is not None:
            yield pending
            pending = None
        yield RawRecord(title[0], title[1], None, problem="a title line with no metadata line")
    if pending is not None:
        yield pending
    if current is not None:
        _drop_cut_separator(current)
        yield current


def _drop_cut_separator(record: RawRecord) -> None:
    # The last record, which no separator closed: a file cut while the Kindle wrote that
    # separator ends in a row of fewer than ten "=", which is not the passage's (nor the note's).
    if record.body and (row := record.body[-1].strip(_PADDING)) and SEPARATOR.startswith(row):
        record.body.pop()


def _append(record: RawRecord, line: str) -> None:
    record.body.append(line)
    record.chars += len(line)
    if record.chars > CLIPPING_LIMIT_CHARS:
        _drop_body(record)


def _drop_body(record: RawRecord) -> None:
    # A record too long to be a clipping: a problem, its body not held. Its last two lines are,
    # for a record start whose separator was stripped (_starts_record).
    if record.problem is None or record.metadata is not None:
        record.metadata = None
        record.problem = (f"a record longer than any clipping ({CLIPPING_LIMIT_CHARS:,} characters), "
                          "skipped (a damaged file?)")
    del record.body[:-2]
    record.chars = sum(map(len, record.body))


def starts_record(line: str) -> bool:
    """Whether ``line``, after a title line, makes a record (maybe one whose metadata line cannot
    be read) rather than more of a note before the separator: a leading dash or a ``|`` (one may
    be lost, never both), and a number or a kind phrase
    (:func:`~excerpta.readers.kindle.metadata.names_a_record`)."""
    return (looks_like_metadata(line) or "|" in line) and names_a_record(line)


def _continues(held: RawRecord, title_line: str, line: str) -> bool:
    # Whether the separator that closed ``held`` was typed inside its note (calibre's rule): the
    # "title" and ``line`` after it are no record start. A lone line before the next separator
    # (``line`` is one) continues a note, but not when it is the note's own title line.
    metadata = held.metadata
    if metadata is None or metadata.kind is not _NOTE:
        return False
    if is_separator(line):
        return title_line != held.title_line
    return not starts_record(line)


def body_starts_record(body: list[str], line: str) -> bool:
    """Whether the dashed ``line`` after the body lines ``body`` starts a record whose separator was
    stripped (the rule :func:`iter_records` applies to every such line)."""
    return _starts_record(body) and _try_metadata(line) is not None


def _starts_record(body: list[str]) -> bool:
    # A title-like line (not blank), after at least the blank line that follows a metadata
    # line: only then can a dashed line be a lost record start (its separator deleted, with or
    # without the line it stood on, or damaged). The dashed line must then parse, date and all.
    return len(body) >= 2 and bool(body[-1].strip())


def _cut_title(body: list[str]) -> str:
    """The title line of a record whose separator was lost, taken off the end of the ``body``
    before it (which :func:`_starts_record` saw), with what is left of that separator: blank
    lines, a row of ``=`` one too long or too short. A title glued after its byte-order mark
    to the text the file was trimmed in (``Call me Ishmael.\ufeffDie Verwandlung (Kafka)``: the
    device writes one before each title) leaves that text in the body."""
    title = body.pop()
    glued_at = title.rfind("\ufeff")
    if glued_at > 0 and title[:glued_at].strip(_PADDING):
        body.append(title[:glued_at])
        title = title[glued_at:]
    while body and (not body[-1].strip(_PADDING) or _equals_row(body[-1])):
        body.pop()
    return title


def _equals_row(line: str) -> bool:
    # A separator someone damaged by hand (9 or 11 "=" instead of 10).
    row = line.strip(_PADDING)
    return 5 <= len(row) <= 20 and not row.strip("=")


def _try_metadata(line: str) -> Metadata | None:
    try:
        metadata = parse_metadata(line)
    except MetadataError:
        return None
    return metadata if metadata.when is not None else None
