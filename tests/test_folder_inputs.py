"""A folder holding files of several formats: each file is read by the reader that recognises
it, as if it had been given on the command line; nothing readable is left out without a word."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from excerpta import registry
from excerpta.adapters import InputProbe, Reader
from excerpta.folder_inputs import FolderFile, other_files

from paths import CORPUS

CLIPPINGS = CORPUS / "kindle_clippings" / "hadynz_simple.txt"  # 2 highlights
NOTEBOOK = CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html"  # 11
READWISE_CSV = CORPUS / "readwise" / "csv-export" / "dpastoor-readwise-data.2019.excerpt.csv"  # 30
READWISE_NOTE = CORPUS / "readwise/obsidian-official/lucasheriques-brain/Readwise/Books/Mindset.md"


def _folder(root: Path, files: dict[str, Path | str]) -> Path:
    """A folder of ``files`` (name: a corpus file, linked in place, or text)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            path.symlink_to(content)
        else:
            path.write_text(content)
    return root


def _highlights(output: Path) -> int:
    return sum(len(d["highlights"]) for d in json.loads(output.read_text())["documents"])


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return _folder(tmp_path / "exports", {"My Clippings.txt": CLIPPINGS, "notebook.html": NOTEBOOK,
                                          "readwise-data.csv": READWISE_CSV})


