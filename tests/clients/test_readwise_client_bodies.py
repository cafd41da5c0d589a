"""The Readwise client on odd bodies: what is malformed (retried), what is not the API (fatal)."""

from __future__ import annotations

import httpx
import pytest

from excerpta.errors import FatalSourceError, RetriableSourceError

from .test_readwise_client import EXPORT, assert_every_call_sent_the_token, book, page, pull

JSON = {"Content-Type": "application/json"}


def undecodable(encoding: str) -> httpx.Response:
    """A 200 whose body is not the compressed data its Content-Encoding announces."""
    return httpx.Response(200, headers={**JSON, "Content-Encoding": encoding},
                          stream=httpx.ByteStream(b"this is not compressed data"))


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_body_that_does_not_decode_as_its_content_encoding_is_retried(router, make_client, clock,
                                                                         encoding):
    route = router.get(EXPORT).mock(side_effect=[undecodable(encoding), page([book(1)])])
    assert pull(make_client()) == [1]
    assert route.call_count == 2
    assert clock.sleeps == [0.5]
    assert_every_call_sent_the_token(route)


def test_an_undecodable_body_every_time_ends_in_a_retriable_error_naming_it(router, make_client, clock):
    route = router.get(EXPORT).mock(side_effect=lambda request: undecodable("gzip"))
    with pytest.raises(RetriableSourceError) as caught:
        pull(make_client())
    assert str(caught.value) == (
        "Readwise GET /api/v2/export/ at https://readwise.test failed 6 times (last: a body that "
        "does not decode as its Content-Encoding says); run it again later (a scheduled job tries again "
        "at its next run)")
    assert route.call_count == 6


def test_the_auth_check_retries_an_undecodable_body_too(router, make_client):
    route = router.get("/api/v2/auth/").mock(side_effect=[undecodable("gzip"), httpx.Response(204)])
    make_client().check_auth()
    assert route.call_count == 2


@pytest.mark.parametrize("content_type", ["Text/HTML; charset=utf-8", "TEXT/HTML", " text/html"])
def test_an_html_page_is_recognised_whatever_the_case_of_its_content_type(router, make_client, clock,
                                                                          content_type):
    route = router.get(EXPORT).mock(return_value=httpx.Response(
        200, headers={"Content-Type": content_type}, content=b"<html>Sign in</html>"))
    with pytest.raises(FatalSourceError, match=r"a web page \(HTML\), not JSON"):
        pull(make_client())
    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("body", [
    {"count": 1, "results": [book(9)]},  # no nextPageCursor: not the last page, a broken one
    {"count": 1, "nextPageCursor": {"page": 2}, "results": [book(9)]},
    {"count": 1, "nextPageCursor": True, "results": [book(9)]},
    {"count": 1, "nextPageCursor": 1.5, "results": [book(9)]},
], ids=["missing", "object", "bool", "float"])
def test_a_page_without_a_usable_next_page_cursor_is_malformed_and_retried(router, make_client, clock,
                                                                           body):
    route = router.get(EXPORT).mock(side_effect=[httpx.Response(200, json=body), page([book(1)])])
    assert pull(make_client()) == [1]
    assert route.call_count == 2
    assert clock.sleeps == [0.5]


def test_a_page_always_missing_its_cursor_ends_in_a_retriable_error(router, make_client):
    router.get(EXPORT).mock(return_value=httpx.Response(200, json={"count": 0, "results": []}))
    with pytest.raises(RetriableSourceError, match='last: JSON without "nextPageCursor"'):
        pull(make_client())


@pytest.mark.parametrize("cursor", [None, 49244648, "cD0yMDIx"])
def test_a_next_page_cursor_may_be_null_a_number_or_a_string(router, make_client, cursor):
    router.get(EXPORT).mock(side_effect=[page([book(1)], cursor=cursor), page([book(2)])])
    assert pull(make_client()) == ([1] if cursor is None else [1, 2])
