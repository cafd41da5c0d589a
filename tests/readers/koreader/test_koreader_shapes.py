"""Any table of any shape where KOReader keeps annotations and book fields (a sidecar edited by
hand, another version's, a damaged one that still parses) gives documents and reported
problems, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from koreader_sidecars import read, sidecar_text

from excerpta.errors import InputError

_FIELDS = ["text", "note", "notes", "chapter", "color", "drawer", "datetime", "datetime_updated", "page",
           "pageno", "pageref", "pos0", "pos1", "highlighted", "x", "y", "title", "authors", "md5",
           "identifiers", "description"]
_SCALARS = st.one_of(st.text(max_size=12),
                     st.sampled_from(["2024-03-01 10:00:00", "/body/p[1]/text().3", ""]),
                     st.integers(-3, 40), st.floats(allow_nan=False), st.booleans())
_KEYS = st.one_of(st.sampled_from(_FIELDS), st.integers(-1, 6))
_VALUES = st.recursive(_SCALARS, lambda inner: st.dictionaries(_KEYS, inner, max_size=6), max_leaves=40)
_ENTRY = st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=8)
_LIST = st.dictionaries(st.integers(-1, 6), st.one_of(_ENTRY, _SCALARS), max_size=5)
_SIDECARS = st.fixed_dictionaries({}, optional={
    "annotations": st.one_of(_LIST, _VALUES), "bookmarks": st.one_of(_LIST, _VALUES),
    "highlight": st.one_of(st.dictionaries(st.integers(-1, 6), st.one_of(_LIST, _SCALARS), max_size=4),
                           _VALUES),
    "doc_props": st.one_of(_ENTRY, _SCALARS), "stats": st.one_of(_ENTRY, _SCALARS), "summary": _VALUES,
    "partial_md5_checksum": _SCALARS, "doc_path": _SCALARS})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=_SIDECARS)
# Found by CI: a highlight whose time matched no bookmark's took the last bookmark left, and the
# claim then read past the end of the list it had just emptied.
@example(table={"annotations": "", "highlight": {"text": {}, 0: {0: {}}}, "bookmarks": {
    0: {"highlighted": "0", "text": {}, "note": {}, "notes": {}, "pos0": {}}}})
def test_a_table_of_any_shape_gives_documents_and_problems_never_a_crash(tmp_path, table):
    path = tmp_path / "metadata.epub.lua"
    path.write_text(sidecar_text(table), encoding="utf-8")
    try:
        documents, state = read(path)
    except InputError as err:
        message = str(err)
        assert message.startswith(str(path))
        assert "\n" not in message
        return
    ids = [h.id for d in documents for h in d.highlights]
    assert len(ids) == len(set(ids))
    assert all("\n" not in str(problem) for problem in state.problems)  # one line each
