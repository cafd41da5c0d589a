"""A folder of JSON files saved by several applications (Hypothesis, Readwise's API,
excerpta's own library): each file is read by the reader it is of, never claimed by another
JSON reader and reported as "not its" (the known gap of a mixed JSON folder)."""

from __future__ import annotations

import json
from pathlib import Path

from excerpta.adapters import InputProbe
from excerpta.readers.hypothesis import HypothesisReader
from excerpta.readers.readwise_json import ReadwiseJsonReader

from paths import CORPUS, EXAMPLES

HYPOTHESIS = CORPUS / "hypothesis" / "SYNTHETIC_api_search_response.json"
READWISE_PAGE = CORPUS / "readwise" / "synthetic" / "v2-export-page1.synthetic.json"
LIBRARY = EXAMPLES / "library.json"


def _mixed(folder: Path, **extra: str) -> Path:
    folder.mkdir()
    for name, source in {"annotations.json": HYPOTHESIS, "export-1.json": READWISE_PAGE,
                         "library.json": LIBRARY}.items():
        (folder / name).symlink_to(source)
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _highlights(run_cli, tmp_path: Path, *inputs: Path, name: str, extra: tuple[str, ...] = ()) -> int:
    out = tmp_path / f"{name}.json"
    result = run_cli("convert", *inputs, *extra, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    return sum(len(d["highlights"]) for d in json.loads(out.read_text(encoding="utf-8"))["documents"])


def test_each_json_file_of_a_mixed_folder_is_read_by_its_own_reader(run_cli, tmp_path):
    folder = _mixed(tmp_path / "saved")
    result = run_cli("convert", folder, "--to", "json", "--out", tmp_path / "all.json")
    assert result.exit_code == 0, result.output  # was: "could be hypothesis or readwise-json"
    assert "read 3 input(s) (1 hypothesis, 1 json, 1 readwise-json): " in result.output
    files = (HYPOTHESIS, READWISE_PAGE, LIBRARY)
    alone = [_highlights(run_cli, tmp_path, path, name=path.stem) for path in files]
    assert _highlights(run_cli, tmp_path, folder, name="again") == sum(alone)
    assert all(alone)


def test_with_from_the_other_json_files_are_named_not_reported_as_bad(run_cli, tmp_path):
    folder = _mixed(tmp_path / "saved")
    result = run_cli("convert", folder, "--from", "hypothesis", "--to", "json", "--out", tmp_path / "h.json")
    assert result.exit_code == 0, result.output  # was 1: each other file "expected Hypothesis annotations"
    assert "expected Hypothesis" not in result.output
    assert "2 file(s) of other formats in this folder not read (--from hypothesis): " \
           "export-1.json (readwise-json), library.json (json)" in result.output
    assert _highlights(run_cli, tmp_path, folder, name="h2", extra=("--from", "hypothesis")) == _highlights(
        run_cli, tmp_path, HYPOTHESIS, name="alone")


def test_a_damaged_json_file_of_a_readers_folder_is_still_reported_by_it(tmp_path):
    # No reader recognises it: most likely one of the folder's own files, cut short.
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page-1.json").symlink_to(READWISE_PAGE)
    (folder / "page-2.json").write_text("{", encoding="utf-8")
    (folder / "notes.json").symlink_to(HYPOTHESIS)
    assert ReadwiseJsonReader.reads_in_folder(folder, InputProbe.of_file(folder / "page-2.json"))
    assert not ReadwiseJsonReader.reads_in_folder(folder, InputProbe.of_file(folder / "notes.json"))
    assert not HypothesisReader.reads_in_folder(folder, InputProbe.of_file(folder / "page-1.json"))
    # The folder mixes two readers' files: neither claims it as a whole.
    assert ReadwiseJsonReader.recognize(InputProbe.of(str(folder))) == 0
    assert HypothesisReader.recognize(InputProbe.of(str(folder))) == 0
    (folder / "notes.json").unlink()
    assert ReadwiseJsonReader.recognize(InputProbe.of(str(folder))) > 0
