"""A folder of sidecars: a device's drive, a books folder, KOReader's docsettings and
hashdocsettings trees, a Kobo's hidden ``.adds/koreader``, one ``.sdr`` folder; and the CLI."""

from __future__ import annotations

import json
import os
import shutil

from koreader_sidecars import CURRENT, LEGACY, annotation, book, problems, read, write_sidecar

from excerpta import registry
from excerpta.adapters import InputProbe

from paths import CORPUS


def _device(tmp_path):
    """A drive with a sidecar beside its book, one in docsettings and one in hashdocsettings."""
    drive = tmp_path / "drive"
    beside = drive / "books" / "Thoreau" / "Walden.epub.sdr"
    beside.mkdir(parents=True)
    shutil.copyfile(CURRENT, beside / "metadata.epub.lua")
    shutil.copyfile(CURRENT, beside / "metadata.epub.lua.old")  # KOReader's backup: not read
    (drive / "books" / "Thoreau" / "Walden.epub").write_bytes(b"PK\x03\x04" + b"\0" * 60)
    settings = drive / "koreader" / "docsettings" / "mnt" / "us" / "documents" / "Parent.epub.sdr"
    settings.mkdir(parents=True)
    shutil.copyfile(LEGACY, settings / "metadata.epub.lua")
    hashed = drive / "koreader" / "hashdocsettings" / "01" / "0123456789abcdef0123456789abcdef.sdr"
    write_sidecar(hashed.parent, book([annotation("Simplify.", 3)]), book=hashed.name.removesuffix(".sdr"))
    (drive / "koreader" / "settings.reader.lua").write_text('return {\n    ["font_size"] = 22,\n}\n')
    return drive


def test_a_drive_reads_every_sidecar_under_it_and_no_backup(tmp_path):
    drive = _device(tmp_path)
    assert registry.detect_reader(InputProbe.of(str(drive))).name == "koreader"
    documents, state = read(drive)
    assert problems(state) == []
    assert sorted(d.title for d in documents) == [
        "86--EIGHTY-SIX, Volume 13 nijafsvddavsfjdfashij", "Between Parent and Child", "Walden"]
    assert sum(len(d.highlights) for d in documents) == 4 + 5 + 1


def test_a_kobos_hidden_koreader_folder_is_read_and_one_sdr_folder_alone_too(tmp_path):
    kobo = tmp_path / "KOBOeReader"
    (kobo / ".kobo").mkdir(parents=True)
    sdr = kobo / ".adds" / "koreader" / "docsettings" / "mnt" / "onboard" / "Walden.epub.sdr"
    sdr.mkdir(parents=True)
    shutil.copyfile(CURRENT, sdr / "metadata.epub.lua")
    (documents, _), (alone, _) = read(kobo), read(sdr)
    assert [d.id for d in documents] == [d.id for d in alone] == ["koreader-58360b6aedb91b5c172a08319c8563c4"]


def test_a_damaged_sidecar_in_a_folder_is_reported_and_the_others_read(tmp_path):
    drive = _device(tmp_path)
    broken = drive / "books" / "Broken.pdf.sdr" / "metadata.pdf.lua"
    broken.parent.mkdir()
    broken.write_bytes(b'return {\n    ["annotations"] = {\n')
    documents, state = read(drive)
    assert len(documents) == 3
    assert problems(state) == [f"{broken}: not a KOReader sidecar: line 3: the file ends inside a table"]


