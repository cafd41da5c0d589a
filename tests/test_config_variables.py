"""Environment variables in the configuration's paths (audit s22 L2): ``$HOME`` made a folder
named ``$HOME`` where the command ran, and ``config check`` said ok."""

from __future__ import annotations

from pathlib import Path

import pytest

from excerpta.config import load_config
from excerpta.config_variables import expand_variables
from excerpta.errors import ConfigError

from paths import EXAMPLES


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "excerpta.toml"
    path.write_text(text, encoding="utf-8")
    return path


EVERY_PATH = """\
state = "$DATA/state.sqlite"
[readwise]
token_file = "${SECRETS}/readwise"
[hypothesis]
token_file = "$SECRETS/hypothesis"
[ingest]
token_file = "$SECRETS/ingest"
inbox = "$DATA/inbox.jsonl"
[[jobs]]
name = "kindle"
[jobs.source]
input = "$KINDLE/My Clippings.txt"
format = "kindle"
[[jobs.writers]]
format = "obsidian"
out = "${VAULT}/Readwise"
options = { templates = "$VAULT/.templates" }
[[jobs.writers]]
format = "csv"
out = "~/$DATA/h$$1.csv"
"""


def test_every_path_of_the_file_has_its_variables_expanded(tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    (vault / ".templates").mkdir(parents=True)
    (vault / ".templates" / "highlight.md.jinja").write_text("- {{ text }}\n", encoding="utf-8")
    for name, value in {"DATA": "/data", "SECRETS": "/run/secrets", "KINDLE": "/media/kindle/documents",
                        "VAULT": str(vault)}.items():
        monkeypatch.setenv(name, value)
    config = load_config(_write(tmp_path, EVERY_PATH))
    assert config.state == Path("/data/state.sqlite")
    assert (config.readwise.token_file, config.hypothesis.token_file) == (
        Path("/run/secrets/readwise"), Path("/run/secrets/hypothesis"))
    assert config.ingest is not None
    assert (config.ingest.token_file, config.ingest.inbox) == (Path("/run/secrets/ingest"),
                                                               Path("/data/inbox.jsonl"))
    [job] = config.jobs
    assert job.source.input == "/media/kindle/documents/My Clippings.txt"
    obsidian, csv = job.writers
    assert (obsidian.out, obsidian.options) == (vault / "Readwise", {"templates": f"{vault}/.templates"})
    assert csv.out == Path("~/data/h$1.csv")  # "~" left for each use to expand, "$$" a "$"


@pytest.mark.parametrize(("old", "new", "where"), [
    ('state = "$DATA', 'state = "$NOPE', "state (line 1)"),
    ('token_file = "${SECRETS}/readwise"', 'token_file = "${NOPE}/readwise"', "readwise.token_file (line 3)"),
    ('inbox = "$DATA', 'inbox = "$NOPE', "ingest.inbox (line 8)"),
    ('input = "$KINDLE', 'input = "$NOPE', 'jobs[0].source.input (job "kindle", line 12)'),
    ('out = "${VAULT}', 'out = "${NOPE}', 'jobs[0].writers[0].out (job "kindle", line 16)'),
    ('templates = "$VAULT', 'templates = "$NOPE',
     'jobs[0].writers[0].options.templates (job "kindle", line 17)'),
])
def test_a_variable_not_set_is_an_error_naming_the_key_job_and_line(tmp_path, monkeypatch, old, new, where):
    for name in ("DATA", "SECRETS", "KINDLE", "VAULT"):
        monkeypatch.setenv(name, f"/{name.lower()}")
    monkeypatch.delenv("NOPE", raising=False)
    path = _write(tmp_path, EVERY_PATH.replace(old, new))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {where}: ")
    assert "names the environment variable NOPE, which is not set (write $$ for a $ of the path)" \
        in str(caught.value)


def test_a_variable_set_to_nothing_is_an_error_too():
    # "$VAULT/Readwise" would be "/Readwise".
    with pytest.raises(ValueError, match="'\\$VAULT/Readwise' names the environment variable VAULT, which "
                                         "is empty"):
        expand_variables("$VAULT/Readwise", {"VAULT": ""})
    with pytest.raises(ValueError, match="names no variable"):
        expand_variables("a/${}/b", {})


def test_variables_are_read_as_expandvars_reads_them():
    environ = {"A": "/a", "A_1": "/a1"}
    assert expand_variables("$A_1/x", environ) == "/a1/x"
    assert expand_variables("${A}_1/x", environ) == "/a_1/x"
    assert expand_variables("$A-1/$", environ) == "/a-1/$"  # "-" ends a name; a lone "$" is a "$"
    assert expand_variables("${A/x}", environ) == "${A/x}"  # no variable name holds a "/"
    assert expand_variables("$$A", environ) == "$A"


def test_config_check_shows_the_expanded_path_and_sync_writes_there(run_cli, tmp_path, monkeypatch):
    home, elsewhere = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(elsewhere)
    config = _write(tmp_path, '[[jobs]]\nname = "k"\n[jobs.source]\ninput = "$LIBRARY"\n'
                              '[[jobs.writers]]\nformat = "csv"\nout = "$HOME/h.csv"\n')
    monkeypatch.setenv("LIBRARY", str(EXAMPLES / "library.json"))
    checked = run_cli("config", "check", config)
    assert checked.exit_code == 0, checked.output
    assert f"csv → {home}/h.csv (manual)" in checked.output
    synced = run_cli("sync", "-c", config, "--state", tmp_path / "st.sqlite")
    assert synced.exit_code == 0, synced.output
    assert (home / "h.csv").is_file()
    assert list(elsewhere.iterdir()) == []
