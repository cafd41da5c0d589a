"""The client against the fake server over real HTTP: the faults only a socket can produce.

Waits go to a fake clock (no real backoff); only the slow-response test spends real time,
the 0.5 s read timeout.
"""

from __future__ import annotations

import time

import pytest

from clients.fake_clock import FakeClock
from excerpta.clients.readwise import ReadwiseClient
from excerpta.clients.readwise_settings import ReadwiseSettings
from excerpta.errors import FatalSourceError, RetriableSourceError

from .fake_readwise import Fault


@pytest.fixture
def server(fake_readwise):
    return fake_readwise(highlights=400, page_size=100)


def client_for(server, clock, **settings):
    config = ReadwiseSettings(token=server.token, api_url=server.url, **settings)
    return ReadwiseClient(config, clock=clock.monotonic, now=clock.now, sleep=clock.sleep, rand=lambda: 0.5)


def pull_ids(client):
    return [h["id"] for page in client.export() for b in page.results for h in b["highlights"]]


@pytest.mark.parametrize("fault", [Fault.drop(), Fault.malformed(), Fault.server_error(503)],
                         ids=["dropped-connection", "malformed-json", "503"])
def test_a_transient_fault_mid_pull_is_retried_and_nothing_is_lost(server, fault):
    clock = FakeClock()
    server.inject(fault, at=2)
    with client_for(server, clock) as client:
        assert sorted(pull_ids(client)) == sorted(server.highlight_ids())
    pages = server.pages_needed()
    assert len(server.export_requests) == pages + 1
    assert clock.sleeps == [0.5]


def test_an_answer_trickling_in_past_its_deadline_is_retried(server):
    # Readwise audit: each read within the read timeout, the whole page 150 s (and no end in
    # principle: a daemon's job held).
    clock = FakeClock()
    server.inject(Fault.trickle(0.5), at=2)  # ten pieces, 0.5 s apart: 5 s for the page
    with client_for(server, clock, read_timeout=1.0, answer_deadline=0.5) as client:
        started = time.monotonic()
        assert sorted(pull_ids(client)) == sorted(server.highlight_ids())
        assert time.monotonic() - started < 4.0  # given up at the deadline, not read to the end
    assert clock.sleeps == [0.5]  # one retry
    assert len(server.export_requests) == server.pages_needed() + 1


def test_an_answer_larger_than_the_limit_decoded_stops_the_pull_without_a_retry(server):
    # Security audit: a 2 MB gzip body inflating to 2 GiB took 6.4 GB of memory, six times.
    clock = FakeClock()
    server.inject(Fault.gzip_bomb(8 << 20), at=2)  # 8 KiB on the wire
    with client_for(server, clock, answer_limit=1 << 20) as client, pytest.raises(FatalSourceError) as caught:
        pull_ids(client)
    assert "answer to GET /api/v2/export/ at" in str(caught.value)
    assert "is larger than 1 MiB" in str(caught.value)
    assert len(server.export_requests) == 2
    assert clock.sleeps == []


def test_a_web_page_mid_pull_is_retried_but_one_as_the_first_answer_names_the_url(server):
    # A proxy's page after pages of JSON (Readwise audit: it stopped the pull, blaming the URL).
    clock = FakeClock()
    server.inject(Fault.web_page(), at=2)
    with client_for(server, clock) as client:
        assert sorted(pull_ids(client)) == sorted(server.highlight_ids())
    assert clock.sleeps == [0.5]
    server.inject(Fault.web_page(), at=len(server.export_requests) + 1)
    with client_for(server, FakeClock()) as client, pytest.raises(FatalSourceError) as caught:
        pull_ids(client)
    assert "a web page (HTML), not JSON: is READWISE_API_URL the Readwise API?" in str(caught.value)


def test_a_long_wait_is_said_without_v_and_a_retry_too(server, caplog):
    # Readwise audit: 60 s of a silent terminal after a 429 without Retry-After.
    server.inject(Fault.rate_limit("garbage"), at=2)
    server.inject(Fault.server_error(503), at=4)
    with caplog.at_level("WARNING", logger="excerpta"), client_for(server, FakeClock()) as client:
        assert len(pull_ids(client)) == 400
    said = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(said) == 2
    assert said[0].startswith("Readwise asked to wait (HTTP 429 on /api/v2/export/): waiting 63 s, until ")
    assert said[1] == "Readwise GET /api/v2/export/ failed (HTTP 503): retry 1 in 0.5 s"


def test_a_slow_response_times_out_and_is_retried(server):
    clock = FakeClock()
    server.inject(Fault.slow(2.0), at=1)
    with client_for(server, clock, read_timeout=0.5) as client:
        assert len(pull_ids(client)) == 400
    assert len(server.export_requests) == server.pages_needed() + 1
    assert clock.sleeps == [0.5]


def test_a_429_from_the_server_waits_its_retry_after(server):
    clock = FakeClock()
    server.inject(Fault.rate_limit("12"), at=3)
    with client_for(server, clock) as client:
        assert len(pull_ids(client)) == 400
    assert clock.sleeps == [pytest.approx(12 * 1.05)]
    assert server.export_requests[2].params == server.export_requests[3].params


def test_a_wrong_token_is_rejected_once(server):
    clock = FakeClock()
    config = ReadwiseSettings(token="not_the_right_token", api_url=server.url)
    with ReadwiseClient(config, sleep=clock.sleep) as client, pytest.raises(FatalSourceError):
        client.check_auth()
    assert [r.authorized for r in server.requests] == [False]


def test_a_429_asking_for_longer_than_the_cap_ends_the_pull_at_once(server):
    clock = FakeClock()
    server.inject(Fault.rate_limit("3600"), at=3)
    with client_for(server, clock) as client, pytest.raises(RetriableSourceError) as caught:
        pull_ids(client)
    assert str(caught.value) == ("Readwise is rate-limiting (HTTP 429) and asked to wait 3600 s, until "
                                 "2026-11-25 13:00:00 UTC, longer than excerpta waits (300 s at most); "
                                 "run again after that")
    assert (len(server.export_requests), clock.sleeps) == (3, [])


def test_a_page_that_stays_malformed_fails_saying_where_its_json_breaks(server):
    for attempt in range(1, 11):
        server.inject(Fault.malformed(), at=attempt)
    with client_for(server, FakeClock()) as client, pytest.raises(RetriableSourceError) as caught:
        pull_ids(client)
    assert "(last: malformed JSON: Unterminated string starting at line 1, column 48)" in str(caught.value)