def test_a_folder_without_sidecars_is_not_recognised_and_refused_when_named(tmp_path, run_cli):
    (tmp_path / "empty.sdr").mkdir()
    (tmp_path / "empty.sdr" / "book.azw3f").write_bytes(b"\0\1")
    assert registry.reader("koreader").recognize(InputProbe.of(str(tmp_path))) == 0
    result = run_cli("convert", tmp_path, "--from", "koreader", "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 2
    assert "no KOReader sidecar (<book>.sdr/metadata.<ext>.lua) in this folder" in result.output


def test_on_a_kindle_the_clippings_and_every_sidecar_are_read(tmp_path, run_cli):
    kindle = tmp_path / "Kindle"
    documents = kindle / "documents"
    (documents / "Walden.sdr").mkdir(parents=True)
    shutil.copyfile(CORPUS / "kindle_clippings" / "hadynz_simple.txt", documents / "My Clippings.txt")
    shutil.copyfile(CURRENT, documents / "Walden.sdr" / "metadata.epub.lua")
    shutil.copyfile(CURRENT, documents / "Walden.sdr" / "metadata.epub.lua.old")
    out = tmp_path / "out.json"
    result = run_cli("convert", kindle, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    sources = sorted(d["source"] for d in json.loads(out.read_text())["documents"])
    assert sources.count("koreader") == 1
    assert "kindle" in sources


def test_convert_to_json_through_the_cli_with_the_timezone_option(tmp_path, run_cli):
    out = tmp_path / "out.json"
    result = run_cli("convert", LEGACY, "--timezone", "America/New_York", "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    (document,) = json.loads(out.read_text())["documents"]
    assert document["id"] == "koreader-9ff924f34f97bbf011b6067214538ef5"
    assert document["source"] == "koreader"
    notes = {h["text"]: h["note"] for h in document["highlights"]}
    assert notes["ALLACE GODDARD"] == "more testing - note added on laptop"
    times = {h["text"]: h["highlighted_at"] for h in document["highlights"]}
    assert times["Nancy Goddard"] == "2023-01-23T06:20:41-05:00"


def test_convert_to_obsidian_writes_one_note_per_book_with_notes_and_pages(tmp_path, run_cli):
    vault = tmp_path / "vault"
    result = run_cli("convert", CURRENT, LEGACY, "--to", "obsidian", "--out", vault)
    assert result.exit_code == 0, result.output
    notes = {path.name: path.read_text() for path in vault.rglob("*.md")}
    assert len(notes) == 2
    (eighty_six,) = [text for name, text in notes.items() if name.startswith("86")]
    assert "Artillery units fought their battles" in eighty_six
    assert "- Note: yay" in eighty_six
    assert "(Page\u00a021)" in eighty_six
    again = run_cli("convert", CURRENT, LEGACY, "--to", "obsidian", "--out", vault)
    assert again.exit_code == 0
    assert {path.name: path.read_text() for path in vault.rglob("*.md")} == notes


def test_a_damaged_sidecar_given_alone_exits_2_with_one_line(tmp_path, run_cli):
    path = tmp_path / "metadata.epub.lua"
    path.write_bytes(b"")
    result = run_cli("convert", path, "--to", "json", "--out", tmp_path / "o.json")
    assert result.exit_code == 2
    assert f"{path}: an empty file, not a KOReader sidecar" in result.output
    assert "Traceback" not in result.output


def test_a_kobo_drive_reads_the_kobos_highlights_and_koreaders_settings_sidecars(run_cli, tmp_path):
    # The kobo reader takes the drive (its database); KOReader's sidecars in the hidden
    # .adds/koreader were left out without a word (new-readers audit 2).
    drive = tmp_path / "KOBOeReader"
    (drive / ".kobo").mkdir(parents=True)
    kobo = CORPUS / "kobo" / "SYNTHETIC_KoboReader_v174_nocolor.sqlite"
    shutil.copyfile(kobo, drive / ".kobo" / "KoboReader.sqlite")
    settings = drive / ".adds" / "koreader" / "docsettings" / "mnt" / "onboard" / "Walden.epub.sdr"
    settings.mkdir(parents=True)
    shutil.copyfile(CURRENT, settings / "metadata.epub.lua")
    (drive / ".adds" / "koreader" / "settings.reader.lua").write_text('return {["font_size"] = 22}')
    assert registry.detect_reader(InputProbe.of(str(drive))).name == "kobo"
    out = tmp_path / "out.json"
    result = run_cli("convert", drive, "--to", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert "(1 koreader, 1 kobo)" in result.output or "(1 kobo, 1 koreader)" in result.output
    sources = {d["source"] for d in json.loads(out.read_text(encoding="utf-8"))["documents"]}
    assert sources == {"kobo", "koreader"}


def test_a_book_without_a_title_named_in_latin1_is_titled_by_its_name_read_as_windows_1252(tmp_path):
    # A folder a Latin-1 system named (b"Caf\xe9.epub.sdr"): the title is "Café", never the
    # lone surrogate Python gives the undecodable byte, which no document can be written with.
    write_sidecar(tmp_path, {"annotations": [annotation("Simplify.", 3)]}, book=os.fsdecode(b"Caf\xe9.epub"))
    documents, state = read(tmp_path)
    assert problems(state) == []
    assert [document.title for document in documents] == ["Café"]
