"""The configuration file (TOML): state location, jobs with a source, writers and a schedule.

``config/excerpta.example.toml`` documents every key. Secrets never live here: the Readwise
token comes from ``READWISE_TOKEN`` or a token file named by ``readwise.token_file``.
:func:`load_config` validates everything (including format names and option values against
the adapters' option models) and raises ConfigError with one line naming file and key.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from excerpta import registry
from excerpta.adapters import InputProbe
from excerpta.clients.readwise_settings import check_api_url
from excerpta.config_places import placed
from excerpta.crontab import cron_trigger
from excerpta.errors import ConfigError, ExcerptaError
from excerpta.input_files import EMPTY_INPUT
from excerpta.output_targets import named_as_folder, service_mismatch
from excerpta.preflight import check_options_apply
from excerpta.validation import describe

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# The longest ``every``: the daemon adds it to a run's start, and a date past the year 9999
# cannot be told; a job that waits longer is one to run by hand.
LONGEST_EVERY_DAYS = 36500


def parse_duration(text: str) -> timedelta:
    """``"90s"``, ``"15m"``, ``"1h"``, ``"1d"`` → timedelta; raises ValueError for anything else,
    for none (``0m``) and for one longer than :data:`LONGEST_EVERY_DAYS` days."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"expected a duration like 15m, 1h or 1d, got {text!r}")
    digits, unit = match.group(1), match.group(2)
    # Counted before int() reads them: it refuses more than 4,300 digits.
    seconds = None if len(digits.lstrip("0")) > 20 else int(digits) * _SECONDS[unit]
    if seconds == 0:
        raise ValueError(f"expected a duration like 15m, 1h or 1d, got {text!r}")
    if seconds is None or seconds > LONGEST_EVERY_DAYS * _SECONDS["d"]:
        raise ValueError(f"{text.strip()!r} is too long: the longest is {LONGEST_EVERY_DAYS}d (100 years)")
    return timedelta(seconds=seconds)


def _without_nul(path: Any) -> Any:
    # The operating system ends a path at a NUL byte: every use of it would fail (or worse).
    if "\0" in str(path):
        raise ValueError("a path cannot hold a zero byte (\\u0000)")
    return path


def _not_blank(text: str) -> str:
    # As on the command line: "" would be read as the folder the job runs in.
    if not text.strip():
        raise ValueError(EMPTY_INPUT)
    return text


# A path of the file (a str for an input, which may also be a URL or "-").
FilePath = Annotated[Path, AfterValidator(_without_nul)]
InputPath = Annotated[str, AfterValidator(_without_nul), AfterValidator(_not_blank)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Section):
    """Where a job reads: ``input`` as on the command line, ``format`` optional (detected)."""

    input: InputPath
    format: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class WriterConfig(_Section):
    """One output of a job: a format, where it writes, and the writer's options."""

    format: str
    out: FilePath
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("out", mode="before")
    @classmethod
    def _not_a_folder_for_a_file(cls, value: Any, info: ValidationInfo) -> Any:
        # Checked as written: the Path the job gets has lost the slash of "out/", and the
        # one file written there would take the name of the folder meant.
        try:
            writer = registry.writer(info.data["format"]) if isinstance(value, str) else None
        except (KeyError, ExcerptaError):  # no format, or an unknown one: said as such
            writer = None
        if writer is not None and ((refusal := service_mismatch(writer, value)) is not None
                                   or (refusal := named_as_folder(writer, value)) is not None):
            raise ValueError(refusal)
        return value


class ScheduleConfig(_Section):
    """When the daemon runs a job: ``every = "1h"`` or ``cron = "0 6 * * *"`` (not both)."""

    every: str | None = None
    cron: str | None = None

    @field_validator("every")
    @classmethod
    def _valid_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @field_validator("cron")
    @classmethod
    def _valid_crontab(cls, value: str | None) -> str | None:
        if value is not None:
            try:  # the daemon's trigger is the judge; the zone does not matter to validity
                trigger = cron_trigger(value, UTC)
            except ValueError as err:
                shape = ("" if len(value.split()) == 5 else
                         "expected 5 crontab fields (minute hour day month weekday) like \"0 6 * * *\", ")
                why = str(err)  # APScheduler's sentence, after ours
                raise ValueError(f"{shape}got {value!r}: {why[:1].lower()}{why[1:]}") from None
            if trigger.get_next_fire_time(None, datetime(2000, 1, 1, tzinfo=UTC)) is None:
                raise ValueError(f"{value!r} names no day that comes (such as 31 February)")
        return value

    def __str__(self) -> str:
        """``every 1h`` or ``cron "30 6 * * *"``, for messages."""
        return f"every {self.every}" if self.every else f'cron "{self.cron}"'

    @model_validator(mode="after")
    def _exactly_one(self) -> ScheduleConfig:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' or 'cron'")
        return self


