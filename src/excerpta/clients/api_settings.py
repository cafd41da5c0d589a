"""Where a client of a token-authenticated API connects and with what token: generic over the
service (Readwise, Hypothesis), each named by a :class:`Service`.

The token comes from ``<SERVICE>_TOKEN`` (the token itself) or ``<SERVICE>_TOKEN_FILE`` (a
file holding it, e.g. a systemd credential; a file other users may read is warned of); the
API URL from ``<SERVICE>_API_URL`` (https only, except to this machine: a local fake server
in tests). The token is a ``SecretStr`` from here to the ``Authorization`` header and
``hide_input_in_errors`` keeps it out of validation errors: it never reaches a log line, a
message, a repr or a file. Every error is a :class:`~excerpta.errors.ConfigError` naming the
variable to fix.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from excerpta.errors import ConfigError
from excerpta.validation import describe

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_ANSWER_DEADLINE = 300.0
DEFAULT_READ_TIMEOUT = 60.0  # export pages can be large
# Of one answer, decoded: a real export page is a few MB; a server (or proxy) sending without
# end, or a small gzip body inflating to gigabytes, must not take the machine's memory.
DEFAULT_ANSWER_LIMIT = 256 << 20
BAD_TOKEN = ("holds characters a token cannot (smart quotes or spaces pasted?): "
             "a token is printable ASCII")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    """How one API is named to the user and reached: its name in messages, its environment
    variables, its default URL, where a token is made, the path prefix of its endpoints (added
    by the client, so dropped from a pasted URL) and the scheme of its ``Authorization``."""

    name: str
    token_env: str
    token_file_env: str
    api_url_env: str
    default_api_url: str
    token_page: str
    api_prefix: str
    auth_scheme: str


class ApiSettings(BaseModel):
    """Connection settings of an API client; a subclass names its :attr:`service`."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)
    service: ClassVar[Service]

    token: SecretStr = Field(min_length=8, max_length=200)
    api_url: str = Field(default="", validate_default=True)  # "": the service's default
    connect_timeout: float = Field(default=DEFAULT_CONNECT_TIMEOUT, gt=0)
    read_timeout: float = Field(default=DEFAULT_READ_TIMEOUT, gt=0)
    # A whole answer, however slowly it trickles in (read_timeout is per read: a server
    # sending a byte a minute would hold a run, or a daemon's job, without end).
    answer_deadline: float = Field(default=DEFAULT_ANSWER_DEADLINE, gt=0)
    answer_limit: int = Field(default=DEFAULT_ANSWER_LIMIT, gt=0)  # bytes, decoded

    @field_validator("token")
    @classmethod
    def _printable_token(cls, value: SecretStr) -> SecretStr:
        # It goes into an HTTP header, which takes ASCII only: smart quotes or a non-breaking
        # space pasted with it would otherwise fail deep inside httpx.
        if not all("!" <= ch <= "~" for ch in value.get_secret_value()):
            raise ValueError(BAD_TOKEN)
        return value

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return check_api_url(value or cls.service.default_api_url, cls.service)

    @classmethod
    def token_given(cls, environ: Mapping[str, str] | None = None) -> bool:
        """Whether a token is given at all, in its variable or as a token file (``environ``,
        default ``os.environ``): not whether it can be read, nor whether it is accepted."""
        env = os.environ if environ is None else environ
        return any(env.get(name, "").strip() for name in (cls.service.token_env, cls.service.token_file_env))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: float) -> Self:
        """Settings from ``environ`` (default ``os.environ``); ``overrides`` set timeouts.

        Raises ConfigError (without the token in it) when no token is configured, the token
        file cannot be read, or a value is invalid; the message names the variable to fix.
        """
        service = cls.service
        env = os.environ if environ is None else environ
        token, origin = read_token(service, env)
        try:
            api_url = env.get(service.api_url_env) or service.default_api_url
            return cls(token=SecretStr(token), api_url=api_url, **overrides)
        except ValidationError as err:
            field = err.errors(include_url=False)[0]["loc"][0]
            if field == "token":
                raise ConfigError(f"{origin} {_token_problem(err, service)}") from None
            if field == "api_url":
                raise ConfigError(f"{service.api_url_env} is {_first_message(err)}") from None
            raise ConfigError(f"{service.name} settings: {describe(err)}") from None


def read_token(service: Service, env: Mapping[str, str]) -> tuple[str, str]:
    """The token ``env`` gives ``service`` (``<SERVICE>_TOKEN``, else the file named by
    ``<SERVICE>_TOKEN_FILE``) as typed or saved, without a copied ``Token `` prefix, and where it
    came from, for messages. Raises ConfigError naming the variable when there is none or its
    file cannot be read."""
    token = bare_token(env.get(service.token_env, ""), service)
    origin = service.token_env
    if not token:
        token = _token_from_file(env.get(service.token_file_env, ""), service)
        origin = f"{_setting(service.token_file_env, env.get(service.token_file_env, ''))}: the file"
    if not token:
        raise ConfigError(f"no {service.name} token: set {service.token_env} or {service.token_file_env} "
                          f"(get a token at {service.token_page})")
    return token, origin


