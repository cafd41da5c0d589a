"""A small client of the Readwise API v2: it knows HTTP and the API, not our model.

``check_auth()`` validates the token; ``export(...)`` yields the pages of ``/api/v2/export/``
as plain dicts (the mapping to the canonical model is :mod:`excerpta.readwise.mapping`);
``create_highlights(...)`` posts highlights to ``/api/v2/highlights/`` (the ``readwise`` writer).

Retries, pacing and answer limits are :class:`~excerpta.clients.api_client.ApiClient`'s
(429 waits ``Retry-After``; 5xx, transport errors and malformed bodies are retried with
backoff; 401/403 and redirects are fatal); what is Readwise's own:

* a malformed body is also one that is not the export envelope (``results`` and
  ``nextPageCursor``);
* a 400, 413 or 422 to a POST is :class:`Rejected` (a FatalSourceError) with what the server
  said of the body. A POST is retried as a GET is: creating highlights is idempotent (a highlight posted
  twice with its ``highlight_url`` is updated, not duplicated);
* an auth check answered with anything but 204: fatal, as the API URL is not Readwise's;
* a page cursor seen twice (a pagination loop), or far more books than the export counted
  with still more pages to come: FatalSourceError instead of a hang (:mod:`.paging`);
* every request first takes a slot of the client-side :class:`RateBudget` (< 240/min).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from excerpta.clients.api_client import ApiClient
from excerpta.clients.api_settings import Service
from excerpta.clients.pacing import RateBudget
from excerpta.clients.paging import PageGuard
from excerpta.clients.readwise_settings import API_URL_ENV, READWISE
from excerpta.clients.responses import created_books, date_header, export_body
from excerpta.errors import ExcerptaError, FatalSourceError

AUTH_PATH = "/api/v2/auth/"
EXPORT_PATH = "/api/v2/export/"
HIGHLIGHTS_PATH = "/api/v2/highlights/"
SAID_OF_REJECTION = 300  # characters of a refusal's body a message shows
REFUSALS = (400, 413, 422)  # a POST's body refused: invalid, too large, unprocessable
MAX_IDS_PER_REQUEST = 100  # longer ids= lists risk HTTP 414 (reference: readwise.md §1.4)
REQUESTS_PER_MINUTE = 240  # Readwise's documented limit of /api/v2/export/ per token
# A full pull of ~50k highlights (~50 pages) fits in the burst; longer pulls settle at 175/min.
# Any 60 s window holds at most 235 requests, under the 240.
BURST = 60
PER_MINUTE = 175.0


@dataclass(frozen=True)
class ExportPage:
    """One page of ``/api/v2/export/``: its books, the next cursor, and the server's clock."""

    results: list[dict[str, Any]]
    next_cursor: int | str | None
    count: int | None
    server_date: datetime | None


class Rejected(FatalSourceError):
    """Readwise refused a request's body (HTTP 400, 413 or 422): sending it again would fail
    again; a part of it may pass."""


class ReadwiseClient(ApiClient):
    """Readwise API v2 over httpx; use as a context manager or call :meth:`close`."""

    service: ClassVar[Service] = READWISE
    answer_said: ClassVar[str] = "an export page is a few MB"

    @classmethod
    def default_budget(cls) -> RateBudget:
        # Looked up in this module at each call: benchmarks/readwise_send.py swaps in an unpaced one.
        return RateBudget(per_minute=PER_MINUTE, burst=BURST, limit_per_minute=REQUESTS_PER_MINUTE)

    def check_auth(self) -> None:
        """One ``GET /api/v2/auth/``: returns if the token is accepted (204, and only 204).

        Raises FatalSourceError for a rejected token or any other answer (a redirect, a web
        page: not the Readwise API), RetriableSourceError if unreachable.
        """
        response, _ = self._request(AUTH_PATH, {})
        if response.status_code != 204:
            raise FatalSourceError(f"unexpected answer HTTP {response.status_code} to GET {AUTH_PATH} at "
                                   f"{self.api_url} (expected 204): is {API_URL_ENV} the Readwise API?")

    def export(self, *, updated_after: datetime | None = None, ids: Sequence[int | str] | None = None,
               include_deleted: bool = False) -> Iterator[ExportPage]:
        """Yield every page of ``/api/v2/export/`` for these filters, following ``pageCursor``.

        ``ids`` (user_book_ids) are sent in chunks of at most 100, each chunk paginated.
        Raises the errors listed in the module docstring.
        """
        params: dict[str, str] = {}
        if updated_after is not None:
            params["updatedAfter"] = updated_after.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if include_deleted:
            params["includeDeleted"] = "true"
        if ids is None:
            yield from self._pages(params)
            return
        wanted = [str(i) for i in ids]
        for start in range(0, len(wanted), MAX_IDS_PER_REQUEST):
            chunk = wanted[start:start + MAX_IDS_PER_REQUEST]
            yield from self._pages({**params, "ids": ",".join(chunk)})

    def create_highlights(self, highlights: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """``POST /api/v2/highlights/`` with ``highlights`` (the API's CREATE fields); returns
        the books the answer lists. Raises :class:`Rejected` for a body Readwise refuses (a
        field too long), else the errors listed in the module docstring."""
        _, books = self._request(HIGHLIGHTS_PATH, {}, parse=created_books,
                                 body={"highlights": list(highlights)})
        return books

    def _pages(self, params: dict[str, str]) -> Iterator[ExportPage]:
        guard = PageGuard(self.api_url, "Readwise export", "books", "page cursor")
        cursor: int | str | None = None
        while True:
            page_params = params if cursor is None else {**params, "pageCursor": str(cursor)}
            response, data = self._request(EXPORT_PATH, page_params, parse=export_body)
            page = ExportPage(results=data["results"], next_cursor=data.get("nextPageCursor"),
                              count=data.get("count"), server_date=date_header(response))
            guard.check(len(page.results), page.count, page.next_cursor)
            yield page
            cursor = page.next_cursor
            if cursor is None or cursor == "":
                return

    def _refusal(self, method: str, path: str, response: httpx.Response,
                 body: dict[str, Any] | None) -> ExcerptaError | None:
        if response.status_code in REFUSALS and body is not None:
            said = response.text.strip().replace("\n", " ")[:SAID_OF_REJECTION]
            return Rejected(f"Readwise refused POST {path} (HTTP {response.status_code}): "
                            f"{said or 'no reason given'}")
        return None
