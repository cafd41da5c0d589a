"""Where a key of the configuration file is, for messages: its line, and its job's name.

``tomllib`` keeps no positions, and a location such as ``jobs[3].writers[1].out`` asks the
user to count ``[[jobs]]`` headers. :func:`placed` follows each location in a message with
the job's name and the line it is on: ``jobs[3].writers[1].out (job "kindle", line 41)``.
The lines come from the table headers (``[[jobs]]``, ``[jobs.source]``, ``[[jobs.writers]]``)
and the key lines under them, read as TOML writes them; a key the scan cannot place (in an
inline table, a multi-line value, or missing) gets the line of its table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Location = tuple[str | int, ...]

_HEADER = re.compile(r"\s*(\[\[?)([^\[\]]+)\]\]?\s*(?:#.*)?")
_KEY_PART = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+))\s*')
# A location in a message: jobs[0], jobs[0].source.input, jobs[1].writers[0].out, or at the
# message's start any key path (readwise.base_url, state).
_IN_TEXT = re.compile(r"jobs\[\d+\](?:\.[A-Za-z_][\w-]*|\[\d+\])*")
_AT_START = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*(?=: )")
_STEP = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]")


def placed(message: str, text: str, data: Mapping[str, Any]) -> str:
    """``message`` with each configuration location in it followed by ``(job "name", line
    N)`` (what of it is known) for the file ``text`` that parsed to ``data``."""
    lines = _Lines(text)
    edits: list[tuple[int, str]] = []
    for match in _IN_TEXT.finditer(message):
        edits.append((match.end(), _where(_location(match.group()), lines, data)))
    if not edits and (start := _AT_START.match(message)) is not None:
        edits.append((start.end(), _where(_location(start.group()), lines, data)))
    for end, where in reversed(edits):
        if where:
            message = f"{message[:end]} ({where}){message[end:]}"
    return message


def _location(text: str) -> Location:
    return tuple(name if name else int(index) for name, index in _STEP.findall(text))


def _where(location: Location, lines: _Lines, data: Mapping[str, Any]) -> str:
    said = []
    if len(location) >= 2 and location[0] == "jobs" and isinstance(location[1], int):
        jobs = data.get("jobs")
        job = jobs[location[1]] if isinstance(jobs, list) and location[1] < len(jobs) else None
        if isinstance(job, Mapping) and isinstance(job.get("name"), str) and job["name"].strip():
            said.append(f'job "{job["name"]}"')
    if (line := lines.of(location)) is not None:
        said.append(f"line {line}")
    return ", ".join(said)


class _Lines:
    """The table headers of a TOML text, each as the location it opens and its line."""

    def __init__(self, text: str) -> None:
        self.text_lines = text.splitlines()
        self.headers: list[tuple[int, Location]] = []  # (index in text_lines, location)
        arrays: dict[Location, int] = {}  # array of tables -> index of its last element
        for number, line in enumerate(self.text_lines):
            match = _HEADER.fullmatch(line)
            if match is None or (parts := _key_parts(match.group(2))) is None:
                continue
            location: Location = ()
            for part in parts[:-1]:
                location += (part,)
                if location in arrays:
                    location += (arrays[location],)
            location += (parts[-1],)
            if match.group(1) == "[[":
                arrays[location] = arrays.get(location, -1) + 1
                location += (arrays[location],)
            self.headers.append((number, location))

    def of(self, location: Location) -> int | None:
        """The 1-based line of ``location``: its key's line under the nearest table header
        opening a part of it, else that header's line; None when no table holds it and the
        key is not at the top."""
        best: tuple[int, int, int] | None = None  # (depth, header index, line index)
        for position, (number, opened) in enumerate(self.headers):
            if location[:len(opened)] == opened and (best is None or len(opened) > best[0]):
                best = (len(opened), position, number)
        if best is None:
            start, header = 0, None
            end = self.headers[0][0] if self.headers else len(self.text_lines)
            rest = location
        else:
            depth, position, header = best
            start = header + 1
            end = self.headers[position + 1][0] if position + 1 < len(self.headers) else len(self.text_lines)
            rest = location[depth:]
        found, most = None, 0  # the line whose key (a dotted one: source.input) matches most
        for number in range(start, end):
            key = _key_of(self.text_lines[number])
            matched = next((n for n, (a, b) in enumerate(zip(key, rest, strict=False)) if a != b),
                           min(len(key), len(rest)))
            if matched > most:
                found, most = number + 1, matched
        if found is not None:
            return found
        return None if header is None else header + 1


def _key_parts(text: str) -> list[str] | None:
    """The parts of a dotted TOML key (``jobs.writers``, ``"a b".c``); None if not one."""
    parts, position = [], 0
    while True:
        match = _KEY_PART.match(text, position)
        if match is None:
            return None
        parts.append(next(group for group in match.groups() if group is not None))
        position = match.end()
        if position == len(text):
            return parts
        if text[position] != ".":
            return None
        position += 1


def _key_of(line: str) -> list[str]:
    """The parts of the key a ``key = value`` line sets (none for another line)."""
    key, sign, _ = line.partition("=")
    return (_key_parts(key) or []) if sign else []

