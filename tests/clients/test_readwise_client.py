"""The Readwise HTTP client: pagination, retries, rate limits and fatal errors (respx)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import httpx
import pytest

from excerpta.clients.pacing import InterruptibleSleep, RetryPolicy, WaitInterrupted
from excerpta.clients.readwise import ReadwiseClient
from excerpta.errors import FatalSourceError, RetriableSourceError

from .conftest import TOKEN

EXPORT = "/api/v2/export/"


def page(results=(), cursor=None):
    return httpx.Response(200, json={"count": len(results), "nextPageCursor": cursor,
                                     "results": list(results)})


def book(n):
    return {"user_book_id": n, "title": f"Book {n}", "highlights": []}


def assert_every_call_sent_the_token(route):
    assert [c.request.headers["Authorization"] for c in route.calls] == [f"Token {TOKEN}"] * route.call_count


def pull(client, **filters):
    return [b["user_book_id"] for p in client.export(**filters) for b in p.results]


def test_check_auth_sends_the_token_header_and_accepts_204(router, make_client, clock):
    route = router.get("/api/v2/auth/").mock(return_value=httpx.Response(204))
    make_client().check_auth()
    assert route.call_count == 1
    assert route.calls.last.request.headers["Authorization"] == f"Token {TOKEN}"
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_token_is_fatal_at_once_and_names_the_fix(router, make_client, clock, status):
    route = router.get("/api/v2/auth/").mock(return_value=httpx.Response(status))
    with pytest.raises(FatalSourceError) as caught:
        make_client().check_auth()
    message = str(caught.value)
    assert f"rejected the token (HTTP {status})" in message
    assert "https://readwise.io/access_token" in message
    assert "READWISE_TOKEN" in message
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("answer", [httpx.Response(200, html="<html>Welcome</html>"),
                                    httpx.Response(200, json={"detail": "ok"}), httpx.Response(202)])
def test_check_auth_accepts_nothing_but_204(router, make_client, clock, answer):
    route = router.get("/api/v2/auth/").mock(return_value=answer)
    with pytest.raises(FatalSourceError) as caught:
        make_client().check_auth()
    assert str(caught.value) == (
        f"unexpected answer HTTP {answer.status_code} to GET /api/v2/auth/ at "
        "https://readwise.test (expected 204): is READWISE_API_URL the Readwise API?")
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("path", ["/api/v2/auth/", EXPORT])
def test_a_redirect_is_fatal_and_names_the_api_url_to_use(router, make_client, clock, path):
    route = router.get(path).mock(return_value=httpx.Response(
        301, headers={"Location": f"https://readwise.io{path}?updatedAfter=x"}))
    client = make_client()
    with pytest.raises(FatalSourceError) as caught:
        client.check_auth() if path != EXPORT else pull(client)
    assert str(caught.value) == (f"GET {path} at https://readwise.test is redirected (HTTP 301) to "
                                 f"https://readwise.io{path}: set READWISE_API_URL to https://readwise.io")
    assert route.call_count == 1


@pytest.mark.parametrize(("location", "said"), [
    ("/login/?next=/api/v2/export/",
     "to https://readwise.test/login/: is READWISE_API_URL the Readwise API?"),
    ("", "without a valid target: is READWISE_API_URL the Readwise API?")])
def test_a_redirect_elsewhere_asks_whether_the_url_is_readwise(router, make_client, location, said):
    router.get(EXPORT).mock(return_value=httpx.Response(302, headers={"Location": location}))
    with pytest.raises(FatalSourceError) as caught:
        pull(make_client())
    assert str(caught.value) == f"GET {EXPORT} at https://readwise.test is redirected (HTTP 302) {said}"


def test_an_html_page_instead_of_the_export_is_fatal_at_once(router, make_client, clock):
    route = router.get(EXPORT).mock(return_value=httpx.Response(200, html="<html>Sign in</html>"))
    with pytest.raises(FatalSourceError, match=r"a web page \(HTML\), not JSON: is READWISE_API_URL the"):
        pull(make_client())
    assert route.call_count == 1
    assert clock.sleeps == []


def test_export_follows_integer_and_string_cursors_verbatim_until_null(router, make_client):
    route = router.get(EXPORT).mock(side_effect=[
        page([book(1)], cursor=49244648), page([book(2)], cursor="c-abc"), page([book(3)])])
    assert pull(make_client()) == [1, 2, 3]
    sent = [dict(call.request.url.params) for call in route.calls]
    assert sent == [{}, {"pageCursor": "49244648"}, {"pageCursor": "c-abc"}]
    assert_every_call_sent_the_token(route)


def test_export_sends_updated_after_in_utc_and_include_deleted(router, make_client):
    route = router.get(EXPORT).mock(return_value=page())
    since = datetime(2026, 11, 25, 13, 30, 5, 250000).astimezone(UTC)
    pull(make_client(), updated_after=since, include_deleted=True)
    params = dict(route.calls.last.request.url.params)
    assert params == {"updatedAfter": since.isoformat().replace("+00:00", "Z"), "includeDeleted": "true"}


def test_export_by_ids_sends_at_most_100_ids_per_request(router, make_client):
    route = router.get(EXPORT).mock(side_effect=lambda request: page(
        [book(int(i)) for i in request.url.params["ids"].split(",")]))
    ids = list(range(1, 251))
    assert pull(make_client(), ids=ids, include_deleted=True) == ids
    chunks = [call.request.url.params["ids"].split(",") for call in route.calls]
    assert [len(chunk) for chunk in chunks] == [100, 100, 50]


def test_429_waits_retry_after_seconds_plus_jitter_then_retries(router, make_client, clock):
    route = router.get(EXPORT).mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "37"}), page([book(1)])])
    assert pull(make_client()) == [1]
    assert route.call_count == 2
    assert clock.sleeps == [pytest.approx(37 * 1.05)]
    assert_every_call_sent_the_token(route)


def test_429_with_an_http_date_waits_until_that_date(router, make_client, clock):
    route = router.get(EXPORT).mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "Wed, 25 Nov 2026 12:00:20 GMT"}), page()])
    pull(make_client())
    assert route.call_count == 2
    assert clock.sleeps == [pytest.approx(20 * 1.05)]


def test_429_without_a_usable_retry_after_waits_a_minute(router, make_client, clock):
    router.get(EXPORT).mock(side_effect=[
        httpx.Response(429), httpx.Response(429, headers={"Retry-After": "soon"}), page()])
    pull(make_client())
    assert clock.sleeps == [pytest.approx(63.0), pytest.approx(63.0)]


def test_a_retry_after_of_exactly_the_cap_is_waited(router, make_client, clock):
    router.get(EXPORT).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "300"}), page()])
    pull(make_client())
    assert clock.sleeps == [pytest.approx(300 * 1.05)]


@pytest.mark.parametrize("retry_after", ["3600", "Wed, 25 Nov 2026 13:00:00 GMT"])
def test_a_retry_after_beyond_the_cap_fails_at_once_naming_when_to_come_back(router, make_client,
                                                                               clock, retry_after):
    route = router.get(EXPORT).mock(return_value=httpx.Response(429, headers={"Retry-After": retry_after}))
    with pytest.raises(RetriableSourceError) as caught:
        pull(make_client())
    assert str(caught.value) == ("Readwise is rate-limiting (HTTP 429) and asked to wait 3600 s, until "
                                 "2026-11-25 13:00:00 UTC, longer than excerpta waits (300 s at most); "
                                 "run again after that")
    assert route.call_count == 1
    assert clock.sleeps == []


def test_endless_429_gives_up_with_a_retriable_error_after_bounded_tries(router, make_client, clock):
    route = router.get(EXPORT).mock(return_value=httpx.Response(429, headers={"Retry-After": "1"}))
    with pytest.raises(RetriableSourceError, match="rate-limited GET"):
        pull(make_client())
    assert route.call_count == 11
    assert clock.sleeps == [pytest.approx(1.05)] * 10
    assert_every_call_sent_the_token(route)


def test_5xx_backs_off_exponentially_with_full_jitter(router, make_client, clock):
    route = router.get(EXPORT).mock(side_effect=[
        httpx.Response(500), httpx.Response(502), httpx.Response(503), page([book(1)])])
    assert pull(make_client()) == [1]
    assert route.call_count == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert_every_call_sent_the_token(route)


def test_persistent_5xx_stops_after_max_attempts_with_a_retriable_error(router, make_client, clock):
    route = router.get(EXPORT).mock(return_value=httpx.Response(503))
    with pytest.raises(RetriableSourceError, match=r"failed 6 times \(last: HTTP 503\)"):
        pull(make_client())
    assert route.call_count == 6
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_backoff_never_exceeds_its_cap(router, make_client, clock):
    router.get(EXPORT).mock(return_value=httpx.Response(500))
    with pytest.raises(RetriableSourceError):
        pull(make_client(policy=RetryPolicy(max_attempts=10)))
    assert max(clock.sleeps) == 30.0  # 0.5 × the 60 s cap


@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect"),
                                   httpx.ReadTimeout("read"), httpx.RemoteProtocolError("dropped")],
                         ids=lambda e: type(e).__name__)
def test_connection_errors_and_timeouts_are_retried(router, make_client, clock, error):
    route = router.get(EXPORT).mock(side_effect=[error, page([book(1)])])
    assert pull(make_client()) == [1]
    assert route.call_count == 2
    assert clock.sleeps == [0.5]
    assert_every_call_sent_the_token(route)


def test_malformed_json_is_retried_like_a_transient_failure(router, make_client, clock):
    route = router.get(EXPORT).mock(side_effect=[
        httpx.Response(200, text='{"count": 1, "results": [{"user_'),
        httpx.Response(200, json={"detail": "no results key"}), page([book(1)])])
    assert pull(make_client()) == [1]
    assert route.call_count == 3
    assert clock.sleeps == [0.5, 1.0]
    assert_every_call_sent_the_token(route)


def test_a_lone_surrogate_escape_in_a_page_is_read_as_a_replacement_character(router, make_client):
    router.get(EXPORT).mock(return_value=httpx.Response(200, text=(
        '{"count": 1, "nextPageCursor": null, "results": '
        '[{"user_book_id": 1, "title": "Cut emoji \\ud83d here", "highlights": []}]}')))
    [result] = [b for p in make_client().export() for b in p.results]
    assert result["title"] == "Cut emoji \ufffd here"


def test_other_4xx_is_fatal_without_retry(router, make_client, clock):
    route = router.get(EXPORT).mock(return_value=httpx.Response(400))
    with pytest.raises(FatalSourceError, match="HTTP 400"):
        pull(make_client())
    assert route.call_count == 1
    assert clock.sleeps == []


def test_a_404_names_the_full_url_requested_and_asks_whether_it_is_readwise(router, make_client):
    router.get(EXPORT).mock(return_value=httpx.Response(404))
    with pytest.raises(FatalSourceError) as caught:
        pull(make_client(), updated_after=datetime(2026, 1, 2, tzinfo=UTC))
    assert str(caught.value) == ("Readwise answered HTTP 404 to GET https://readwise.test/api/v2/export/"
                                 "?updatedAfter=2026-01-02T00%3A00%3A00Z: is READWISE_API_URL the "
                                 "Readwise API (https://readwise.io)?")
    assert TOKEN not in str(caught.value)


def test_a_cursor_seen_twice_is_a_pagination_loop_error_not_a_hang(router, make_client):
    route = router.get(EXPORT).mock(side_effect=[page([book(1)], cursor=5), page([book(2)], cursor=7),
                                                 page([book(3)], cursor=5)])
    with pytest.raises(FatalSourceError, match="page cursor 5 twice"):
        pull(make_client())
    assert route.call_count == 3


def counted_page(first, books, counted, cursor):
    return httpx.Response(200, json={"count": counted, "nextPageCursor": cursor,
                                     "results": [book(n) for n in range(first, first + books)]})


def test_new_cursors_on_and_on_stop_once_far_more_books_came_than_counted(router, make_client):
    # Every page brings 100 new books and a new cursor, while counting 200 in all: endless.
    route = router.get(EXPORT).mock(side_effect=lambda request: counted_page(
        int(request.url.params.get("pageCursor", 0)), 100, 200,
        int(request.url.params.get("pageCursor", 0)) + 100))
    with pytest.raises(FatalSourceError) as caught:
        pull(make_client())
    # 2 x 200 + 1000 = 1400 books are allowed; the 15th page (1500 books) still asks for more.
    assert route.call_count == 15
    assert str(caught.value) == (f"Readwise export at {make_client().api_url} sent 1500 books in 15 "
                                 "pages, far more than the 200 its first page counted, and still asks "
                                 "for more; stopped instead of paging on")


@pytest.mark.parametrize("counts", [[3000] * 3, [500] * 3, [None, 5, 5], ["3000", 1, 1]],
                         ids=["as counted", "within the margin until its end", "no count at first",
                              "no usable count"])
def test_a_pull_that_ends_is_followed_to_its_end(router, make_client, counts):
    # 3,000 books in three pages; counting 500, the second page's 2,000 are 2 x 500 + 1000.
    router.get(EXPORT).mock(side_effect=[counted_page(1000 * n, 1000, count, None if n == 2 else n + 1)
                                         for n, count in enumerate(counts)])
    assert len(pull(make_client())) == 3000


def test_client_side_budget_keeps_every_minute_under_240_requests(router, make_client, clock):
    sent_at = []

    def serve(request):
        sent_at.append(clock.monotonic())
        number = len(sent_at)
        return page([book(number)], cursor=number + 1 if number < 600 else None)

    router.get(EXPORT).mock(side_effect=serve)
    assert len(pull(make_client())) == 600
    busiest = max(sum(1 for t in sent_at if start <= t < start + 60) for start in sent_at)
    assert busiest < 240
    burst = ReadwiseClient.default_budget().burst  # the budget a Readwise client paces by
    assert sent_at[:burst] == [0.0] * burst  # a burst first, then paced
    assert sent_at[burst] > 0.0


def test_total_waiting_is_bounded_by_the_wait_budget(router, make_client, clock):
    route = router.get(EXPORT).mock(side_effect=[httpx.Response(500)] * 5 + [page()] * 200)
    policy = RetryPolicy(backoff_base=100.0, backoff_cap=300.0, wait_budget=400.0)
    with pytest.raises(RetriableSourceError, match="gave up on Readwise after waiting 300 s"):
        pull(make_client(policy=policy, rand=lambda: 1.0))
    assert route.call_count == 3
    assert clock.sleeps == [100.0, 200.0]


def test_a_retry_after_beyond_the_wait_budget_left_fails_without_waiting_it(router, make_client, clock):
    route = router.get(EXPORT).mock(return_value=httpx.Response(429, headers={"Retry-After": "300"}))
    with pytest.raises(RetriableSourceError, match=r"asked to wait 300 s, until 2026-11-25 12:15:30 UTC, "
                                                   r"longer than excerpta waits \(270 s left of its 900 s "
                                                   r"budget\); run again after that"):
        pull(make_client())
    assert route.call_count == 3
    assert clock.sleeps == [pytest.approx(315.0)] * 2


def test_the_jitter_of_a_retry_after_stops_at_the_wait_budget_left(router, make_client, clock):
    router.get(EXPORT).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "100"}), page()])
    pull(make_client(policy=RetryPolicy(wait_budget=102.0), rand=lambda: 1.0))
    assert clock.sleeps == [102.0]


def test_a_stop_request_interrupts_a_retry_after_wait(router, make_client):
    route = router.get(EXPORT).mock(return_value=httpx.Response(429, headers={"Retry-After": "60"}))
    stop = threading.Event()
    stop.set()
    with pytest.raises(WaitInterrupted):
        pull(make_client(sleep=InterruptibleSleep(stop)))
    assert route.call_count == 1


def test_pages_carry_the_server_date(router, make_client):
    router.get(EXPORT).mock(return_value=httpx.Response(
        200, json={"count": 0, "nextPageCursor": None, "results": []},
        headers={"Date": "Wed, 25 Nov 2026 12:34:56 GMT"}))
    (only,) = list(make_client().export())
    assert only.server_date == datetime(2026, 11, 25, 12, 34, 56, tzinfo=UTC)
