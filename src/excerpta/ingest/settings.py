"""Where the ingest endpoint listens, the token it takes and the inbox it writes.

The ``[ingest]`` table of the configuration (:class:`IngestConfig`), or the ``excerpta ingest
serve`` options, say where it listens (``listen = "127.0.0.1:8765"``: this machine only,
the default; ``0.0.0.0:8765`` for a phone on the same network) and which inbox it writes.

The token is never in the configuration file: ``EXCERPTA_INGEST_TOKEN`` (the token itself),
else the file ``EXCERPTA_INGEST_TOKEN_FILE`` names, else ``[ingest] token_file``, else
``ingest-token`` in excerpta's configuration folder, where ``excerpta ingest token`` saves a
new one. A token of fewer than :data:`MIN_TOKEN_LENGTH` characters is refused: the endpoint
may listen on a network, and the token is all that keeps others' highlights out of the
user's notes. It stays a ``SecretStr``: never in a log line, a message or a repr.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_config_path
from pydantic import SecretStr

from excerpta.clients.api_settings import Service, bare_token, named_as, read_token
from excerpta.errors import ConfigError
from excerpta.ingest.inbox import default_inbox_path

TOKEN_ENV = "EXCERPTA_INGEST_TOKEN"
TOKEN_FILE_ENV = "EXCERPTA_INGEST_TOKEN_FILE"
TOKEN_FILE_NAME = "ingest-token"
DEFAULT_LISTEN = "127.0.0.1:8765"
MIN_TOKEN_LENGTH = 16
MAX_TOKEN_LENGTH = 200
log = logging.getLogger(__name__)
SERVICE = Service(name="excerpta ingest", token_env=TOKEN_ENV, token_file_env=TOKEN_FILE_ENV,
                  api_url_env="", default_api_url="", token_page="`excerpta ingest token`",
                  api_prefix="/api/v2", auth_scheme="Token")


def parse_listen(value: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:8765`` for an IPv6 address) as a host and a port (0: any free
    one); raises ValueError saying what is expected."""
    text = value.strip()
    host, colon, port = text.rpartition(":")
    bracketed = host.startswith("[") and host.endswith("]") and len(host) > 2
    if bracketed:
        host = host[1:-1]
    if not colon or not host or not port.isdigit() or not port.isascii() or int(port) > 65535 \
            or (":" in host) != bracketed or "[" in host or "]" in host:
        raise ValueError(f"expected host:port such as {DEFAULT_LISTEN} (or 0.0.0.0:8765 for other "
                         f"machines of your network; an IPv6 address as [::1]:8765), got {value!r}")
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"{host!r} is no IPv6 address (write one as [::1]:8765)") from None
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class IngestSettings:
    """What a server needs: where to listen, the token, the inbox, the largest body taken."""

    host: str
    port: int
    token: SecretStr
    inbox: Path
    max_body: int = 32 << 20
    token_file: Path | None = None  # where the token was read from (None: the environment)


class TokenKeeper:
    """The token a server takes: ``settings``'s, read again from its file when that changes
    (``excerpta ingest token --new`` takes effect at once: the old token is refused from the
    next request on, without a restart). A file changed into no valid token keeps the one
    before, with a warning."""

    def __init__(self, settings: IngestSettings) -> None:
        self._token = settings.token
        self._file = settings.token_file
        self._stamp = _stamp(self._file)
        self._lock = threading.Lock()

    def accepts(self, given: str) -> bool:
        """Whether ``given`` is the token (in constant time: no timing tells its prefix)."""
        if self._file is not None and (stamp := _stamp(self._file)) != self._stamp:
            self._reread(stamp)
        return hmac.compare_digest(given.encode("utf-8", "replace"), self._token.get_secret_value().encode())

    def _reread(self, stamp: tuple[int, int] | None) -> None:
        with self._lock:
            self._stamp = stamp
            assert self._file is not None
            try:
                text = self._file.read_text(encoding="utf-8")
                self._token = SecretStr(checked_token(bare_token(text, SERVICE), f"{self._file}: the file"))
            except (OSError, UnicodeDecodeError, ConfigError) as err:
                log.warning("ingest: the token file changed and holds no token now (%s); the token "
                            "read before is still taken", err if isinstance(err, ConfigError) else
                            getattr(err, "strerror", None) or "not UTF-8 text")


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        found = path.stat() if path is not None else None
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size) if found is not None else None


def checked_token(token: str, origin: str) -> str:
    """``token`` if it can be an ingest token; raises ConfigError naming ``origin`` otherwise."""
    if not all("!" <= character <= "~" for character in token):
        raise ConfigError(f"{origin} holds characters a token cannot (smart quotes or spaces "
                          "pasted?): a token is printable ASCII")
    if not MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH:
        raise ConfigError(f"{origin} is {len(token)} characters long: an ingest token has "
                          f"{MIN_TOKEN_LENGTH} to {MAX_TOKEN_LENGTH} (`excerpta ingest token` makes one)")
    return token


def default_token_file() -> Path:
    """Where ``excerpta ingest token`` saves a token: ``ingest-token`` in the config folder."""
    return user_config_path("excerpta", appauthor=False) / TOKEN_FILE_NAME


def load_settings(*, listen: str | None = None, inbox: Path | None = None,
                  configured_listen: str = DEFAULT_LISTEN, token_file: Path | None = None,
                  configured_inbox: Path | None = None,
                  environ: Mapping[str, str] | None = None) -> IngestSettings:
    """Settings from the configuration's ``[ingest]`` table (``configured_listen``,
    ``token_file``, ``configured_inbox``) and the environment, ``listen``/``inbox`` given on
    the command line overriding them; raises ConfigError naming what to fix (never showing the
    token)."""
    env = dict(os.environ if environ is None else environ)
    names: dict[str, str] = {}
    if not env.get(TOKEN_ENV, "").strip() and not env.get(TOKEN_FILE_ENV, "").strip():
        if token_file is not None:
            env[TOKEN_FILE_ENV] = str(token_file.expanduser())
            names[TOKEN_FILE_ENV] = "[ingest] token_file"
        elif default_token_file().is_file():
            env[TOKEN_FILE_ENV] = str(default_token_file())
        else:
            raise ConfigError(f"no ingest token: run `excerpta ingest token` to make one (saved in "
                              f"{default_token_file()}), or set {TOKEN_ENV} or {TOKEN_FILE_ENV}")
    with named_as(names):
        token, origin = read_token(SERVICE, env)
    checked_token(token, origin)
    from_file = None if env.get(TOKEN_ENV, "").strip() else Path(env[TOKEN_FILE_ENV]).expanduser()
    try:
        host, port = parse_listen(listen if listen is not None else configured_listen)
    except ValueError as err:
        raise ConfigError(f"{'--listen' if listen is not None else '[ingest] listen'}: {err}") from None
    where = inbox or default_inbox_path(env, configured_inbox)
    return IngestSettings(host=host, port=port, token=SecretStr(token), inbox=where.expanduser(),
                          token_file=from_file)


def new_token() -> str:
    """A new random token: 24 characters of letters, digits, ``-`` and ``_`` (144 bits),
    short enough to type on a phone."""
    return secrets.token_urlsafe(18)