def check_api_url(value: str, service: Service) -> str:
    """``value`` without surrounding blanks, trailing slashes and a trailing API prefix
    (``/api/v2``: documentation writes URLs with it, and the client adds it to each path).

    Raises ValueError (a message that never repeats the URL, which may hold a password) unless
    it is an http(s) URL with a host and a valid port, as httpx will need it, without a user
    name or password, a query or a fragment, and ``http://`` only to this machine
    (``localhost``, 127.0.0.0/8, ``::1``).
    """
    value = value.strip().rstrip("/")
    if not value.lower().startswith(("https://", "http://")):
        raise ValueError("not a valid http(s) URL: it must start with https:// "
                         "(or http:// for a local server)")
    try:
        url = httpx.URL(value)
        valid = bool(url.host) and (url.port is None or 0 < url.port < 65536)
    except (httpx.InvalidURL, UnicodeError):
        valid = False
    if not valid:
        raise ValueError("not a valid http(s) URL")
    # It would be sent as Basic auth next to the token and shown in messages and the cursor.
    if url.userinfo:
        raise ValueError("a URL with a user name or password (user:password@) in it: remove it, "
                         f"the token is the only credential {service.name} takes")
    # A base URL has no use for them, and a "?token=…" would be shown in every message naming it.
    if "?" in value or "#" in value:
        raise ValueError("a URL with a query or fragment (?… or #…) in it: give only the scheme, "
                         "host and port (a secret there would be shown in messages)")
    # The token goes in a header of every request: over plain http only to this machine.
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ValueError("http:// to a host other than this machine: the token would travel in "
                         "clear text; use https:// (http:// is for a local server only)")
    if _TOKEN_RUN.search(url.path):  # shown in every message naming the URL
        raise ValueError("a URL with what looks like a token in its path: give only the scheme, "
                         f"host and port; the token goes in {service.token_env} or a token file")
    prefix = service.api_prefix
    if prefix + "/" in url.path:  # an endpoint's URL (…/api/v2/export/) pasted whole
        raise ValueError(f"a URL with a path after {prefix}: give the part before {prefix} "
                         f"(such as {service.default_api_url})")
    return value.removesuffix(prefix).rstrip("/")


def _is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ``::1``)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return False


def _first_message(err: ValidationError) -> str:
    # Never the input: for the token it is the secret (hide_input_in_errors covers str(err) only).
    return str(err.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")


def _token_problem(err: ValidationError, service: Service) -> str:
    kind = err.errors(include_url=False)[0]["type"]
    if kind in ("too_short", "string_too_short"):
        return f"is too short to be a {service.name} token"
    if kind in ("too_long", "string_too_long"):
        return f"is too long to be a {service.name} token"
    return _first_message(err)


# How messages name a variable whose value came from elsewhere (the configuration file's
# [readwise] table, see excerpta.jobs), while a job runs: the user set that, not the variable.
_NAMED_AS: ContextVar[Mapping[str, str] | None] = ContextVar("api_settings_named_as", default=None)


@contextmanager
def named_as(names: Mapping[str, str]) -> Iterator[None]:
    """Within the ``with`` block, messages call each variable of ``names`` by its value there
    (``{"READWISE_TOKEN_FILE": "[readwise] token_file"}``)."""
    reset = _NAMED_AS.set(names)
    try:
        yield
    finally:
        _NAMED_AS.reset(reset)


def _setting(variable: str, value: str) -> str:
    """``READWISE_TOKEN_FILE=/x``, or ``[readwise] token_file /x`` where it came from there."""
    named = (_NAMED_AS.get() or {}).get(variable)
    return f"{variable}={value}" if named is None else f"{named} {value}"


# A token pasted where its file's path goes: one word of letters and digits, as long as one.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}")
# Such a word, with four letters and four digits in it at least, inside a longer value
# (`Bearer <token>`, the token with a "." or "/" after it): a file or folder name seldom is one.
_TOKEN_RUN = re.compile(r"(?=(?:[A-Za-z_-]*[0-9]){4})(?=(?:[0-9_-]*[A-Za-z]){4})[A-Za-z0-9_-]{20,}")


def _shown(name: str) -> str:
    """The token file's name ``name`` as messages show it: a word in it that may be the token
    pasted there is hidden (the message reaches the run log and the daemon's journal)."""
    return _TOKEN_RUN.sub(lambda word: f"[{len(word.group())} characters hidden: a token?]", name)


def _token_from_file(name: str, service: Service) -> str:
    """The token in the file named ``name`` (stripped; "" for no name). Raises ConfigError
    naming the setting when there is no such file or it cannot be read; a name that looks like
    a token itself is not repeated (it would reach the run log and the daemon's journal)."""
    if not name.strip():
        return ""
    path = Path(name).expanduser()
    variable = service.token_file_env
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        # (as pasted: with its "Token " prefix, quotes, or a typed "\n" too)
        if _TOKEN_LIKE.fullmatch(bare_token(name.strip().strip("'\"").removesuffix("\\n"), service)):
            setting = (_NAMED_AS.get() or {}).get(variable, variable)
            raise ConfigError(f"{setting}: no such file, and its value looks like a token itself (not "
                              f"repeated here): put the token in {service.token_env}, or in a file and "
                              "give that file's path") from None
        raise ConfigError(f"{_setting(variable, _shown(name))}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
        raise ConfigError(f"{_setting(variable, _shown(name))}: cannot read ({reason})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s: readable by other users; chmod 600 it", path)
    if not bare_token(text, service):
        raise ConfigError(f"{_setting(variable, _shown(name))}: the file is empty (put the token "
                          f"in it; get one at {service.token_page})")
    return bare_token(text, service)


def bare_token(token: str, service: Service) -> str:
    """``token`` as typed or saved, without what comes with it: surrounding blanks, the BOM an
    editor saves ("UTF-8 with BOM"), the ``Token `` (``Bearer ``) of a copied Authorization
    header."""
    token = token.strip().removeprefix("\ufeff").strip()
    scheme = f"{service.auth_scheme.lower()} "
    return token[len(scheme):].strip() if token[:len(scheme)].lower() == scheme else token
