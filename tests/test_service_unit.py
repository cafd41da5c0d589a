"""``config/excerpta.service`` run as systemd runs it: its ExecStart starts the daemon on the
default configuration, its ExecReload makes that read the file again, SIGTERM (systemctl stop)
ends it with a code that does not restart it, and an invalid configuration exits with a code
the unit does not restart on."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from job_configs import CLIPPINGS, kindle_job, logged_runs, wait_until

from paths import REPO

UNIT = REPO / "config" / "excerpta.service"


@pytest.fixture
def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are cased
    parser.read(UNIT, encoding="utf-8")
    return parser


def _command(line: str, home: Path, main_pid: int | None = None) -> list[str]:
    line = line.replace("%h", str(home))
    return shlex.split(line.replace("$MAINPID", str(main_pid)) if main_pid else line)


def test_the_service_unit_starts_reloads_and_stops_the_daemon(unit, tmp_path):
    service = unit["Service"]
    home = tmp_path / "home"
    start = _command(service["ExecStart"], home)
    Path(start[0]).parent.mkdir(parents=True)
    Path(start[0]).symlink_to(shutil.which("excerpta", path=str(Path(sys.executable).parent)))
    config = home / ".config" / "excerpta" / "excerpta.toml"  # the default, as no EXCERPTA_CONFIG is set
    config.parent.mkdir(parents=True)
    shutil.copyfile(CLIPPINGS, tmp_path / "clip.txt")
    hourly, state = 'schedule = { every = "1h" }', tmp_path / "state.sqlite"
    config.write_text(f'state = "{state}"\n' + kindle_job(tmp_path, schedule=hourly), encoding="utf-8")
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("EXCERPTA_CONFIG", "XDG_CONFIG_HOME")} | {"HOME": str(home)}

    daemon = subprocess.Popen(start, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        wait_until(lambda: logged_runs(state) == [("kindle", "ok")])
        config.write_text(config.read_text(encoding="utf-8") + kindle_job(tmp_path, "added", schedule=hourly),
                          encoding="utf-8")
        subprocess.run(_command(service["ExecReload"], home, daemon.pid), check=True)
        wait_until(lambda: logged_runs(state) == [("kindle", "ok"), ("added", "ok")])
    finally:
        daemon.send_signal(signal.SIGTERM)  # systemd's default stop
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err  # Restart=on-failure: a stop is not restarted

    config.write_text("[[jobs]\n", encoding="utf-8")
    invalid = subprocess.run(start, capture_output=True, text=True, env=environment, timeout=60)
    assert invalid.stderr.startswith(f"excerpta: error: {config}: invalid TOML")
    assert str(invalid.returncode) in service["RestartPreventExitStatus"].split()
