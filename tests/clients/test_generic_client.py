"""The generic API client's pieces are no one service's: a client states its service's name,
budget and words, and nothing falls back to Readwise's."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from excerpta.clients.api_client import ApiClient
from excerpta.clients.api_settings import ApiSettings, Service
from excerpta.clients.hypothesis import HypothesisClient
from excerpta.clients.pacing import InterruptibleSleep, RateBudget, RetryPolicy, WaitInterrupted
from excerpta.clients.paging import PageGuard
from excerpta.clients.readwise import ReadwiseClient
from excerpta.errors import RetriableSourceError

OTHER = Service(name="Other", token_env="OTHER_TOKEN", token_file_env="OTHER_TOKEN_FILE",
                api_url_env="OTHER_API_URL", default_api_url="https://other.test", token_page="https://other.test/t",
                api_prefix="/api", auth_scheme="Bearer")


class OtherSettings(ApiSettings):
    service: ClassVar[Service] = OTHER


class SaysNoBudget(ApiClient):
    service: ClassVar[Service] = OTHER


def test_a_client_that_states_no_budget_gets_none_of_readwise():
    with pytest.raises(NotImplementedError, match="SaysNoBudget states its service's rate budget"):
        SaysNoBudget(OtherSettings(token="tok_other_0123456789abcdef"))
    given = RateBudget(per_minute=10, burst=1, limit_per_minute=None)
    client = SaysNoBudget(OtherSettings(token="tok_other_0123456789abcdef"), budget=given)
    assert client.budget is given
    client.close()


def test_each_client_states_its_own_budget():
    assert ReadwiseClient.default_budget() == RateBudget(per_minute=175.0, burst=60, limit_per_minute=240)
    assert HypothesisClient.default_budget() == RateBudget(per_minute=300.0, burst=60, limit_per_minute=None)


def test_waits_and_refusals_unnamed_by_their_caller_name_no_service():
    stop = threading.Event()
    stop.set()
    with pytest.raises(WaitInterrupted) as interrupted:
        InterruptibleSleep(stop)(1.0)
    assert "Readwise" not in str(interrupted.value)
    with pytest.raises(RetriableSourceError) as refused:
        RetryPolicy().rate_limited_wait("301", datetime(2026, 1, 1, tzinfo=UTC), 0.0)
    assert str(refused.value).startswith("the service is rate-limiting (HTTP 429)")


def test_a_page_guard_names_its_result_as_its_client_says():
    with pytest.raises(TypeError):
        PageGuard("https://other.test")  # type: ignore[call-arg]
    guard = PageGuard("https://other.test", "Other listing", "notes", "offset")
    guard.check(1, 1, "a")
    with pytest.raises(Exception, match="Other listing returned offset a twice"):
        guard.check(1, 1, "a")
