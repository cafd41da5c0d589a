"""Read into a --state library: a highlight extended on the device keeps its id, and a sidecar
read again changes nothing."""

from __future__ import annotations

import json

from koreader_sidecars import annotation, book, write_sidecar


def _highlights(path) -> list[tuple[str, str]]:
    return [(h["id"], h["text"]) for d in json.loads(path.read_text())["documents"] for h in d["highlights"]]


def test_a_highlight_extended_on_the_device_keeps_its_id_in_the_library(tmp_path, run_cli):
    other = annotation("Other.", 6)
    before = write_sidecar(tmp_path / "a", book([annotation("Simplify, simplify.", 4), other]))
    extended = annotation("Simplify, simplify. Instead of three meals a day", 4,
                          datetime_updated="2024-03-02 10:00:00")
    after = write_sidecar(tmp_path / "b", book([extended, other]))
    state = tmp_path / "state.sqlite"
    for sidecar, out in ((before, "1.json"), (after, "2.json")):
        result = run_cli("convert", sidecar, "--state", state, "--to", "json", "--out", tmp_path / out)
        assert result.exit_code == 0, result.output
    first, second = _highlights(tmp_path / "1.json"), _highlights(tmp_path / "2.json")
    assert [i for i, _ in second] == [i for i, _ in first]
    assert second[0][1] == "Simplify, simplify. Instead of three meals a day"


def test_reading_the_same_sidecar_again_leaves_the_output_unchanged(tmp_path, run_cli):
    sidecar = write_sidecar(tmp_path, book([annotation("Simplify, simplify.", 4, note="n")]))
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("convert", sidecar, "--state", state, "--to", "json", "--out", out).exit_code == 0
    written = out.read_bytes()
    again = run_cli("convert", sidecar, "--state", state, "--to", "json", "--out", out)
    assert again.exit_code == 0
    assert "outputs: 1 unchanged" in again.output
    assert out.read_bytes() == written
