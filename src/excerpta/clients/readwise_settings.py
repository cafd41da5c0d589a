"""Where the Readwise client connects and with what token: from the environment or a file.

``READWISE_TOKEN`` (the token itself) or ``READWISE_TOKEN_FILE`` (a file holding it, e.g. a
systemd credential); ``READWISE_API_URL`` (default ``https://readwise.io``, a local fake
server in tests). The token is a ``SecretStr`` from here to the ``Authorization`` header and
``hide_input_in_errors`` keeps it out of validation errors: it never reaches a log line, a
message, a repr or a file. How is generic (:mod:`excerpta.clients.api_settings`); this
module names Readwise's variables and URLs.
"""

from __future__ import annotations

from typing import ClassVar

from excerpta.clients import api_settings
from excerpta.clients.api_settings import ApiSettings, Service, named_as

__all__ = ["API_PREFIX", "API_URL_ENV", "DEFAULT_API_URL", "READWISE", "TOKEN_ENV", "TOKEN_FILE_ENV",
           "TOKEN_PAGE", "ReadwiseSettings", "check_api_url", "named_as"]

TOKEN_ENV = "READWISE_TOKEN"
TOKEN_FILE_ENV = "READWISE_TOKEN_FILE"
API_URL_ENV = "READWISE_API_URL"
DEFAULT_API_URL = "https://readwise.io"
API_PREFIX = "/api/v2"  # of every endpoint's path, added by the client
TOKEN_PAGE = "https://readwise.io/access_token"
READWISE = Service(name="Readwise", token_env=TOKEN_ENV, token_file_env=TOKEN_FILE_ENV,
                   api_url_env=API_URL_ENV, default_api_url=DEFAULT_API_URL, token_page=TOKEN_PAGE,
                   api_prefix=API_PREFIX, auth_scheme="Token")


class ReadwiseSettings(ApiSettings):
    """Connection settings of :class:`~excerpta.clients.readwise.ReadwiseClient`."""

    service: ClassVar[Service] = READWISE


def check_api_url(value: str) -> str:
    """A Readwise API URL as the client uses it; see :func:`excerpta.clients.api_settings.check_api_url`."""
    return api_settings.check_api_url(value, READWISE)
