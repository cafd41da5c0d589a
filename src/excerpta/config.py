"""The configuration file (TOML): state location, jobs with a source, writers and a schedule.

``config/excerpta.example.toml`` documents every key. Secrets never live here: the Readwise
token comes from ``READWISE_TOKEN`` or a token file named by ``readwise.token_file``.
:func:`load_config` validates everything (including format names and option values against
the adapters' option models, and what jobs share: :mod:`excerpta.config_checks`), with the
environment variables of its paths expanded (:mod:`excerpta.config_variables`), and raises
ConfigError with one line naming file and key.
"""

from __future__ import annotations

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
from excerpta.clients import api_settings
from excerpta.clients.hypothesis import DEFAULT_API_URL as HYPOTHESIS_API_URL
from excerpta.clients.hypothesis import HYPOTHESIS
from excerpta.clients.readwise_settings import check_api_url
from excerpta.config_checks import check_adapters, check_outputs, check_sources
from excerpta.config_places import placed
from excerpta.config_variables import expand_paths
from excerpta.crontab import cron_trigger
from excerpta.errors import ConfigError, ExcerptaError
from excerpta.ingest.settings import DEFAULT_LISTEN, parse_listen
from excerpta.input_files import EMPTY_INPUT
from excerpta.output_targets import named_as_folder, service_mismatch
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


class HypothesisConfig(_Section):
    """Hypothesis API settings (the ``hypothesis:`` input); the token is never written here."""

    base_url: str = HYPOTHESIS_API_URL
    token_file: FilePath | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return api_settings.check_api_url(value, HYPOTHESIS)


class IngestConfig(_Section):
    """The ``[ingest]`` table: the daemon serves the ingest endpoint (see
    :mod:`excerpta.ingest.settings`) when the configuration has it."""

    listen: str = DEFAULT_LISTEN
    token_file: FilePath | None = None
    inbox: FilePath | None = None

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        parse_listen(value)
        return value.strip()


class Config(_Section):
    """The whole configuration file."""

    state: FilePath | None = None
    readwise: ReadwiseConfig = Field(default_factory=ReadwiseConfig)
    hypothesis: HypothesisConfig = Field(default_factory=HypothesisConfig)
    ingest: IngestConfig | None = None  # the daemon serves the ingest endpoint when it is there
    jobs: list[JobConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_job_names(self) -> Config:
        names = [job.name for job in self.jobs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"job names must be unique: {', '.join(duplicates)}")
        return self


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
        config = Config.model_validate(expand_paths(raw))
    except ConfigError as err:
        raise ConfigError(f"{path}: {placed(str(err), text, raw)}") from None
    except ValidationError as err:
        raise ConfigError(f"{path}: {placed(describe(err), text, raw)}") from None
    try:
        check_adapters(config)
        check_outputs(config)
        check_sources(config)
    except ExcerptaError as err:
        raise ConfigError(f"{path}: {placed(str(err), text, raw)}") from None
    return config
