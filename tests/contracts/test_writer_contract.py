"""Every registered writer of files passes these: deterministic, idempotent, atomic, inside
its folder.

A new writer gets these tests by registering itself; nothing here names a format. A writer
sending to a service (``target = "remote"``) writes no file: its own tests run it against a
fake of the service (``tests/readwise/test_readwise_writer.py``).
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from excerpta import registry
from excerpta.adapters import ReadState, Writer
from excerpta.identity import document_id, highlight_id
from excerpta.model import Document, Highlight
from excerpta.output import OutputSink
from excerpta.output_targets import make_sink
from excerpta.readers.canonical_json import JsonReader
from excerpta.remote_sink import RemoteSink
from excerpta.sink import Sink
from excerpta.store import open_store

from paths import EXAMPLES

HOSTILE_TITLES = ["../../escape", "/etc/passwd", "CON", "a:b|c?*<>\"", "..", "line\nbreak ---",
                  "桜" * 120, "{{ title }} {% if x %}", ".hidden", "trailing. "]


def _library() -> list[Document]:
    documents = list(JsonReader().read(str(EXAMPLES / "library.json"), ReadState()))
    for title in HOSTILE_TITLES:
        doc_id = document_id(title, "Anon")
        text = f"text of {title} <script>alert(1)</script> =1+1"
        documents.append(Document(id=doc_id, title=title, author="Anon", category="books",
                                  highlights=[Highlight(id=highlight_id(doc_id, text), text=text)]))
    return documents


def _write(writer_name: str, out: Path, state_path: Path) -> list:
    writer_cls = registry.writer(writer_name)
    state = open_store(state_path)
    try:
        sink = make_sink(writer_cls, out, job="contract", manifest=state, force=False, dry_run=False,
                         persistent_library=True)
        writer_cls().write(_library(), sink)
        state.commit_outputs(sink.pending_records())
        return sink.outcomes
    finally:
        state.close()


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(params=sorted(name for name, cls in registry.writers().items() if cls.target != "remote"))
def writer_name(request) -> str:
    return request.param


def _out(tmp_path: Path, writer_name: str) -> tuple[Path, Path]:
    root = tmp_path / "out"
    target = root if registry.writer(writer_name).target == "folder" else root / "output.file"
    return root, target


def test_writes_only_inside_its_output_and_leaves_no_temporary_files(writer_name, tmp_path):
    root, target = _out(tmp_path, writer_name)
    outcomes = _write(writer_name, target, tmp_path / "state.sqlite")
    assert outcomes
    assert all(o.action == "create" for o in outcomes)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != tmp_path]
    assert written
    assert all(p.resolve().is_relative_to(root.resolve()) for p in written)
    assert not [p for p in written if p.name.endswith(".tmp")]


def test_writing_the_same_library_again_changes_nothing(writer_name, tmp_path):
    root, target = _out(tmp_path, writer_name)
    _write(writer_name, target, tmp_path / "state.sqlite")
    before = _snapshot(root)
    outcomes = _write(writer_name, target, tmp_path / "state.sqlite")
    assert {o.action for o in outcomes} <= {"unchanged", "skip"}
    assert _snapshot(root) == before


def test_the_same_library_renders_to_the_same_bytes_anywhere(writer_name, tmp_path):
    first_root, first = _out(tmp_path / "a", writer_name)
    second_root, second = _out(tmp_path / "b", writer_name)
    _write(writer_name, first, tmp_path / "a.sqlite")
    _write(writer_name, second, tmp_path / "b.sqlite")
    assert {k: v[0] for k, v in _snapshot(first_root).items()} == {
        k: v[0] for k, v in _snapshot(second_root).items()}


def test_every_writer_has_a_description(writer_name):
    assert registry.writer(writer_name).description.strip()


@pytest.mark.parametrize("name", sorted(registry.writers()))
def test_every_writer_names_the_sink_its_target_hands_it(name, tmp_path):
    """A writer's base class names the sink it takes (``Writer[OutputSink]``), which is the
    sink its target makes (a Sink), and its write takes that sink: no narrowing of the base."""
    writer_cls = registry.writer(name)
    (taken,) = {arg for base in getattr(writer_cls, "__orig_bases__", ())
                if typing.get_origin(base) is Writer for arg in typing.get_args(base)}
    assert taken is (RemoteSink if writer_cls.target == "remote" else OutputSink)
    assert typing.get_type_hints(writer_cls.write)["sink"] is taken
    state = open_store(tmp_path / "state.sqlite")
    try:
        out = writer_cls.remote_name if writer_cls.target == "remote" else tmp_path / "out"
        sink = make_sink(writer_cls, out, job="contract", manifest=state, force=False, dry_run=True,
                         persistent_library=True, library=state)
    finally:
        state.close()
    assert type(sink) is taken
    assert isinstance(sink, Sink)
