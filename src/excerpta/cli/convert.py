"""``excerpta convert``: one-shot conversion of inputs into one output format."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from excerpta import registry
from excerpta.adapters import option_flag
from excerpta.cli.app import Settings, cli, global_options, state_option
from excerpta.cli.progress import ProblemEcho, ReadProgress
from excerpta.errors import UserError
from excerpta.output import WriteOutcome
from excerpta.pipeline import convert
from excerpta.run_report import ConvertReport, counted
from excerpta.selection import Selection
from excerpta.store import default_state_path, open_store
from excerpta.store.witness import StateWitness


def _adapter_option_flags() -> list[click.Option]:
    """A ``--flag`` for every adapter option field that asks for one (``{"cli": "flag"}``).

    Fields of several adapters may share a flag (``--timezone``: the Kindle reader's device
    zone, the Obsidian writer's display zone): the first declares it, its help tells each use
    once, with the adapters it is of.
    """
    # flag: (adapters by description, field name, is_flag)
    flags: dict[str, tuple[dict[str, list[str]], str, bool]] = {}
    for adapter in [*registry.readers().values(), *registry.writers().values()]:
        for field_name, info in adapter.options_model.model_fields.items():
            flag = option_flag(info)
            if flag is None:
                continue
            uses = flags.setdefault(flag, ({}, field_name, info.annotation is bool))[0]
            uses.setdefault(info.description or field_name, []).append(f"{adapter.kind} {adapter.name}")
    return [click.Option([flag, field_name], is_flag=is_flag, default=None,
                         help="; ".join(f"{text} ({', '.join(of)})" for text, of in uses.items()))
            for flag, (uses, field_name, is_flag) in flags.items()]


def _parse_option(values: tuple[str, ...]) -> dict[str, str]:
    parsed = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--option {value!r}: expected NAME=VALUE")
        parsed[name.strip().replace("-", "_")] = setting
    return parsed


LIST_ALL_OUTCOMES_UP_TO = 20  # beyond this, only outcomes with something to say are listed
_SUMMARY_WORDS = {"create": "new", "update": "changed", "unchanged": "unchanged",
                  "skip": "skipped", "conflict": "left alone"}


def _held_back(outcome: WriteOutcome, report: ConvertReport) -> bool:
    return outcome.action == "skip" and report.held_back is not None and outcome.reason == report.held_back


def print_report(report: ConvertReport, *, dry_run: bool, quiet: bool, verbose: int,
                  kept_library: bool) -> None:
    """Print the outcomes and a summary. ``kept_library``: the library is the --state's, which
    holds earlier runs' documents too, so its counts are not what this run read."""
    list_all = verbose > 0 or len(report.outcomes) <= LIST_ALL_OUTCOMES_UP_TO
    # A dry run lists what would change: the first of many only (a first sync: 5,000 notes).
    would = 0 if not dry_run else sum(1 for outcome in report.outcomes if outcome.action not in (
        "unchanged", "conflict") and not _held_back(outcome, report))
    listing = would if verbose or would <= LIST_ALL_OUTCOMES_UP_TO else LIST_ALL_OUTCOMES_UP_TO
    for outcome in report.outcomes:
        if outcome.action == "conflict":
            click.secho(f"excerpta: {'not sent' if outcome.sent else 'not overwritten'}: {outcome.path}: "
                        f"{outcome.reason}", fg="red", err=True)
        elif _held_back(outcome, report):
            click.secho(f"excerpta: warning: {outcome.path}: {outcome.reason}", fg="yellow", err=True)
        elif dry_run and outcome.action != "unchanged":  # what the dry run was asked for
            if listing > 0:
                click.echo(f"would {outcome}")
            listing -= 1
        elif dry_run:  # as a run lists them
            if not quiet and (list_all or outcome.reason):
                click.echo(str(outcome))
        elif not quiet and (list_all or outcome.reason):
            click.echo(str(outcome), err=True)
    if listing < 0:  # on standard output with the list, even with -q
        click.echo(f"… and {-listing} more (-v lists every one)")
    if quiet:
        return
    counts = report.library_counts
    selected = f"; {report.left_out} document(s) not selected" if report.left_out else ""
    in_part = sum(problem.kept for problem in report.problems)
    partly = f", {in_part} read in part" if in_part else ""
    # Several readers (a folder of several formats, or inputs of each): how many each read.
    by_reader = sorted(Counter(name for _, name in report.inputs).items())
    readers = (f" ({', '.join(f'{count} {name}' for name, count in by_reader)})"
               if len(by_reader) > 1 else "")
    click.echo(
        f"{'' if report.unread else 'read '}{len(report.inputs)} input(s){readers}"
        f"{' unchanged since last read' if report.unread else ''}{'; library' if kept_library else ''}: "
        f"{counts.get('documents', 0)} documents, "
        f"{counts.get('highlights', 0)} highlights; {len(report.problems) - in_part} record(s) skipped"
        f"{partly}{selected}",
        err=True,
    )
    if report.writes_files:
        tally = Counter(outcome.action for outcome in report.outcomes if not outcome.sent)
        files = ", ".join(f"{tally[action]} {word}" for action, word in _SUMMARY_WORDS.items()
                          if tally[action])
        label = "outputs (dry run, nothing written)" if dry_run else "outputs"
        click.echo(f"{label}: {files or 'nothing changed'}", err=True)
    for service in report.services:
        label = f"{service} (dry run, nothing sent)" if dry_run else service
        sent = [outcome for outcome in report.outcomes if outcome.service == service]
        click.echo(f"{label}: {said_of_sending(sent, dry_run=dry_run)}", err=True)


def said_of_sending(outcomes: list[WriteOutcome], *, dry_run: bool) -> str:
    """What a remote writer's ``outcomes`` (of one service) come to, in its terms: documents
    and highlights sent (in a dry run, to send), documents unchanged since sent, highlights
    refused; "nothing to send" when nothing was (or would be)."""
    sent = [outcome for outcome in outcomes if outcome.action in ("create", "update")]
    unchanged = sum(1 for outcome in outcomes if outcome.action == "unchanged")
    refused = [outcome for outcome in outcomes if outcome.action == "conflict"]
    if sent:
        said = (f"{counted(len(sent), 'document')} {'to send' if dry_run else 'sent'} "
                f"({counted(sum(outcome.highlights for outcome in sent), 'highlight')})")
    else:
        said = "nothing to send" if not refused else "nothing sent"
    if unchanged:
        unsent = f"{counted(unchanged, 'document')} unchanged since sent"
        said += f", {unsent}" if sent else f" ({unsent})"
    if refused:
        said += (f"; {counted(sum(outcome.highlights for outcome in refused), 'highlight')} of "
                 f"{counted(len(refused), 'document')} refused, sent again next run")
    return said


@cli.command("convert")
@global_options
@state_option
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--to", "to", required=True, metavar="FORMAT",
              help="Output format (see `excerpta formats`).")
