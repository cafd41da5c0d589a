"""``excerpta readwise …``: commands about the Readwise account (``readwise check``)."""

from __future__ import annotations

import click

from excerpta.cli.app import cli, global_options
from excerpta.clients.pacing import RetryPolicy
from excerpta.clients.readwise import ReadwiseClient
from excerpta.clients.readwise_settings import API_URL_ENV, ReadwiseSettings

# A check is one request: report what happened instead of retrying it.
CHECK_POLICY = RetryPolicy(max_attempts=1, max_rate_limited=0,
                           then=f"check {API_URL_ENV} and the network, then try again")


@cli.group()
def readwise() -> None:
    """Readwise account commands (the `readwise:` input reads the API export)."""


@readwise.command()
@global_options
def check() -> None:
    """Check the Readwise token and API URL with one request.

    The token comes from READWISE_TOKEN or from the file named by READWISE_TOKEN_FILE; the
    API URL from READWISE_API_URL (default https://readwise.io). Exit codes: 0 accepted (HTTP 204),
    2 no or malformed token or URL, 3 rejected token, unreachable API, or an
    API URL that answers otherwise (a redirect names the URL to use).
    """
    settings = ReadwiseSettings.from_env()
    with ReadwiseClient(settings, policy=CHECK_POLICY) as client:
        client.check_auth()
    click.echo(f"Readwise token accepted by {settings.api_url}")

