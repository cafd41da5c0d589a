"""Fixtures of the client tests: a respx router as the transport and a fake clock."""

from __future__ import annotations

import httpx
import pytest
import respx

from excerpta.clients.readwise import ReadwiseClient
from excerpta.clients.readwise_settings import ReadwiseSettings

from .fake_clock import FakeClock

API = "https://readwise.test"
TOKEN = "tok_unit_test_0123456789abcdef"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def router():
    with respx.MockRouter(base_url=API, assert_all_called=False) as mock_router:
        yield mock_router


@pytest.fixture
def make_client(router, clock):
    """Build a client on the respx router with the fake clock and jitter fixed at 0.5."""
    clients = []

    def make(**kwargs):
        settings = ReadwiseSettings(token=TOKEN, api_url=API)
        options = {"clock": clock.monotonic, "now": clock.now, "sleep": clock.sleep,
                   "rand": lambda: 0.5, **kwargs}
        client = ReadwiseClient(settings, transport=httpx.MockTransport(router.handler), **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