@click.option("--out", "out", required=True, type=click.Path(),  # as typed: "dir/" is not "dir"
              help="Output file, or folder for folder formats.")
@click.option("--from", "from_format", metavar="FORMAT",
              help="Input format; detected from the input when left out.")
@click.option("--dry-run", is_flag=True,
              help="Read and render, print what would be written, write nothing.")
@click.option("--force", is_flag=True,
              help="Overwrite output files excerpta did not write, edited or read-only (an Obsidian "
                   "note's own text is always kept); without --state, write outputs even when an "
                   "input gave nothing.")
@click.option("-O", "--option", "raw_options", multiple=True, metavar="NAME=VALUE",
              help="Set any reader or writer option (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Write only documents tagged TAG (a document tag; repeatable, or comma-separated: any "
                   "of them).")
@click.option("--skip-tag", "skip_tags", multiple=True, metavar="TAG",
              help="Leave out documents tagged TAG (repeatable). The library still keeps them.")
@click.option("--category", "categories", multiple=True, metavar="NAME",
              help="Write only documents of this category: books, articles, tweets, podcasts, "
                   "supplementals, other (repeatable, or comma-separated).")
@click.pass_obj
def convert_command(settings: Settings, inputs: tuple[str, ...], to: str, out: str,
                    from_format: str | None, dry_run: bool, force: bool,
                    raw_options: tuple[str, ...], tags: tuple[str, ...], skip_tags: tuple[str, ...],
                    categories: tuple[str, ...], **flag_options: Any) -> None:
    """Convert INPUT files into one output format.

    Reads every INPUT (files, folders, `-` for standard input, `readwise:` or `hypothesis:`),
    merges them into one library and writes it as FORMAT to --out. A file excerpta did not
    write, or one edited since, is never overwritten (unless --force). Reader and writer
    options, with their flags: `excerpta formats NAME`.

    Exit codes: 0 ok, 1 partial (records skipped or outputs left alone, each reported), 2 bad
    input, command or state database, 3 the source failed (network, token), 70 internal
    error, 74 the machine refused a file or folder (permissions, a full disk), 75 another run
    is writing the same output or holds the state, 130 interrupted (Ctrl-C), 141 what read the
    output stopped reading (| head), 143 terminated (SIGTERM).
    """
    flags = {param.name: param.opts[0] for param in click.get_current_context().command.params}
    options: dict[str, Any] = {k: v for k, v in flag_options.items() if v is not None}
    typed = {name: flags[name] for name in options}  # errors name the option as the user gave it
    given = _parse_option(raw_options)
    options.update(given)
    typed.update({name: f"-O {name}" for name in given})
    selection = Selection.of(tags, skip_tags, categories)
    explicit_state = settings.state
    # A dry run reads the state into memory and changes nothing there: it creates no state
    # file (nor folder) either, and merges its inputs into the copy.
    state = open_store(explicit_state or default_state_path(), reads_only=dry_run)
    library = state
    witness = _default_state_as_witness(explicit_state) if explicit_state else None
    try:
        # Without --state the library lives for this run only: convert outputs exactly its
        # inputs (but for what an Obsidian note showed before, see OutputSink).
        library = state if explicit_state else open_store(":memory:")
        problems = ProblemEcho(quiet=settings.quiet, verbose=settings.verbose)
        with ReadProgress(enabled=sys.stderr.isatty() and not settings.quiet) as progress:
            try:
                report = convert(list(inputs), to=to, out=out, library=library, state=state,
                                 from_format=from_format, options=options, typed=typed, force=force,
                                 dry_run=dry_run, selection=selection, on_document=progress.advance,
                                 on_problem=problems, witnesses=() if witness is None else (witness,),
                                 persistent_library=explicit_state is not None)
            finally:  # said before the error that an input of nothing but problems ends in
                problems.finish()
    finally:
        if library is not state:
            library.close()
        if witness is not None:
            witness.close()
        state.close()
    print_report(report, dry_run=dry_run, quiet=settings.quiet, verbose=settings.verbose,
                  kept_library=explicit_state is not None)
    if report.exit_code:
        click.get_current_context().exit(report.exit_code)


def _default_state_as_witness(explicit: Path) -> StateWitness | None:
    """The default state database when ``--state`` names another, opened read-only to vouch
    for the output files it recorded writing (runs before ``--state`` was added wrote them);
    None when there is none, or it cannot vouch: a witness never fails (nor changes) anything.
    See :mod:`excerpta.store.witness`."""
    default = default_state_path()
    try:
        if not default.is_file() or default.resolve() == explicit.expanduser().resolve():
            return None
        return StateWitness.open(default)
    except OSError:
        return None


# Flags declared by adapter option models (`json_schema_extra={"cli": …}`), e.g. --timezone.
convert_command.params.extend(_adapter_option_flags())
