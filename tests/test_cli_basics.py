"""The CLI surface: help everywhere, formats, schema, version."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys

import click
import pydantic
import pydantic_core
import pytest

from excerpta import registry
from excerpta.cli import cli
from excerpta.cli.app import Terminated, failure, raise_if_stopped
from excerpta.errors import interrupted
from excerpta.model import library_json_schema

from paths import EXAMPLES


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


def test_every_command_and_option_has_help_text():
    missing = []
    for name, command in [("excerpta", cli), *_commands(cli)]:
        if not (command.help or "").strip():
            missing.append(name)
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{name} {param.opts[0]}")
    assert missing == []


def test_every_command_takes_v_and_q_after_its_name_as_the_readme_says():
    # Audit L4: readwise check, formats, schema and ingest token refused them.
    without = [name for name, command in _commands(cli) if not isinstance(command, click.Group)
               and not {"-v", "-q"} <= {opt for param in command.params for opt in param.opts}]
    assert without == []


def test_help_lists_every_command(run_cli):
    result = run_cli("--help")
    assert result.exit_code == 0
    for name, _ in _commands(cli):
        assert name.split()[0] in result.output


def test_formats_lists_json_readers_and_writers(run_cli):
    result = run_cli("formats")
    assert result.exit_code == 0
    inputs, outputs = result.output.split("Outputs (--to):")
    for name in ("json", "jsonl"):
        assert f"  {name} " in inputs
        assert f"  {name} " in outputs


def test_schema_prints_the_shipped_schema_and_it_is_current(run_cli):
    result = run_cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.output) == library_json_schema()


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.startswith("excerpta, version ")


def test_a_folder_the_machine_refuses_is_one_line_exit_74_no_traceback(run_cli, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "vault"
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "obsidian", "--out", out)
    assert result.exit_code == 74
    # The file standing in the way, not a note in a folder that cannot exist.
    assert result.output.startswith(f"excerpta: error: {tmp_path / 'a-file'}: a file, not a folder (making ")
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_state_database_with_damaged_pages_is_one_line_exit_2(run_cli, tmp_path):
    state, out = tmp_path / "state.sqlite", tmp_path / "out.json"
    assert run_cli("--state", state, "convert", EXAMPLES / "library.json", "--to", "json",
                   "--out", out).exit_code == 0
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with state.open("r+b") as handle:  # the header stays valid; the pages after it do not
        handle.seek(4096 * 3)
        handle.write(bytes(range(256)) * 32)
    result = run_cli("--state", state, "convert", EXAMPLES / "library.json", "--to", "json", "--out", out)
    assert result.exit_code == 2
    assert "database disk image is malformed" in result.output
    assert len(result.output.strip().splitlines()) == 1


class _InterruptedSerializing(pydantic.BaseModel):
    value: int

    @pydantic.field_serializer("value")
    def _serialize(self, value: int) -> int:
        raise KeyboardInterrupt

    @pydantic.computed_field
    @property
    def computed(self) -> int:
        raise KeyboardInterrupt


class _FailingSerializing(pydantic.BaseModel):
    value: int

    @pydantic.field_serializer("value")
    def _serialize(self, value: int) -> int:
        raise ValueError("KeyboardInterrupt")  # a bug that merely mentions the name


@pytest.mark.parametrize("dump", [
    lambda: _InterruptedSerializing(value=1).model_dump_json(),  # keeps only the name
    lambda: _InterruptedSerializing(value=1).model_dump(),  # keeps it as the cause
    lambda: _InterruptedSerializing(value=1).model_dump_json(exclude={"value"}),  # a property
])
def test_a_ctrl_c_a_library_wrapped_is_still_an_interruption(dump):
    with pytest.raises(Exception) as caught:  # noqa: PT011 - whatever pydantic wraps it in
        dump()
    assert not isinstance(caught.value, KeyboardInterrupt)
    assert interrupted(caught.value)


class _TerminatedSerializing(pydantic.BaseModel):
    value: int

    @pydantic.field_serializer("value")
    def _serialize(self, value: int) -> int:
        raise Terminated  # SIGTERM, as its handler raises it


def test_a_sigterm_a_library_wrapped_ends_as_terminated_not_as_an_internal_error():
    # A crash audit saw `internal error: PydanticSerializationError: ... Terminated` (exit 70).
    for dump in (_TerminatedSerializing(value=1).model_dump_json, _TerminatedSerializing(value=1).model_dump):
        with pytest.raises(Exception) as caught:  # noqa: PT011 - whatever pydantic wraps it in
            dump()
        assert not isinstance(caught.value, KeyboardInterrupt)
        assert failure(caught.value, verbose=0) == ("terminated", 143)
    with pytest.raises(Exception) as caught:  # noqa: PT011
        _InterruptedSerializing(value=1).model_dump_json()
    assert failure(caught.value, verbose=0) == ("interrupted", 130)


@pytest.mark.parametrize(("model", "stop"), [(_TerminatedSerializing, Terminated),
                                             (_InterruptedSerializing, KeyboardInterrupt)])
def test_a_stop_a_library_wrapped_ends_every_job_of_a_sync(model, stop):
    # sync's boundary around each job goes on with the next after a failure, never a stop.
    with pytest.raises(Exception) as caught:  # noqa: PT011 - whatever pydantic wraps it in
        model(value=1).model_dump_json()
    with pytest.raises(stop) as raised:
        raise_if_stopped(caught.value)
    assert type(raised.value) is stop
    raise_if_stopped(ValueError("KeyboardInterrupt"))  # a bug naming one: not a stop
    with pytest.raises(pydantic_core.PydanticSerializationError) as bug:
        _FailingSerializing(value=1).model_dump_json()
    raise_if_stopped(bug.value)


def test_a_bug_that_names_a_ctrl_c_is_not_taken_for_one():
    for dump in (_FailingSerializing(value=1).model_dump_json, _FailingSerializing(value=1).model_dump):
        with pytest.raises(pydantic_core.PydanticSerializationError) as caught:
            dump()
        assert not interrupted(caught.value)
    assert not interrupted(ValueError("a bug"))


def test_convert_help_lists_every_exit_code_the_readme_lists(run_cli):
    from paths import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    paragraph = readme.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    codes = re.findall(r"`(\d+)`", paragraph)
    assert codes == ["0", "1", "2", "3", "70", "74", "75", "130", "141", "143"]
    help_text = " ".join(run_cli("convert", "--help").output.split())
    for code in codes:
        assert re.search(rf"\b{code} [a-z]", help_text), code


def test_formats_name_lists_every_option_of_the_format_with_its_flag(run_cli):
    for table in (registry.readers(), registry.writers()):
        for name, adapter in table.items():
            result = run_cli("formats", name)
            assert result.exit_code == 0
            for field_name in adapter.options_model.model_fields:
                assert f"-O {field_name}=VALUE\n" in result.output, (name, field_name)
    anki = run_cli("formats", "anki").output
    assert "  --anki-cards, -O cards=VALUE\n      Card designs, comma-separated" in anki
    assert "formats NAME" in run_cli("formats").output


def test_formats_of_an_unknown_name_is_one_line_exit_2(run_cli):
    result = run_cli("formats", "docx")
    assert result.exit_code == 2
    known = ", ".join(sorted({*registry.readers(), *registry.writers()}))
    assert result.output == f"excerpta: error: unknown format 'docx' (known: {known})\n"


def _cut_short_notebook(tmp_path):
    from paths import CORPUS

    html = (CORPUS / "kindle_notebook_html" / "krystofl_example_notebook_en.html").read_text(encoding="utf-8")
    cut = tmp_path / "cut.html"
    cut.write_text(html[: html.rindex("</body>")], encoding="utf-8")
    return cut


@pytest.mark.parametrize(("args", "said"), [
    (["convert", "x.json", "--out", "o.json"],
     "convert: missing option '--to' (excerpta convert --help tells every option)"),
    (["convert", "--to", "json", "--out", "o.json"],
     "convert: missing argument 'INPUT...' (excerpta convert --help tells every option)"),
    (["frobnicate"], "no such command 'frobnicate' (excerpta --help lists the commands)"),
    (["config", "check", "--nope"],
     "config check: no such option '--nope' (excerpta config check --help tells every option)"),
])
def test_a_usage_mistake_is_one_line_naming_the_help_to_read(args, said):
    # click says it in four lines (usage, a hint, a blank line, the error); as a user runs it:
    done = subprocess.run([sys.executable, "-m", "excerpta", *args], capture_output=True, text=True,
                          check=False)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"excerpta: error: {said}\n")


def test_the_command_alone_still_shows_the_help():
    done = subprocess.run([sys.executable, "-m", "excerpta"], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("Usage: excerpta [OPTIONS] COMMAND [ARGS]...")


def test_warnings_read_like_the_error_lines_and_keep_level_and_logger_with_verbose(run_cli, tmp_path):
    cut = _cut_short_notebook(tmp_path)
    plain = run_cli("convert", cut, "--to", "json", "--out", tmp_path / "a.json")
    assert f"excerpta: warning: {cut}: ends before </body></html>" in plain.output
    assert "WARNING" not in plain.output
    assert "excerpta.readers" not in plain.output
    verbose = run_cli("-v", "convert", cut, "--to", "json", "--out", tmp_path / "b.json")
    assert f"WARNING excerpta.readers.kindle.notebook_html: {cut}: ends before" in verbose.output


def test_with_a_state_the_summary_counts_the_library_as_the_library(run_cli, tmp_path):
    state = tmp_path / "state.sqlite"
    run_cli("--state", state, "convert", EXAMPLES / "library.json", "--to", "json",
            "--out", tmp_path / "a.json")
    result = run_cli("--state", state, "convert", EXAMPLES / "My Clippings.txt", "--to", "json",
                     "--out", tmp_path / "b.json")
    documents = sqlite3.connect(state).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert f"read 1 input(s); library: {documents} documents, " in result.output
    alone = run_cli("convert", EXAMPLES / "My Clippings.txt", "--to", "json", "--out", tmp_path / "c.json")
    # library.json's 4 documents, the clippings' 12, Walden in both.
    assert documents == 4 + 12 - 1
    assert "read 1 input(s): 12 documents, " in alone.output


def test_state_is_also_taken_after_the_command_name_and_wins_over_the_global_one(run_cli, tmp_path):
    # The README writes "convert --state"; -v and -q were already taken there.
    first, second, out = tmp_path / "first.sqlite", tmp_path / "second.sqlite", tmp_path / "out.json"
    result = run_cli("--state", first, "convert", EXAMPLES / "library.json", "--to", "json", "--out", out,
                     "--state", second)
    assert result.exit_code == 0, result.output
    assert second.exists()
    assert not first.exists()
    config = tmp_path / "excerpta.toml"
    config.write_text(f'[[jobs]]\nname = "j"\n[jobs.source]\ninput = "{EXAMPLES / "library.json"}"\n'
                      f'[[jobs.writers]]\nformat = "json"\nout = "{tmp_path / "j.json"}"\n', encoding="utf-8")
    assert run_cli("sync", "-c", config, "--state", first).exit_code == 0
    assert "last run: " in run_cli("status", "-c", config, "--state", first).output
    assert run_cli("status", "-c", config, "--state", second).output.splitlines()[1] == "  last run: never"


@pytest.mark.parametrize(("given", "meant"), [("readwise", "readwise:"), ("hypothesis", "hypothesis:"),
                                              ("inbox", "inbox:")])
def test_a_service_input_without_its_colon_says_how_to_write_it(run_cli, tmp_path, monkeypatch, given, meant):
    monkeypatch.chdir(tmp_path)  # (no file of that name here)
    result = run_cli("convert", given, "--to", "json", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert result.output == (f"excerpta: error: {given}: no such file or directory "
                             f"(did you mean {meant}, with its colon?)\n")
