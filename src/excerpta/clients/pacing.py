"""How the API clients wait: retry delays, the client-side rate budget, interruptible sleep.

Pure policy, no HTTP: :class:`RetryPolicy` says how long to wait after a 429 (the server's
``Retry-After``, seconds or HTTP-date) or a transient failure (exponential backoff with full
jitter), :class:`RateBudget` keeps the request rate under a service's limit, and
:class:`InterruptibleSleep` is the default sleep: a ``threading.Event`` wait that a shutting
down daemon cuts short. Nothing here is any one service's: each client states its own budget
and the name its messages use (``service``; "the service" when a caller names none). Why our
own loop and not a retry library: ``../shared/reference/reliability.md`` §2.3 (httpx-retries
defaults to no backoff, stamina's 45 s budget is shorter than one ``Retry-After: 60``, and
both end in an uninterruptible ``time.sleep``).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from excerpta.errors import RetriableSourceError

UNNAMED_SERVICE = "the service"  # how a message names a service its caller did not name
# RateBudget's field defaults: the numbers of its first user (Readwise, 240 requests/minute),
# kept for code that builds one bare; no client relies on them (each states its own).
DEFAULT_PER_MINUTE = 175.0
DEFAULT_BURST = 60
DEFAULT_LIMIT_PER_MINUTE = 240


class WaitInterrupted(RetriableSourceError):
    """A wait was cut short because the caller is stopping (daemon shutdown, Ctrl-C)."""


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry and how long to wait.

    ``max_attempts`` bounds tries of one request on 5xx, transport errors, timeouts and
    malformed bodies; ``max_rate_limited`` bounds 429 answers to one request; ``wait_budget``
    bounds the seconds a client waits in total (one run) before it gives up. ``then`` is what
    follows a failure that outlasted them (a sync's next run retries; a one-off check does not).
    """

    max_attempts: int = 6
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    retry_after_default: float = 60.0  # a 429 without a usable Retry-After
    retry_after_cap: float = 300.0
    retry_after_jitter: float = 0.1  # up to +10 % so many clients do not return in lockstep
    max_rate_limited: int = 10
    wait_budget: float = 15 * 60.0
    then: str = "run it again later (a scheduled job tries again at its next run)"

    def backoff(self, failures: int, rand: float) -> float:
        """Full-jitter exponential backoff after the ``failures``-th failure (1-based):
        ``rand * min(cap, base * 2 ** (failures - 1))`` with ``rand`` in [0, 1)."""
        return rand * min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1))

    def rate_limited_wait(self, retry_after: str | None, now: datetime, rand: float,
                          remaining: float = math.inf, service: str = UNNAMED_SERVICE) -> float:
        """Seconds to wait after a 429: ``Retry-After`` plus up to 10 % jitter, the jitter never
        past ``remaining`` (what is left of the wait budget); 60 s when the header is unusable.

        Raises RetriableSourceError, naming when to come back, when the server asks for longer
        than ``retry_after_cap`` or ``remaining``: an earlier retry would only be refused again.
        """
        seconds = parse_retry_after(retry_after, now)
        if seconds is None:  # our own guess, not the server's word: waited as any other wait
            return min(self.retry_after_default, self.retry_after_cap) * (1 + self.retry_after_jitter * rand)
        if seconds > self.retry_after_cap or seconds > remaining:
            limit = (f"{self.retry_after_cap:.0f} s at most" if seconds > self.retry_after_cap
                     else f"{max(0.0, remaining):.0f} s left of its {self.wait_budget:.0f} s budget")
            until = (now + timedelta(seconds=math.ceil(seconds))).astimezone(UTC)
            raise RetriableSourceError(
                f"{service} is rate-limiting (HTTP 429) and asked to wait {math.ceil(seconds)} s, "
                f"until {until:%Y-%m-%d %H:%M:%S} UTC, longer than excerpta waits "
                f"({limit}); run again after that")
        return min(seconds * (1 + self.retry_after_jitter * rand), remaining)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP-date; None if unusable.

    A date in the past gives 0.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.replace(".", "", 1).isdigit():  # str.isdigit() alone takes "²", "٣"
        return float(value)  # delta-seconds; "1.5", outside RFC 9110, as the server meant it
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass
class RateBudget:
    """A token bucket: ``burst`` requests at once, then ``per_minute`` spread evenly.

    In any 60-second window at most ``burst + per_minute`` requests go out, which must stay
    under ``limit_per_minute``, the service's limit (checked on construction; None for a
    service that documents none). A client states all three (its ``default_budget``); the
    field defaults are only for a budget built bare (see :data:`DEFAULT_PER_MINUTE`).
    """

    per_minute: float = DEFAULT_PER_MINUTE
    burst: int = DEFAULT_BURST
    limit_per_minute: float | None = DEFAULT_LIMIT_PER_MINUTE
    _tokens: float = field(default=-1.0, init=False)
    _last: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate budget needs a positive rate and a burst of at least 1")
        if self.limit_per_minute is not None and self.burst + self.per_minute >= self.limit_per_minute:
            raise ValueError(f"burst + per_minute must stay under {self.limit_per_minute:g}")
        self._tokens = float(self.burst)

    def reserve(self, now: float) -> float:
        """Take one request slot at monotonic time ``now``; returns seconds to wait first."""
        rate = self.per_minute / 60.0
        if self._last is not None:
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * rate)
        self._last = now
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / rate


class InterruptibleSleep:
    """``sleep(seconds)`` that returns early, raising WaitInterrupted, once ``stop`` is set."""

    def __init__(self, stop: threading.Event | None = None, service: str = UNNAMED_SERVICE) -> None:
        self.stop = stop if stop is not None else threading.Event()
        self.service = service

    def __call__(self, seconds: float) -> None:
        if self.stop.wait(max(0.0, seconds)):
            raise WaitInterrupted(f"stopped while waiting to retry {self.service}; the next run starts over")