class JobConfig(_Section):
    """A named sync job: one source into one or more writers, on a schedule."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    source: SourceConfig
    writers: list[WriterConfig] = Field(min_length=1)
    schedule: ScheduleConfig | None = None


class ReadwiseConfig(_Section):
    """Readwise API settings; the token itself is never written in this file."""

    base_url: str = "https://readwise.io"
    token_file: FilePath | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_api_url(value)


class Config(_Section):
    """The whole configuration file."""

    state: FilePath | None = None
    readwise: ReadwiseConfig = Field(default_factory=ReadwiseConfig)
    jobs: list[JobConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_job_names(self) -> Config:
        names = [job.name for job in self.jobs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"job names must be unique: {', '.join(duplicates)}")
        return self


def _check_adapters(config: Config) -> None:
    for index, job in enumerate(config.jobs):
        where = f"jobs[{index}]"
        if job.source.format is None and job.source.options:
            raise ConfigError(f"{where}.source: options need a format{_format_hint(job.source.input)}")
        if job.source.format is not None:
            try:
                reader = registry.reader(job.source.format).from_options(job.source.options)
                check_options_apply(job.source.options, [reader])
            except ExcerptaError as err:
                raise ConfigError(f"{where}.source: {err}") from None
        for number, writer in enumerate(job.writers):
            try:
                adapter = registry.writer(writer.format).from_options(writer.options)
                check_options_apply(writer.options, [adapter])
            except ExcerptaError as err:
                raise ConfigError(f"{where}.writers[{number}]: {err}") from None


def _check_outputs(config: Config) -> None:
    """Two writers (of one job or of two) writing one path would overwrite each other; two of
    one format, one writing inside the other's folder, would each take the other's files for
    its own past (a vault and a folder of it). Two jobs may share one writer (format, out and
    options alike): both write the state's one library there, each after reading its source
    (Kindle and Readwise into one vault), so each finds what the other wrote as its own."""
    seen: list[tuple[str, str, str, Path, object, int]] = []  # (real path, where, format, out, how, job)
    for index, job in enumerate(config.jobs):
        for number, writer in enumerate(job.writers):
            where = f"jobs[{index}].writers[{number}]"
            target = _real(writer.out, f"{where}: out")
            how = _written_as(writer)
            for other, other_where, other_format, other_out, other_how, other_job in seen:
                if target == other and how == other_how and other_job != index:
                    continue  # one writer, shared by two jobs
                if target == other:
                    raise ConfigError(f"{other_where} and {where} both write {writer.out}: they "
                                      "would overwrite each other; give each its own out (two jobs "
                                      "may share one writer: the same format and options)")
                if writer.format == other_format and (_inside(target, other) or _inside(other, target)):
                    inner, outer = ((writer.out, other_out) if _inside(target, other)
                                    else (other_out, writer.out))
                    raise ConfigError(f"{other_where} and {where} both write {writer.format}, {inner} inside "
                                      f"{outer}: each would take the other's files for its own; "
                                      "give them folders side by side")
            seen.append((target, where, writer.format, writer.out, how, index))


def _written_as(writer: WriterConfig) -> object:
    """How ``writer`` writes: its format and options (defaults filled in; as given where the
    format is unknown, which the check of options reports)."""
    try:
        return writer.format, registry.writer(writer.format).from_options(writer.options).options
    except ExcerptaError:
        return writer.format, writer.options


def _check_sources(config: Config) -> None:
    """Jobs reading one input share the state's library and that input's read cursor: read
    with other options (another time zone, discarded highlights kept), each would undo the
    other's (every Readwise pull would be a full one). Options are compared as the reader
    takes them (defaults filled in), its format as detected where not given."""
    seen: dict[str, tuple[str, object]] = {}  # input as read: (where, how)
    for index, job in enumerate(config.jobs):
        where = f"jobs[{index}].source"
        source = job.source
        text = source.input.strip()
        key = text.lower() if text.endswith(":") else _real(Path(text), f"{where}: input")
        how = _read_as(source)
        other_where, other = seen.setdefault(key, (where, how))
        if other != how:
            raise ConfigError(f"{other_where} and {where} both read {source.input} but with another "
                              "format or options: they share one library and read cursor, so each "
                              "would undo the other's; give them the same, or make one job of both "
                              "with all the writers")


def _read_as(source: SourceConfig) -> object:
    """How ``source`` is read: its reader's name and options (as given, where the format is
    neither given nor detected now)."""
    try:
        reader = (registry.reader(source.format) if source.format is not None
                  else registry.detect_reader(InputProbe.of(source.input)))
        return reader.name, reader.from_options(source.options).options
    except (ExcerptaError, OSError):
        return source.format, source.options


def _real(path: Path, where: str) -> str:
    """``path`` as the file it names, however spelled (``~/x.json``, ``./x.json``, ``a/../x.json``,
    a link); raises ConfigError for ``~someone`` who is no user here."""
    try:
        return os.path.normcase(os.path.realpath(path.expanduser()))
    except RuntimeError:
        raise ConfigError(f"{where} {path}: no such user's home folder") from None


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _format_hint(source: str) -> str:
    # Options are checked against one reader now; a reader detected at run time could be
    # another (the file changed, or is not there yet), so the format must be named.
    try:
        name = registry.detect_reader(InputProbe.of(source)).name
    except (ExcerptaError, OSError):
        return ': add format = "…" (see `excerpta formats`)'
    return f': add format = "{name}" (detected from {source} now)'


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of the file at ``path`` and what it parses to."""
    try:
        data = path.expanduser().read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read ({err.strerror})") from None
    try:  # a byte order mark (Notepad writes one) is no TOML, and says nothing: left out
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ConfigError(f"{path}: line {line}: not UTF-8 text (byte 0x{data[err.start]:02x} at "
                          f"offset {err.start}); save the file as UTF-8") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except RecursionError:  # tomllib parses arrays and tables by recursion
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None


def load_config(path: Path) -> Config:
    """Read and validate the TOML file at ``path``; raises ConfigError naming file and key."""
    text, raw = _read_toml(path)
    try:
        config = Config.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(f"{path}: {placed(describe(err), text, raw)}") from None
    try:
        _check_adapters(config)
        _check_outputs(config)
        _check_sources(config)
    except ExcerptaError as err:
        raise ConfigError(f"{path}: {placed(str(err), text, raw)}") from None
    return config
