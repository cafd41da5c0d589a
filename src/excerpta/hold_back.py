"""When a run leaves its outputs as they were: the reasons a sink holds back files that would
replace existing ones (:meth:`~excerpta.output.OutputSink.hold_back`), each a warning naming
the file and the run partial; ``--force`` writes them. A first run, with nothing to replace,
still writes its outputs."""

from __future__ import annotations

from collections.abc import Sequence

from excerpta.adapters import Reader, ReadState
from excerpta.run_report import ConvertReport
from excerpta.selection import Selection


def short_pulls(pulls: Sequence[tuple[str, ReadState, int]]) -> str | None:
    """Why outputs are to be left as they were, or None: of the network inputs ``pulls`` (a
    Readwise pull; by name, with the state of their read and how many documents it yielded),
    one yielded no document, or ended before all it counted (``ReadState.cut_short``).
    Without ``--state`` an output holds only what its run read, so a glitch of the server (an
    empty answer, records that cannot be read, a last page that came early) would replace a
    good export with an empty or a partial one."""
    empty = [(source, state) for source, state, documents in pulls if not documents]
    if empty:
        sources = ", ".join(source for source, _ in empty)
        skipped = sum(len(state.problems) for _, state in empty)
        what = f"nothing readable ({skipped} record(s) skipped)" if skipped else "nothing (no document)"
        return (f"left as it was: {sources} returned {what}, and without --state writing would "
                "drop everything it gave before (--force writes it)")
    short = ", ".join(source for source, state, _ in pulls if state.cut_short)
    if short:
        return (f"left as it was: {short} ended before all it counted, and without --state "
                "writing would drop what it did not send (--force writes it)")
    return None


def damaged_reads(reads: Sequence[tuple[str, ReadState]]) -> str | None:
    """Why outputs are to be left as they were, or None: of the local inputs ``reads`` (by
    name, with the state of their read), one could be read only in part (``cut_short``: a
    damaged database read around its damage). Without ``--state`` writing would replace a good
    export with one lacking what the damage hides."""
    damaged = ", ".join(source for source, state in reads if state.cut_short)
    if damaged:
        return (f"left as it was: {damaged} could be read only in part (damaged), and without "
                "--state writing would drop what it could not read (--force writes it)")
    return None


def nothing_read(reads: Sequence[tuple[str, int]]) -> str | None:
    """Why outputs are to be left as they were, or None: the run's inputs (``reads``: each by
    name, with how many documents it gave) gave no document at all, as a ``My Clippings.txt``
    emptied on the Kindle does. Without ``--state`` an output holds only what its run read, so
    writing would empty a good export. (One empty input among others is no reason: it may
    never have given anything, and holding back would stop what the others bring.)"""
    if not reads or any(documents for _, documents in reads):
        return None
    return (f"left as it was: {', '.join(source for source, _ in reads)} gave no document, and "
            "without --state writing would empty it (--force writes it)")


def lost_inputs(reads: Sequence[tuple[str, Reader, ReadState, int]]) -> str | None:
    """Why a run without ``--state`` leaves its file outputs as they were, or None: of the
    inputs (``reads``: by name, with their reader, the state of their read and how many
    documents each gave), a network pull that was empty or cut short (:func:`short_pulls`), a
    local input read only in part (:func:`damaged_reads`), or no document from any
    (:func:`nothing_read`)."""
    pulls = [(source, state, documents) for source, reader, state, documents in reads if reader.remote]
    local = [(source, state) for source, reader, state, _ in reads if not reader.remote]
    return (short_pulls(pulls) or damaged_reads(local)
            or nothing_read([(source, documents) for source, _, _, documents in reads]))


def nothing_selected(selection: Selection, report: ConvertReport) -> str | None:
    """Why outputs are to be left as they were, or None: ``selection`` gave the writer none of
    the library's documents (``--tag`` misspelt; ``report`` counted them), and a single-file
    output holding the last run's selection would be emptied."""
    if report.selected or not report.left_out:
        return None
    return (f"left as it was: {selection} selects none of the library's {report.left_out} "
            "document(s), and writing would empty it (--force writes it)")
