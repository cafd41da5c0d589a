"""Reading an API response for the clients (:mod:`excerpta.clients.api_client`): a JSON body
(Readwise's export envelope checked), its headers, and the few words a log line or message
shows of a request or failure (never the token, which travels in a header)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from excerpta import json_load
from excerpta.clients.api_settings import Service


class Malformed(ValueError):
    """A 2xx response whose body is not the JSON the API promises."""


def json_body(response: httpx.Response) -> Any:
    """The JSON of ``response``'s body; Malformed if it is not JSON."""
    try:  # json_load: a huge number or deep nesting is malformed too, a lone surrogate repaired
        return json_load.loads(response.content)
    except (json_load.JsonTextError, UnicodeDecodeError) as err:
        raise Malformed(str(err) if isinstance(err, json_load.JsonTextError) else "malformed JSON") from None


def export_body(response: httpx.Response) -> dict[str, Any]:
    """A Readwise export page: ``results`` (a list) and ``nextPageCursor``; else Malformed."""
    data = json_body(response)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise Malformed('JSON without a "results" list')
    # The envelope always has the key (null on the last page, reference §1.4): without it a
    # truncated or foreign body would silently end the pull early.
    if "nextPageCursor" not in data:
        raise Malformed('JSON without "nextPageCursor"')
    cursor = data["nextPageCursor"]
    if cursor is not None and (isinstance(cursor, bool) or not isinstance(cursor, int | str)):
        raise Malformed('"nextPageCursor" neither a number, a string nor null')
    return data


def created_books(response: httpx.Response) -> list[dict[str, Any]]:
    """The books of an answer to ``POST /api/v2/highlights/``: a JSON list of objects."""
    data = json_body(response)
    if not isinstance(data, list) or not all(isinstance(book, dict) for book in data):
        raise Malformed("JSON that is not a list of books")
    return data


def media_type(response: httpx.Response) -> str:
    """The response's media type, lower-cased without parameters (``"text/html"``)."""
    return response.headers.get("Content-Type", "").partition(";")[0].strip().lower()


def date_header(response: httpx.Response) -> datetime | None:
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else None


def loggable(params: dict[str, str]) -> str:
    """Query parameters for a log line, with a long ``ids`` list shortened."""
    shown = dict(params)
    if "ids" in shown and len(shown["ids"]) > 40:
        shown["ids"] = f"<{shown['ids'].count(',') + 1} ids>"
    return " ".join(f"{k}={v}" for k, v in shown.items())


def redirect_message(api_url: str, method: str, path: str, response: httpx.Response,
                     service: Service) -> str:
    """What to do about a redirect of ``method`` ``path`` at ``api_url`` (``service``'s): the
    URL to use instead when the target is recognisable."""
    api_url_env, named = service.api_url_env, f"the {service.name} API"
    status = response.status_code
    start = f"{method} {path} at {api_url} is redirected (HTTP {status})"
    location = response.headers.get("Location", "")
    try:
        target = response.url.join(location).copy_with(query=None, fragment=None)
    except (httpx.InvalidURL, UnicodeError):
        target = None
    if not location or target is None:
        return f"{start} without a valid target: is {api_url_env} {named}?"
    if target.path.endswith(path):
        base = str(target.copy_with(path=target.path[:-len(path)] or "/")).rstrip("/")
        return f"{start} to {str(target)[:200]}: set {api_url_env} to {base[:200]}"
    return f"{start} to {str(target)[:200]}: is {api_url_env} {named}?"


def shown_url(url: httpx.URL) -> str:
    """The URL of a request for a message: in full (it never holds the token, which travels in
    a header), or without its query when a long ``ids`` list would swamp the line."""
    return str(url) if len(str(url)) <= 200 else f"{url.copy_with(query=None)}?…"


def transport_problem(err: httpx.TransportError) -> str:
    """``ConnectError: connection refused``: the error's kind, and the operating system's
    reason when one caused it (the URL in it is the API URL, which holds no secret)."""
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return f"{type(err).__name__}: {cause.strerror[:1].lower()}{cause.strerror[1:]}"
        cause = cause.__cause__ or cause.__context__
    reason = str(err).strip()
    return f"{type(err).__name__}: {reason[:200]}" if reason else type(err).__name__
