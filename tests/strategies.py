"""Hypothesis strategies for canonical libraries (shared by property tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

from excerpta.identity import document_id, highlight_id, normalize_text
from excerpta.model import Category, Document, Highlight, LocationType

# Text as people highlight it: any Unicode except surrogates, including newlines and quotes.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
optional_texts = st.none() | st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
zones = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])
timestamps = st.none() | st.builds(
    lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    zones,
)
positions = st.none() | st.integers(min_value=0, max_value=10**9) | st.sampled_from(["xii", "iv"])
tag_lists = st.lists(st.text(min_size=1, max_size=12), max_size=3)
external = st.dictionaries(st.sampled_from(["readwise", "reader", "kobo"]), st.text(min_size=1, max_size=8),
                           max_size=2)


@st.composite
def highlights(draw: st.DrawFn, doc_id: str) -> Highlight:
    text = draw(texts)
    location = draw(positions)
    return Highlight(
        id=highlight_id(doc_id, text, location) + draw(st.sampled_from(["", "x"])),
        text=text, note=draw(optional_texts), location=location,
        location_type=draw(st.none() | st.sampled_from(list(LocationType))),
        end_location=draw(positions), color=draw(optional_texts),
        highlighted_at=draw(timestamps), updated_at=draw(timestamps), url=draw(optional_texts),
        tags=draw(tag_lists), is_favorite=draw(st.booleans()), is_deleted=draw(st.booleans()),
        external_ids=draw(external),
    )


@st.composite
def documents(draw: st.DrawFn) -> Document:
    title = draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
                 .filter(lambda t: normalize_text(t) != ""))
    author = draw(optional_texts)
    doc_id = document_id(title, author)
    items = draw(st.lists(highlights(doc_id), max_size=5, unique_by=lambda h: h.id))
    return Document(
        id=doc_id, title=title, readable_title=draw(optional_texts), author=author,
        category=draw(st.none() | st.sampled_from(list(Category))),
        source=draw(optional_texts), url=draw(optional_texts), cover_image_url=draw(optional_texts),
        asin=draw(optional_texts), tags=draw(tag_lists), document_note=draw(optional_texts),
        summary=draw(optional_texts), external_ids=draw(external), highlights=items,
    )


def _unique_highlights(docs: list[Document]) -> bool:
    ids = [h.id for d in docs for h in d.highlights]
    return len(ids) == len(set(ids))


libraries = st.lists(documents(), max_size=6, unique_by=lambda d: d.id).filter(_unique_highlights)