def test_a_folder_of_three_formats_is_read_by_each_reader(run_cli, tmp_path, exports):
    result = run_cli("convert", exports, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 0, result.output
    assert _highlights(tmp_path / "all.json") == 2 + 11 + 30
    assert "read 3 input(s) (1 kindle, 1 kindle-html, 1 readwise-csv): " in result.output


def test_a_folder_no_reader_recognises_as_a_whole_is_read_through_its_files(run_cli, tmp_path):
    folder = _folder(tmp_path / "downloads", {"2019/readwise-data.csv": READWISE_CSV, "todo.txt": "milk\n"})
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 0, result.output
    assert _highlights(tmp_path / "all.json") == 30


def test_with_from_only_that_formats_files_are_read_and_the_others_named_once(run_cli, tmp_path, exports):
    _folder(exports, {"older/clippings.txt": CORPUS / "kindle_clippings" / "hadynz_first-scenario.txt"})
    result = run_cli("convert", exports, "--from", "kindle", "--to", "json", "--out", tmp_path / "k.json")
    assert result.exit_code == 0, result.output
    alone = run_cli("convert", exports / "older" / "clippings.txt", "--to", "json", "--out", tmp_path / "o.o")
    assert alone.exit_code == 0, alone.output
    assert _highlights(tmp_path / "k.json") == 2 + _highlights(tmp_path / "o.o")
    assert result.output.count("warning") == 1
    assert (f"excerpta: warning: {exports}: 2 file(s) of other formats in this folder not read (--from "
            f"kindle): notebook.html (kindle-html), readwise-data.csv (readwise-csv); "
            "without --from they are read too") in result.output


def test_a_vaults_other_notes_and_attachments_are_skipped_silently(run_cli, tmp_path):
    vault = _folder(tmp_path / "vault", {"Readwise/Books/Mindset.md": READWISE_NOTE,
                                          "Daily/2026-01-01.md": "# Today\n\nRead a book.\n"})
    (vault / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8)
    result = run_cli("convert", vault, "--to", "json", "--out", tmp_path / "v.json")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert "read 1 input(s): 1 documents" in result.output


def test_a_vaults_own_note_holding_pasted_clippings_is_not_read_as_kindle(run_cli, tmp_path):
    vault = _folder(tmp_path / "vault", {"Readwise/Books/Mindset.md": READWISE_NOTE,
                                          "Inbox/pasted.md": CLIPPINGS.read_text(encoding="utf-8")})
    result = run_cli("convert", vault, "--to", "json", "--out", tmp_path / "v.json")
    assert result.exit_code == 0, result.output
    assert "read 1 input(s): 1 documents" in result.output
    assert [d["title"] for d in json.loads((tmp_path / "v.json").read_text())["documents"]] == ["Mindset"]


def test_a_file_of_the_folder_that_cannot_be_read_is_reported_and_the_others_read(run_cli, tmp_path, exports):
    (exports / "notebook.html").unlink()
    (exports / "readwise-data.csv").unlink()
    (exports / "broken.csv").write_text("Highlight,Title,Title\nsome text,A,B\n")
    result = run_cli("convert", exports, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 1, result.output
    assert f"skipped {exports}/broken.csv:1: the header names" in result.output
    assert _highlights(tmp_path / "all.json") == 2


def test_the_output_written_into_the_folder_is_not_read_back_as_an_input(run_cli, tmp_path, exports):
    out = exports / "library.json"
    first = run_cli("convert", exports, "--to", "json", "--out", out)
    again = run_cli("convert", exports, "--to", "json", "--out", out)
    assert (first.exit_code, again.exit_code) == (0, 0), again.output
    assert "read 3 input(s)" in again.output
    assert "outputs: 1 unchanged" in again.output


@pytest.fixture
def two_readers_of_tie_files() -> Iterator[None]:
    """Two readers (as plugins might ship them) equally sure they read a ``.tie`` file."""
    names = ("test-tie-a", "test-tie-b")
    for name in names:
        type(name, (Reader,), {"name": name, "recognize": classmethod(
            lambda cls, probe: 50 if probe.suffix == ".tie" else 0)})
    yield
    for name in names:
        registry._READERS.pop(name)


@pytest.mark.usefixtures("two_readers_of_tie_files")
def test_a_file_two_readers_are_equally_sure_of_is_named_and_not_read(run_cli, tmp_path, exports):
    (exports / "notes.tie").write_text("either\n")
    assert registry.best_readers(InputProbe.of(str(exports / "notes.tie"))) == [
        registry.reader("test-tie-a"), registry.reader("test-tie-b")]
    result = run_cli("convert", exports, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 0, result.output
    assert (f"{exports}: 1 file(s) in this folder not read, as they could be of either format: "
            "notes.tie (test-tie-a or test-tie-b); give each as an input of its own, "
            "with --from") in result.output


def test_with_from_a_reader_of_files_alone_reads_the_folders_files_of_its_format(run_cli, tmp_path, exports):
    out = tmp_path / "r.json"
    result = run_cli("convert", exports, "--from", "readwise-csv", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert _highlights(tmp_path / "r.json") == 30
    assert "read 1 input(s): " in result.output
    assert (f"{exports}: 2 file(s) of other formats in this folder not read (--from readwise-csv): "
            "My Clippings.txt (kindle), notebook.html (kindle-html)") in result.output


def test_with_from_a_folder_with_no_file_of_that_format_is_refused_in_one_line(run_cli, tmp_path, exports):
    (exports / "readwise-data.csv").unlink()
    out = tmp_path / "r.json"
    result = run_cli("convert", exports, "--from", "readwise-csv", "--to", "json", "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"excerpta: error: {exports}: readwise-csv reads neither this folder nor any file in it "
        "(--from readwise-csv); its files: My Clippings.txt (kindle), notebook.html (kindle-html)"]
    assert not (tmp_path / "r.json").exists()


def test_with_from_a_folder_reader_that_does_not_recognise_the_folder_reads_its_files_alone(
        run_cli, tmp_path):
    folder = _folder(tmp_path / "backup", {"older/clippings.txt": CLIPPINGS,
                                           "readwise-data.csv": READWISE_CSV})
    result = run_cli("convert", folder, "--from", "kindle", "--to", "json", "--out", tmp_path / "k.json")
    assert result.exit_code == 0, result.output
    assert "read 1 input(s): " in result.output
    assert _highlights(tmp_path / "k.json") == 2


@pytest.mark.parametrize("order", ["file first", "folder first"])
def test_a_file_given_and_found_in_a_folder_given_is_read_once(run_cli, tmp_path, exports, order):
    csv = exports / "readwise-data.csv"
    inputs = [csv, exports] if order == "file first" else [exports, csv]
    result = run_cli("convert", *inputs, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 0, result.output
    assert "read 3 input(s) (1 kindle, 1 kindle-html, 1 readwise-csv): " in result.output
    assert _highlights(tmp_path / "all.json") == 2 + 11 + 30


def test_a_file_the_folders_reader_reads_is_not_read_again_when_given_too(run_cli, tmp_path):
    vault = _folder(tmp_path / "vault", {"Readwise/Books/Mindset.md": READWISE_NOTE})
    broken = vault / "Readwise" / "Books" / "Broken.md"
    broken.write_bytes(READWISE_NOTE.read_bytes() + b"\xff")
    for inputs in ([broken, vault], [vault, broken], [vault, vault]):
        result = run_cli("convert", *inputs, "--to", "json", "--out", tmp_path / "v.json")
        assert result.exit_code == 1, result.output
        assert "read 1 input(s): 1 documents, 1 highlights; 1 record(s) skipped" in result.output
        assert result.output.count(f"skipped {broken}:") == 1
        assert ": not UTF-8 text (byte 0xFF)" in result.output


def test_the_notes_a_vaults_reader_reads_are_not_opened_to_find_its_other_files(tmp_path, monkeypatch):
    vault = _folder(tmp_path / "vault", {"Readwise/Books/Mindset.md": READWISE_NOTE,
                                          **{f"Daily/{day:02d}.md": "# Today\n" for day in range(1, 31)},
                                          "readwise-data.csv": READWISE_CSV})
    (vault / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8)
    opened: list[str] = []
    path_open = Path.open

    def recording_open(path: Path, *args: object, **kwargs: object) -> object:
        opened.append(path.name)
        return path_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", recording_open)
    found = other_files(vault, registry.reader("readwise-md"))
    assert found == [FolderFile(vault / "readwise-data.csv", (registry.reader("readwise-csv"),))]
    assert sorted(opened) == ["cover.png", "readwise-data.csv"]


@pytest.fixture
def reader_of_tie_folders() -> Iterator[type[Reader]]:
    """A reader (as a plugin might ship it) of folders of ``.tie`` files, recognised by their
    first line, whose folder mode reads what it recognises (the default ``reads_in_folder``)."""
    cls = type("test-tie-folder", (Reader,), {"name": "test-tie-folder", "recognize": classmethod(
        lambda cls, probe: 60 if probe.is_dir or probe.head.startswith(b"tie\n") else 0)})
    yield cls
    registry._READERS.pop(cls.name)


def test_a_folder_reader_that_decides_by_content_still_sees_each_files_first_bytes(
        tmp_path, reader_of_tie_folders):
    folder = _folder(tmp_path / "ties", {"a.tie": "tie\n", "b.tie": "not one\n",
                                         "readwise-data.csv": READWISE_CSV})
    assert [file.path.name for file in other_files(folder, reader_of_tie_folders)] == ["readwise-data.csv"]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault of one Readwise note and one that cannot be read, a Readwise CSV beside them."""
    folder = _folder(tmp_path / "vault", {"Readwise/Books/Mindset.md": READWISE_NOTE,
                                          "readwise-data.csv": READWISE_CSV})
    (folder / "Readwise" / "Books" / "Broken.md").write_bytes(READWISE_NOTE.read_bytes() + b"\xff")
    (tmp_path / "link").symlink_to(folder)
    return folder


@pytest.mark.parametrize("inputs", [
    ["vault", "vault/Readwise"], ["vault/Readwise/Books", "vault"], ["vault", "vault"],
    ["vault", "vault/./"], ["vault", "link"], ["link/Readwise", "vault", "link/Readwise/Books"]])
def test_a_folder_given_again_or_under_a_folder_given_is_read_and_counted_once(
        run_cli, tmp_path, vault, inputs):
    broken = vault / "Readwise" / "Books" / "Broken.md"
    result = run_cli("convert", *(f"{tmp_path}/{each}" for each in inputs),
                     "--to", "json", "--out", tmp_path / "v.json")
    assert result.exit_code == 1, result.output
    assert ("read 2 input(s) (1 readwise-csv, 1 readwise-md): 10 documents, 31 highlights; "
            "1 record(s) skipped") in result.output
    assert result.output.count("not UTF-8 text") == 1
    assert str(broken.relative_to(tmp_path)) in result.output
    assert _highlights(tmp_path / "v.json") == 1 + 30


def test_a_kindles_drive_and_its_documents_folder_read_its_clippings_once(run_cli, tmp_path):
    drive = _folder(tmp_path / "drive", {"documents/My Clippings.txt": CLIPPINGS,
                                          "backup/My Clippings.txt": CORPUS / "kindle_clippings"
                                          / "hadynz_first-scenario.txt"})
    for inputs in ([drive, drive / "documents"], [drive / "documents", drive]):
        result = run_cli("convert", *inputs, "--to", "json", "--out", tmp_path / "k.json")
        assert result.exit_code == 0, result.output
        assert "read 2 input(s): 3 documents, 7 highlights" in result.output
    # Under the drive, but not read by the drive's reader: read as a folder of its own, once.
    result = run_cli("convert", drive, drive / "backup", "--to", "json", "--out", tmp_path / "k.json")
    assert "read 2 input(s): 3 documents, 7 highlights" in result.output


def test_a_folders_unread_files_are_named_once_when_a_folder_under_it_is_given_too(
        run_cli, tmp_path, exports):
    _folder(exports, {"older/notes.html": NOTEBOOK})
    result = run_cli("convert", exports, exports / "older", exports, "--from", "kindle",
                     "--to", "json", "--out", tmp_path / "k.json")
    assert result.exit_code == 0, result.output
    assert result.output.count("warning") == 1
    assert "read 1 input(s): " in result.output


@pytest.mark.parametrize("order", ["file first", "folder first"])
def test_a_file_given_and_found_in_a_folder_given_fails_the_run_as_given_when_unreadable(
        run_cli, tmp_path, exports, order):
    broken = exports / "broken.csv"
    broken.write_text("Highlight,Title,Title\nsome text,A,B\n")
    inputs = [broken, exports] if order == "file first" else [exports, broken]
    result = run_cli("convert", *inputs, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"excerpta: error: {broken}:1: the header names two 'Title' columns (columns 2 and 3): "
        "expected each column once (rename or remove one)"]
    assert not (tmp_path / "all.json").exists()
