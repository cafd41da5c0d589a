"""A small client of the Hypothesis API: it knows HTTP and the API, not our model.

``userid()`` asks ``GET /api/profile`` whose account the token is (``acct:name@authority``);
``search(user, ...)`` yields the pages of ``GET /api/search`` for that user's annotations,
oldest change first (``sort=updated&order=asc``), as plain dicts (the mapping to the canonical
model is :mod:`excerpta.hypothesis.mapping`). The token travels as ``Authorization: Bearer``;
it comes from ``HYPOTHESIS_TOKEN`` or ``HYPOTHESIS_TOKEN_FILE``, the API URL from
``HYPOTHESIS_API_URL`` (default ``https://api.hypothes.is``), as
:mod:`excerpta.clients.api_settings` reads them.

What the API does, from its source (hypothesis/h ``h/search/query.py``, ``h/session.py``,
``h/security/policy/bearer_token.py``):

* a token it does not accept is no error: the request is served as an anonymous one (a
  search then finds only public annotations), and the profile's ``userid`` is null. So the
  profile is asked first, and a null ``userid`` is a FatalSourceError, as a 401 is;
* ``limit`` is at most 200 and ``offset`` at most 9800, so pages follow ``search_after``: the
  ``updated`` of the last row (compared in whole milliseconds, strictly after). Rows updated
  in the same millisecond as a page's last would be skipped, so the next page starts one
  millisecond earlier: that row comes again (the caller drops a row it has already seen) and
  none is lost. Should a whole page share one millisecond, the next starts after it (noted
  in ``crowded``: the search API pages no further within one millisecond), which the
  reader reports;
* a page of fewer rows than asked for is the last; ``total`` counts every row the search
  matches, whatever ``search_after`` says: the :class:`~excerpta.clients.paging.PageGuard`
  stops a server that pages far past it or sends the same ``search_after`` twice.

Retries, pacing (Hypothesis documents no rate limit: :data:`PER_MINUTE` after a burst of
:data:`BURST`) and answer limits are :class:`~excerpta.clients.api_client.ApiClient`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from excerpta.clients.api_client import ApiClient
from excerpta.clients.api_settings import ApiSettings, Service
from excerpta.clients.pacing import RateBudget
from excerpta.clients.paging import PageGuard
from excerpta.clients.responses import Malformed, json_body
from excerpta.errors import FatalSourceError

TOKEN_ENV = "HYPOTHESIS_TOKEN"
TOKEN_FILE_ENV = "HYPOTHESIS_TOKEN_FILE"
API_URL_ENV = "HYPOTHESIS_API_URL"
DEFAULT_API_URL = "https://api.hypothes.is"
TOKEN_PAGE = "https://hypothes.is/account/developer"
HYPOTHESIS = Service(name="Hypothesis", token_env=TOKEN_ENV, token_file_env=TOKEN_FILE_ENV,
                     api_url_env=API_URL_ENV, default_api_url=DEFAULT_API_URL, token_page=TOKEN_PAGE,
                     api_prefix="/api", auth_scheme="Bearer")
PROFILE_PATH = "/api/profile"
SEARCH_PATH = "/api/search"
PAGE_LIMIT = 200  # the API's largest limit
BURST = 60  # a pull of 12,000 annotations goes out unpaced
PER_MINUTE = 300.0
OVERLAP = timedelta(milliseconds=1)

log = logging.getLogger(__name__)


class HypothesisSettings(ApiSettings):
    """Connection settings of :class:`HypothesisClient`."""

    service: ClassVar[Service] = HYPOTHESIS


@dataclass(frozen=True)
class SearchPage:
    """One page of ``/api/search``: its rows (annotations, as sent) and the ``total`` it said."""

    rows: list[Any]
    total: Any


def search_body(response: httpx.Response) -> dict[str, Any]:
    """A search answer: an object with a ``rows`` list; else Malformed."""
    data = json_body(response)
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise Malformed('JSON without a "rows" list')
    return data


def profile_body(response: httpx.Response) -> dict[str, Any]:
    """A profile answer: an object with a ``userid`` (a string, or null); else Malformed."""
    data = json_body(response)
    if not isinstance(data, dict) or "userid" not in data:
        raise Malformed('JSON without "userid"')
    return data


def updated_of(row: Any) -> datetime | None:
    """A row's ``updated`` time (with its offset), or None."""
    value = row.get("updated") if isinstance(row, Mapping) else None
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return when if when is not None and when.tzinfo is not None else None


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


class HypothesisClient(ApiClient):
    """The Hypothesis API over httpx; use as a context manager or call :meth:`close`."""

    service: ClassVar[Service] = HYPOTHESIS
    answer_said: ClassVar[str] = "a page of 200 annotations is well under 10 MiB"

    @classmethod
    def default_budget(cls) -> RateBudget:
        return RateBudget(per_minute=PER_MINUTE, burst=BURST, limit_per_minute=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The update times (whole milliseconds) past which a search went on although more
        # annotations than a page holds share them: any more of those may be missing.
        self.crowded: list[datetime] = []

    def userid(self) -> str:
        """The account of the token (``acct:name@authority``), from ``GET /api/profile``.

        Raises FatalSourceError when the token is not accepted (the profile names no user, or
        HTTP 401/403), else the errors :class:`ApiClient` raises."""
        _, data = self._request(PROFILE_PATH, {}, parse=profile_body)
        userid = data["userid"]
        if not isinstance(userid, str) or not userid.strip():
            raise FatalSourceError(f"Hypothesis did not accept the token at {self.api_url} (its profile "
                                   f"names no user): get a new one at {TOKEN_PAGE} and set {TOKEN_ENV} "
                                   f"or {TOKEN_FILE_ENV}")
        return userid

    def search(self, user: str, *, updated_after: datetime | None = None,
               group: str | None = None) -> Iterator[SearchPage]:
        """Yield every page of ``user``'s annotations updated after ``updated_after`` (all when
        None), in ``group`` only when given, oldest change first; a row may come twice (see
        the module docstring). Raises FatalSourceError when the pagination runs away or a
        row has no ``updated`` to page on, else the errors :class:`ApiClient` raises."""
        params = {"user": user, "sort": "updated", "order": "asc", "limit": str(PAGE_LIMIT)}
        if group:
            params["group"] = group
        guard = PageGuard(self.api_url, "Hypothesis search", "annotations", "search_after")
        after = updated_after
        while True:
            page_params = params if after is None else {**params, "search_after": _stamp(after)}
            _, data = self._request(SEARCH_PATH, page_params, parse=search_body)
            page = SearchPage(rows=data["rows"], total=data.get("total"))
            following = None if len(page.rows) < PAGE_LIMIT else self._following(page.rows, after)
            guard.check(len(page.rows), page.total, None if following is None else _stamp(following))
            yield page
            if following is None:
                return
            after = following

    def _following(self, rows: list[Any], after: datetime | None) -> datetime:
        """Where the page after ``rows`` (a full page, asked for after ``after``) starts."""
        last = next((when for when in map(updated_of, reversed(rows)) if when is not None), None)
        if last is None:
            raise FatalSourceError(f"Hypothesis search at {self.api_url} sent a page without an "
                                   '"updated" time to page on; stopped')
        last = last.replace(microsecond=last.microsecond // 1000 * 1000)  # the index keeps milliseconds
        if after is not None and last - OVERLAP <= after:
            self.crowded.append(last)  # the reader reports it and keeps its cursor before it
            return last
        return last - OVERLAP
