"""The ``highlight_url`` excerpta's ``readwise`` writer sends, read back: Readwise keeps it as
the highlight's ``url``, and the ingest endpoint gets it as sent.

The writer sends a highlight's own ``http(s)`` link with ``#excerpta-<id>`` after it, else
``excerpta://highlight/<id>`` (see :mod:`excerpta.writers.readwise.payload`): what makes
sending again update the highlight in place. Read back, that is an identity, not a link: the
``excerpta://`` one opens nothing, and the mark is no part of the page's address. The id it
holds is the library's id of the highlight sent: read back into that library, Readwise's copy
is that highlight even after an edit there (``external_ids["excerpta"]``, which the merge
takes first).
"""

from __future__ import annotations

import re

from excerpta.identity import SENT_ID_KEY

OWN_SCHEME = "excerpta://highlight/"
OWN_SOURCE = "excerpta"  # the source_type the writer sends
_OWN_MARK = re.compile(r"#excerpta-(?P<id>[A-Za-z0-9][A-Za-z0-9_.:-]*)$")


def own_id(link: str) -> tuple[str | None, str | None]:
    """The id in a ``highlight_url`` excerpta's writer made (None: another's), and the
    highlight's own link it holds (None for none)."""
    if link.startswith(OWN_SCHEME) and len(link) > len(OWN_SCHEME):
        return link[len(OWN_SCHEME):], None
    if (mark := _OWN_MARK.search(link)) is not None:
        return mark.group("id"), link[:mark.start()]
    return None, link


def sent_ids(url: object, source: object) -> dict[str, str]:
    """The ``external_ids`` entry of the id in a highlight's ``url`` when its Readwise book is
    one excerpta's writer made (``source`` ``excerpta``), else none: another app's link that
    looks like ours names no highlight of ours."""
    if source != OWN_SOURCE or not isinstance(url, str):
        return {}
    sent = own_id(url)[0]
    return {} if sent is None else {SENT_ID_KEY: sent}


def own_link(url: object) -> object:
    """``url`` as a highlight's link: without the writer's mark, None for its ``excerpta://``
    identity; anything else (another app's link, a value that is no string) as it is."""
    if not isinstance(url, str):
        return url
    return own_id(url)[1]
