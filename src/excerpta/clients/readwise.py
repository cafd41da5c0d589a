"""A small client of the Readwise API v2: it knows HTTP and the API, not our model.

``check_auth()`` validates the token; ``export(...)`` yields the pages of ``/api/v2/export/``
as plain dicts (the mapping to the canonical model is :mod:`excerpta.readwise.mapping`);
``create_highlights(...)`` posts highlights to ``/api/v2/highlights/`` (the ``readwise`` writer).

Failure handling, per request (see :mod:`excerpta.clients.pacing` for the numbers):

* 429: wait ``Retry-After`` (seconds or HTTP-date, plus jitter) and retry; when it asks for
  longer than the cap or the wait budget left, RetriableSourceError at once naming the time;
* 5xx, connection errors, timeouts, a malformed body (not JSON, not the export envelope with
  ``results`` and ``nextPageCursor``, or not the gzip/deflate its ``Content-Encoding`` says):
  exponential backoff with full jitter, at most ``max_attempts`` tries, then
  :class:`~excerpta.errors.RetriableSourceError`;
* 401/403: :class:`~excerpta.errors.FatalSourceError` naming the fix; 400, 413 or 422 to a
  POST: :class:`Rejected` (a FatalSourceError) with what the server said of the body; other 4xx:
  fatal too. A POST is retried as a GET is: creating highlights is idempotent (a highlight
  posted twice with its ``highlight_url`` is updated, not duplicated);
* a redirect (3xx), an HTML page, or an auth check answered with anything but 204: fatal, as
  the API URL is not the Readwise API (a redirect names where it points: use that URL);
* a page cursor seen twice (a pagination loop), or far more books than the export counted
  with still more pages to come: FatalSourceError instead of a hang (:mod:`.paging`);
* every request first takes a slot of the client-side :class:`RateBudget` (< 240/min).

All waits go through the injected ``sleep`` (default: interruptible by a ``threading.Event``),
time through the injected ``clock`` (monotonic) and ``now`` (wall clock); the transport is
injectable, so tests use respx or a local fake server and never sleep for real.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from excerpta import __version__
from excerpta.clients.pacing import InterruptibleSleep, RateBudget, RetryPolicy
from excerpta.clients.paging import PageGuard
from excerpta.clients.readwise_settings import (
    API_URL_ENV,
    DEFAULT_API_URL,
    TOKEN_ENV,
    TOKEN_FILE_ENV,
    TOKEN_PAGE,
    ReadwiseSettings,
)
from excerpta.clients.responses import (
    Malformed,
    created_books,
    date_header,
    export_body,
    loggable,
    media_type,
    redirect_message,
    shown_url,
    transport_problem,
)
from excerpta.errors import FatalSourceError, RetriableSourceError

AUTH_PATH = "/api/v2/auth/"
EXPORT_PATH = "/api/v2/export/"
HIGHLIGHTS_PATH = "/api/v2/highlights/"
SAID_OF_REJECTION = 300  # characters of a refusal's body a message shows
REFUSALS = (400, 413, 422)  # a POST's body refused: invalid, too large, unprocessable
MAX_IDS_PER_REQUEST = 100  # longer ids= lists risk HTTP 414 (reference: readwise.md §1.4)
WRITE_TIMEOUT = 30.0
POOL_TIMEOUT = 10.0
SAID_WAIT_S = 5.0  # a wait Readwise asks for this long or longer is a warning, not a -v line

log = logging.getLogger(__name__)


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


def _system_now() -> datetime:
    return datetime.now(UTC)


class ReadwiseClient:
    """Readwise API v2 over httpx; use as a context manager or call :meth:`close`."""

    def __init__(self, settings: ReadwiseSettings, *, transport: httpx.BaseTransport | None = None,
                 policy: RetryPolicy | None = None, budget: RateBudget | None = None,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] = _system_now,
                 sleep: Callable[[float], None] | None = None,
                 rand: Callable[[], float] = random.random) -> None:
        self.api_url = settings.api_url
        self.policy = policy or RetryPolicy()
        self.budget = budget or RateBudget()
        self._clock, self._now, self._rand = clock, now, rand
        self._sleep = sleep or InterruptibleSleep()
        self.waited = 0.0  # seconds spent waiting (retries and pacing), for reports
        self.requests = 0
        self._answered = False  # a JSON answer came: the URL is the API's
        self._answer_deadline = settings.answer_deadline
        self._answer_limit = settings.answer_limit
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                write=WRITE_TIMEOUT, pool=POOL_TIMEOUT)
        self._http = httpx.Client(
            base_url=settings.api_url, transport=transport, timeout=timeout,
            headers={"Authorization": f"Token {settings.token.get_secret_value()}",
                     "User-Agent": f"excerpta/{__version__}", "Accept": "application/json"},
        )

    def __repr__(self) -> str:
        return f"ReadwiseClient({self.api_url!r})"

    def __enter__(self) -> ReadwiseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

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
        guard = PageGuard(self.api_url)
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

    def _request(self, path: str, params: dict[str, str],
                 parse: Callable[[httpx.Response], Any] | None = None,
                 body: dict[str, Any] | None = None) -> tuple[httpx.Response, Any]:
        method = "GET" if body is None else "POST"
        failures = 0
        rate_limited = 0
        while True:
            self._wait(self.budget.reserve(self._clock()), "pacing")
            self.requests += 1
            try:
                response = self._send(method, path, params, body)
            except httpx.TransportError as err:  # connection errors, timeouts, dropped connections
                failures += 1
                self._after_failure(method, path, failures, transport_problem(err))
                continue
            except httpx.DecodingError:  # a body that is not the gzip/deflate it claims: malformed
                failures += 1
                self._after_failure(method, path, failures, "a body that does not decode as its "
                                                            "Content-Encoding says")
                continue
            status = response.status_code
            log.debug("%s %s %s → %d", method, path, loggable(params), status)
            if status == 429:
                rate_limited += 1
                if rate_limited > self.policy.max_rate_limited:
                    raise RetriableSourceError(f"Readwise rate-limited {method} {path} "
                                               f"({rate_limited} × HTTP 429); try again later")
                delay = self.policy.rate_limited_wait(response.headers.get("Retry-After"), self._now(),
                                                      self._rand(), self.policy.wait_budget - self.waited)
                # Said without -v when it is long enough to look like a hang (the default: 60 s).
                log.log(logging.WARNING if delay >= SAID_WAIT_S else logging.INFO,
                        "Readwise asked to wait (HTTP 429 on %s): waiting %.0f s, until %s UTC", path,
                        delay, f"{self._now() + timedelta(seconds=delay):%H:%M:%S}")
                self._wait(delay, "Retry-After")
                continue
            if status in (401, 403):
                raise FatalSourceError(f"Readwise rejected the token (HTTP {status}) at {self.api_url}: "
                                       f"get a new one at {TOKEN_PAGE} and set {TOKEN_ENV} "
                                       f"or {TOKEN_FILE_ENV}")
            if status >= 500:
                failures += 1
                self._after_failure(method, path, failures, f"HTTP {status}")
                continue
            if status in REFUSALS and body is not None:
                said = response.text.strip().replace("\n", " ")[:SAID_OF_REJECTION]
                raise Rejected(f"Readwise refused POST {path} (HTTP {status}): {said or 'no reason given'}")
            if status >= 400:
                hint = f": is {API_URL_ENV} the Readwise API ({DEFAULT_API_URL})?" if status == 404 else ""
                raise FatalSourceError(f"Readwise answered HTTP {status} to {method} "
                                       f"{shown_url(response.request.url)}{hint}")
            if status >= 300:
                raise FatalSourceError(redirect_message(self.api_url, method, path, response))
            if parse is None:
                return response, None
            if media_type(response) == "text/html":
                if not self._answered:  # the first answer: the URL is not the API's
                    raise FatalSourceError(f"unexpected answer to {method} {path} at {self.api_url}: a web "
                                           f"page (HTML), not JSON: is {API_URL_ENV} the Readwise API?")
                failures += 1  # a proxy's page mid-pull
                self._after_failure(method, path, failures, "a web page (HTML), not JSON")
                continue
            try:
                parsed = parse(response)
                self._answered = True
                return response, parsed
            except Malformed as err:
                failures += 1
                self._after_failure(method, path, failures, str(err))

    def _send(self, method: str, path: str, params: dict[str, str],
              body: dict[str, Any] | None) -> httpx.Response:
        """``method`` ``path`` (with the JSON ``body``, if any), its whole (decoded) body read
        within the settings' ``answer_deadline`` seconds; a slower answer raises
        httpx.ReadTimeout, retried as a timeout is. A body larger than ``answer_limit`` bytes,
        decoded, raises FatalSourceError: the same answer again would be as large."""
        # UTF-8 as it is, not httpx's \uXXXX escapes (a CJK highlight is half the bytes), and
        # compact, as the readwise writer measures its requests.
        content = None if body is None else json.dumps(
            body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = None if body is None else {"Content-Type": "application/json"}
        with self._http.stream(method, path, params=params, content=content, headers=headers) as streamed:
            # Real time, not the injected clock: it is the socket's time that runs out.
            deadline = time.monotonic() + self._answer_deadline
            received = bytearray()
            for chunk in streamed.iter_bytes():
                received += chunk
                if len(received) > self._answer_limit:
                    raise FatalSourceError(
                        f"Readwise's answer to {method} {path} at {self.api_url} is larger than "
                        f"{self._answer_limit >> 20} MiB (an export page is a few MB); stopped: is "
                        f"{API_URL_ENV} the Readwise API?")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"no whole answer within {self._answer_deadline:g} s",
                                            request=streamed.request)
        # The body is decoded already: the headers no longer say how it was sent.
        headers = [(name, value) for name, value in streamed.headers.multi_items()
                   if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(streamed.status_code, headers=headers, content=bytes(received),
                              request=streamed.request)

    def _after_failure(self, method: str, path: str, failures: int, what: str) -> None:
        if failures >= self.policy.max_attempts:
            times = "once" if failures == 1 else f"{failures} times"
            raise RetriableSourceError(f"Readwise {method} {path} at {self.api_url} failed {times} "
                                       f"(last: {what}); {self.policy.then}")
        delay = self.policy.backoff(failures, self._rand())
        log.warning("Readwise %s %s failed (%s): retry %d in %.1f s", method, path, what, failures, delay)
        self._wait(delay, "backoff")

    def _wait(self, seconds: float, why: str) -> None:
        if seconds <= 0:
            return
        if self.waited + seconds > self.policy.wait_budget:
            raise RetriableSourceError(f"gave up on Readwise after waiting {self.waited:.0f} s "
                                       f"({why}); {self.policy.then}")
        self.waited += seconds
        self._sleep(seconds)
