"""A read-only output file is the user's "do not touch": left alone and reported (exit 1),
as Windows would refuse to replace it anyway; ``--force`` overwrites it (portability audit)."""

from __future__ import annotations

from paths import EXAMPLES


def test_a_read_only_output_is_left_alone_unless_forced(run_cli, tmp_path):
    out, library = tmp_path / "lib.jsonl", EXAMPLES / "library.json"
    assert run_cli("convert", library, "--to", "jsonl", "--out", out).exit_code == 0
    out.chmod(0o444)
    before = out.read_bytes()
    both = (library, EXAMPLES / "My Clippings.txt")
    result = run_cli("convert", *both, "--to", "jsonl", "--out", out)
    assert result.exit_code == 1
    assert f"excerpta: not overwritten: {out}: read-only; left alone (--force overwrites)" in result.output
    assert out.read_bytes() == before
    assert run_cli("convert", *both, "--to", "jsonl", "--out", out, "--force").exit_code == 0
    assert out.read_bytes() != before
    assert out.stat().st_mode & 0o777 == 0o444  # still yours to unlock
