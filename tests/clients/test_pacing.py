"""Retry delays and the rate budget, as pure functions of time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from excerpta.clients.pacing import RateBudget, RetryPolicy, parse_retry_after
from excerpta.errors import RetriableSourceError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("37", 37.0), (" 0 ", 0.0), ("Wed, 25 Nov 2026 12:01:30 GMT", 90.0),
    ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0), ("soon", None), ("", None), (None, None), ("-5", None),
    ("\u00b2", None), ("\u0663", None), ("1\u00b2", None),
    ("1.5", 1.5), ("1.2.3", None), (".", None),  # a fraction, as the server meant it (was 60 s)
])
def test_retry_after_is_delta_seconds_or_an_http_date(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


def test_full_jitter_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy()
    assert [policy.backoff(n, 1.0) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert policy.backoff(3, 0.0) == 0.0


def test_rate_budget_allows_a_burst_then_spreads_requests():
    budget = RateBudget(per_minute=120, burst=3)
    assert [budget.reserve(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.reserve(0.0) == pytest.approx(0.5)
    assert budget.reserve(0.5) == pytest.approx(0.5)
    assert budget.reserve(10.0) == 0.0


def test_rate_budget_refuses_settings_at_or_over_readwise_limit():
    with pytest.raises(ValueError, match="under 240"):
        RateBudget(per_minute=220, burst=20)


def test_a_retry_after_within_the_cap_is_waited_with_jitter_and_beyond_it_refused():
    policy = RetryPolicy()
    assert policy.rate_limited_wait("300", NOW, 1.0) == pytest.approx(330.0)
    assert policy.rate_limited_wait(None, NOW, 0.0) == 60.0  # no header: our own guess, waited
    with pytest.raises(RetriableSourceError, match="asked to wait 301 s, until 2026-11-25 12:05:01 UTC"):
        policy.rate_limited_wait("301", NOW, 0.0)
