"""The obsidian benchmark script runs, at a tiny size, and counts what it claims to count."""

from __future__ import annotations

import importlib.util

from paths import REPO

SCRIPT = REPO / "benchmarks" / "obsidian_render.py"


def _load():
    spec = importlib.util.spec_from_file_location("obsidian_render_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_counts_files_written_in_each_run(tmp_path):
    figures = _load().run(documents=20, highlights=3, workdir=tmp_path, repeat=1, foreign_notes=30)
    assert figures["highlights"] == 60
    assert figures["atomic"] is False
    assert figures["first_written"] == 20
    assert figures["unchanged_written"] == 0
    assert figures["one_percent_written"] == 1  # every hundredth document: the first of 20
    assert figures["added_written"] == 1  # a highlight added to that document
    # Two of the 20 notes edited by hand: merged (unchanged bytes where nothing upstream reached
    # them), none rewritten but the one whose highlight changed upstream.
    assert figures["edited_notes"] == 2
    assert figures["edited_written"] == 1
    notes = [p.read_text(encoding="utf-8") for p in (tmp_path / "vault0").rglob("*.md")]
    assert sum("- Status: read twice\n" in text and "## Highlights\n- (mine) " in text for text in notes) == 2
    assert sorted(p.name for p in (tmp_path / "plain0").rglob("*.md")) == \
        sorted(p.name for p in (tmp_path / "vault0").rglob("*.md"))


def test_the_users_own_vault_is_indexed_without_a_single_note_taken_for_ours(tmp_path):
    benchmark = _load()
    folder = benchmark.foreign_vault(tmp_path / "users", 30)
    assert len(list(folder.rglob("*.md"))) == 30
    index = benchmark.VaultIndex.scan(folder)
    assert (index.by_id, index.by_plugin_key) == ({}, {})


def test_benchmark_with_atomic_notes_counts_a_note_per_highlight_too(tmp_path):
    figures = _load().run(documents=20, highlights=3, workdir=tmp_path, repeat=1, foreign_notes=0,
                          atomic=True)
    assert figures["first_written"] == 20 + 60
    assert figures["unchanged_written"] == 0
    assert figures["one_percent_written"] == 1  # the edited highlight's own note; its embed is unchanged
    assert figures["added_written"] == 2  # the added highlight's note, and the note that embeds it
    assert len(list((tmp_path / "plain0").rglob("*.md"))) == 80
    assert figures["atomic"] is True
