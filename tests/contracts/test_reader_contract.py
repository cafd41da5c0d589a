"""Every registered file reader passes these: recognises its input, stable unique ids,
garbage reported rather than crashing. A reader joins by adding its samples below."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excerpta import registry
from excerpta.adapters import InputProbe, ReadState
from excerpta.errors import InputError
from excerpta.model import Document, Highlight

from paths import CORPUS, EXAMPLES

# Real inputs per reader (examples/ or the shared corpus). Readers of remote sources are
# listed in NETWORK_READERS and tested against the fake server instead.
VAULT = CORPUS / "readwise" / "obsidian-official" / "jimbrig-vault"
READER_SAMPLES: dict[str, list[Path]] = {
    "json": [EXAMPLES / "library.json"],
    "jsonl": [EXAMPLES / "library.jsonl"],
    "readwise-csv": sorted((CORPUS / "readwise" / "csv-export").glob("*.csv")),
    "readwise-json": [*sorted((CORPUS / "readwise" / "api-v2-real-snippets").glob("*export*.json")),
                      *sorted((CORPUS / "readwise" / "synthetic").glob("v2-export-*.json"))],
    "readwise-md": [CORPUS / "readwise" / "markdown-export" / "steshinss" / "Readwise", VAULT,
                    *sorted(VAULT.glob("Readwise/*/*.md"))],
    "kindle": [EXAMPLES / "My Clippings.txt", *sorted((CORPUS / "kindle_clippings").glob("*.txt"))],
    "kindle-html": sorted((CORPUS / "kindle_notebook_html").glob("*.html")),
    "hypothesis": sorted((CORPUS / "hypothesis").glob("*.json")),
    "apple-books": [CORPUS / "apple_books" / "SYNTHETIC" / "AEAnnotation_v10312011_1727_local.sqlite",
                    CORPUS / "apple_books" / "SYNTHETIC"],
    "kobo": sorted((CORPUS / "kobo").glob("*.sqlite")),
    "koreader": sorted((CORPUS / "koreader").glob("*.lua")),
    "tolino": [EXAMPLES / "tolino_notes.txt"],
    "inbox": [EXAMPLES / "inbox.jsonl"],
    "moonreader": [EXAMPLES / "moonreader_backup.mrpro"],
    "moonreader-export": [EXAMPLES / "moonreader_export.mrexpt"],
    "pocketbook": [EXAMPLES / "pocketbook_books.db"],
    "pocketbook-html": [EXAMPLES / "pocketbook_notes.html"],
    "play-books": [EXAMPLES / "play_books_walden.docx", EXAMPLES / "play_books_meditations.zip"],
}
NETWORK_READERS = {"readwise", "hypothesis-api"}  # tested end to end against their fake servers


def test_every_reader_has_samples_or_is_a_network_reader():
    assert set(registry.readers()) == set(READER_SAMPLES) | NETWORK_READERS


SAMPLES = [(name, path) for name, paths in READER_SAMPLES.items() for path in paths]


@pytest.mark.parametrize(("name", "sample"), SAMPLES, ids=[f"{n}:{p.name}" for n, p in SAMPLES])
def test_reader_recognises_its_sample(name, sample):
    assert registry.detect_reader(InputProbe.of(str(sample))).name == name


@pytest.mark.parametrize(("name", "sample"), SAMPLES, ids=[f"{n}:{p.name}" for n, p in SAMPLES])
def test_reading_twice_gives_the_same_documents_and_ids_are_unique(name, sample):
    reader = registry.reader(name)()
    first = list(reader.read(str(sample), ReadState()))
    second = list(registry.reader(name)().read(str(sample), ReadState()))
    assert first
    assert first == second
    highlight_ids = [h.id for d in first for h in d.highlights]
    assert len(highlight_ids) == len(set(highlight_ids))


@pytest.mark.parametrize("name", sorted(READER_SAMPLES))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(max_size=2000))
def test_garbage_is_reported_or_refused_never_a_crash(tmp_path, name, garbage):
    path = tmp_path / "garbage.bin"
    path.write_bytes(garbage)
    state = ReadState()
    try:
        list(registry.reader(name)().read(str(path), state))
    except InputError as err:
        message = str(err)
    else:
        return
    assert message.startswith(str(path))
    assert "\n" not in message


# Bytes a real file may hold: any bytes, and text with CSV's, HTML's and line endings'
# characters in any encoding (with or without a byte order mark).
_TEXTY = st.text(st.sampled_from('ab,;"<>/=\r\n\t\x00\ufeff-|é位'), max_size=300)
_ANY_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda text, encoding: text.encode(encoding, "replace"), _TEXTY,
              st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"])),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=_ANY_BYTES)
def test_recognising_a_file_of_any_bytes_never_raises(tmp_path, content):
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    probe = InputProbe.of(str(path))
    for name, reader in registry.readers().items():
        assert 0 <= reader.recognize(probe) <= 100, name


@pytest.mark.parametrize("name", sorted(registry.readers()))
def test_what_a_reader_leaves_to_the_library_names_fields_of_the_model_never_an_id(name):
    reader = registry.reader(name)
    assert reader.unknown_when_empty <= set(Highlight.model_fields) - {"id"}
    assert reader.document_unknown_when_empty <= set(Document.model_fields) - {"id", "highlights"}
    # the canonical formats are lossless: every field they hold is said
    if name in ("json", "jsonl"):
        assert reader.unknown_when_empty == reader.document_unknown_when_empty == frozenset()
