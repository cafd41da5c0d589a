"""The HTTP side every API client shares: a token in the ``Authorization`` header, pacing,
retries, and limits on what an answer may cost. It knows HTTP, not any API's endpoints: a
subclass (:class:`~excerpta.clients.readwise.ReadwiseClient`,
:class:`~excerpta.clients.hypothesis.HypothesisClient`) adds them, and messages name its
:class:`~excerpta.clients.api_settings.Service`.

Failure handling, per request (see :mod:`excerpta.clients.pacing` for the numbers):

* 429: wait ``Retry-After`` (seconds or HTTP-date, plus jitter) and retry; when it asks for
  longer than the cap or the wait budget left, RetriableSourceError at once naming the time;
* 5xx, connection errors, timeouts, a malformed body (what ``parse`` refuses with
  :class:`~excerpta.clients.responses.Malformed`, or not the gzip/deflate its
  ``Content-Encoding`` says), an HTML page once the API has answered: exponential backoff with
  full jitter, at most ``max_attempts`` tries, then :class:`~excerpta.errors.RetriableSourceError`;
* 401/403: :class:`~excerpta.errors.FatalSourceError` naming where to get a token; other 4xx:
  fatal too (a subclass may say more, :meth:`ApiClient._refusal`);
* a redirect (3xx), or an HTML page as the first answer: fatal, as the API URL is not the
  service's API (a redirect names where it points: use that URL);
* an answer larger than ``answer_limit`` bytes (decoded): fatal; one not whole within
  ``answer_deadline`` seconds: retried as a timeout;
* every request first takes a slot of the client-side :class:`~excerpta.clients.pacing.RateBudget`.

All waits go through the injected ``sleep`` (default: interruptible by a ``threading.Event``),
time through the injected ``clock`` (monotonic) and ``now`` (wall clock); the transport is
injectable, so tests use respx or a local fake server and never sleep for real.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self

import httpx

from excerpta import __version__
from excerpta.clients.api_settings import ApiSettings, Service
from excerpta.clients.pacing import InterruptibleSleep, RateBudget, RetryPolicy
from excerpta.clients.responses import (
    Malformed,
    loggable,
    media_type,
    redirect_message,
    shown_url,
    transport_problem,
)
from excerpta.errors import ExcerptaError, FatalSourceError, RetriableSourceError

WRITE_TIMEOUT = 30.0
POOL_TIMEOUT = 10.0
SAID_WAIT_S = 5.0  # a wait the server asks for this long or longer is a warning, not a -v line

log = logging.getLogger(__name__)


def _system_now() -> datetime:
    return datetime.now(UTC)


class ApiClient:
    """One API over httpx; use as a context manager or call :meth:`close`.

    A subclass sets :attr:`service` and :meth:`default_budget` (nothing here is any one
    service's), and may set :attr:`answer_said` (what an answer's size usually is, for the
    message refusing a larger one).
    """

    service: ClassVar[Service]
    answer_said: ClassVar[str] = ""

    def __init__(self, settings: ApiSettings, *, transport: httpx.BaseTransport | None = None,
                 policy: RetryPolicy | None = None, budget: RateBudget | None = None,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] = _system_now,
                 sleep: Callable[[float], None] | None = None,
                 rand: Callable[[], float] = random.random) -> None:
        self.api_url = settings.api_url
        self.policy = policy or RetryPolicy()
        self.budget = budget or self.default_budget()
        self._clock, self._now, self._rand = clock, now, rand
        self._sleep = sleep or InterruptibleSleep(service=self.service.name)
        self.waited = 0.0  # seconds spent waiting (retries and pacing), for reports
        self.requests = 0
        self._answered = False  # a JSON answer came: the URL is the API's
        self._answer_deadline = settings.answer_deadline
        self._answer_limit = settings.answer_limit
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                                write=WRITE_TIMEOUT, pool=POOL_TIMEOUT)
        self._http = httpx.Client(
            base_url=settings.api_url, transport=transport, timeout=timeout,
            headers={"Authorization": f"{self.service.auth_scheme} {settings.token.get_secret_value()}",
                     "User-Agent": f"excerpta/{__version__}", "Accept": "application/json"},
        )

    @classmethod
    def default_budget(cls) -> RateBudget:
        """The rate budget of a client made without one: the service's, which each subclass
        states (a service's limit is its own; none is assumed)."""
        raise NotImplementedError(f"{cls.__name__} states its service's rate budget")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.api_url!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _not_the_api(self) -> str:
        return f"is {self.service.api_url_env} the {self.service.name} API?"

    def _refusal(self, method: str, path: str, response: httpx.Response,
                 body: dict[str, Any] | None) -> ExcerptaError | None:
        """The error for a 4xx answer (not 401, 403 or 429) this API says more of; None: the
        generic FatalSourceError."""
        return None

    def _request(self, path: str, params: dict[str, str],
                 parse: Callable[[httpx.Response], Any] | None = None,
                 body: dict[str, Any] | None = None) -> tuple[httpx.Response, Any]:
        """``GET path`` (``POST`` with the JSON ``body``), retried, paced and checked as the
        module docstring says; returns the response and what ``parse`` made of it (None
        without ``parse``)."""
        method = "GET" if body is None else "POST"
        name = self.service.name
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
                    raise RetriableSourceError(f"{name} rate-limited {method} {path} "
                                               f"({rate_limited} × HTTP 429); try again later")
                delay = self.policy.rate_limited_wait(response.headers.get("Retry-After"), self._now(),
                                                      self._rand(), self.policy.wait_budget - self.waited,
                                                      service=name)
                # Said without -v when it is long enough to look like a hang (the default: 60 s).
                log.log(logging.WARNING if delay >= SAID_WAIT_S else logging.INFO,
                        "%s asked to wait (HTTP 429 on %s): waiting %.0f s, until %s UTC", name, path,
                        delay, f"{self._now() + timedelta(seconds=delay):%H:%M:%S}")
                self._wait(delay, "Retry-After")
                continue
            if status in (401, 403):
                raise FatalSourceError(f"{name} rejected the token (HTTP {status}) at {self.api_url}: "
                                       f"get a new one at {self.service.token_page} and set "
                                       f"{self.service.token_env} or {self.service.token_file_env}")
            if status >= 500:
                failures += 1
                self._after_failure(method, path, failures, f"HTTP {status}")
                continue
            if status >= 400:
                refusal = self._refusal(method, path, response, body)
                if refusal is not None:
                    raise refusal
                hint = (f": is {self.service.api_url_env} the {name} API ({self.service.default_api_url})?"
                        if status == 404 else "")
                raise FatalSourceError(f"{name} answered HTTP {status} to {method} "
                                       f"{shown_url(response.request.url)}{hint}")
            if status >= 300:
                raise FatalSourceError(redirect_message(self.api_url, method, path, response, self.service))
            if parse is None:
                return response, None
            if media_type(response) == "text/html":
                if not self._answered:  # the first answer: the URL is not the API's
                    raise FatalSourceError(f"unexpected answer to {method} {path} at {self.api_url}: a web "
                                           f"page (HTML), not JSON: {self._not_the_api()}")
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
        # UTF-8 as it is, not httpx's \uXXXX escapes: a CJK highlight is half the bytes.
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
                    usual = f" ({self.answer_said})" if self.answer_said else ""
                    raise FatalSourceError(
                        f"{self.service.name}'s answer to {method} {path} at {self.api_url} is larger than "
                        f"{self._answer_limit >> 20} MiB{usual}; stopped: {self._not_the_api()}")
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"no whole answer within {self._answer_deadline:g} s",
                                            request=streamed.request)
        # The body is decoded already: the headers no longer say how it was sent.
        headers = [(name, value) for name, value in streamed.headers.multi_items()
                   if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(streamed.status_code, headers=headers, content=bytes(received),
                              request=streamed.request)

    def _after_failure(self, method: str, path: str, failures: int, what: str) -> None:
        name = self.service.name
        if failures >= self.policy.max_attempts:
            times = "once" if failures == 1 else f"{failures} times"
            raise RetriableSourceError(f"{name} {method} {path} at {self.api_url} failed {times} "
                                       f"(last: {what}); {self.policy.then}")
        delay = self.policy.backoff(failures, self._rand())
        log.warning("%s %s %s failed (%s): retry %d in %.1f s", name, method, path, what, failures, delay)
        self._wait(delay, "backoff")

    def _wait(self, seconds: float, why: str) -> None:
        if seconds <= 0:
            return
        if self.waited + seconds > self.policy.wait_budget:
            raise RetriableSourceError(f"gave up on {self.service.name} after waiting {self.waited:.0f} s "
                                       f"({why}); {self.policy.then}")
        self.waited += seconds
        self._sleep(seconds)
