"""The daemon serving the ingest endpoint: the jobs reading its inbox run when highlights come."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
from ingest_helpers import AUTH, TOKEN

from excerpta.config import JobConfig
from excerpta.daemon import Daemon
from job_configs import logged_runs, wait_until


def _job(name: str, schedule: dict | None = None) -> JobConfig:
    return JobConfig.model_validate({"name": name, "source": {"input": "inbox:"}, "schedule": schedule,
                                     "writers": [{"format": "json", "out": f"/tmp/{name}.json"}]})


def test_a_woken_job_runs_once_for_wakes_close_together_and_waits_for_the_next():
    ran: list[str] = []
    start = datetime.now(UTC)
    daemon = Daemon([_job("inbox")], lambda job: ran.append(job.name), {}, zone=UTC, now=start,
                    wakeable={"inbox"})
    assert daemon.next_run(daemon.jobs[0]) == start  # at start: what came while it was down
    daemon._run_due()
    assert ran == ["inbox"]
    assert daemon.next_run(daemon.jobs[0]) is None  # no schedule: until woken
    daemon.wake({"inbox", "not-wakeable"}, timedelta(seconds=10))
    woken = daemon.next_run(daemon.jobs[0])
    daemon.wake({"inbox"}, timedelta(seconds=30))  # a later wake does not put off the first
    assert daemon.next_run(daemon.jobs[0]) == woken
    daemon.wake({"inbox"}, timedelta(0))
    assert daemon.woken == {"inbox"}  # what a reload carries to the daemon of the file read again
    daemon._run_due()
    assert ran == ["inbox", "inbox"]
    assert daemon.woken == set()


def test_the_daemon_serves_the_endpoint_and_syncs_what_comes(tmp_path):
    config = tmp_path / "excerpta.toml"
    config.write_text(f'state = "{tmp_path / "state.sqlite"}"\n'
                      f'[ingest]\nlisten = "127.0.0.1:0"\ninbox = "{tmp_path / "inbox.jsonl"}"\n'
                      '[[jobs]]\nname = "phone"\n[jobs.source]\ninput = "inbox:"\n'
                      f'[[jobs.writers]]\nformat = "obsidian"\nout = "{tmp_path / "vault"}"\n',
                      encoding="utf-8")
    env = {**os.environ, "EXCERPTA_INGEST_TOKEN": TOKEN}
    daemon = subprocess.Popen([sys.executable, "-m", "excerpta", "daemon", "-c", str(config)],
                              stderr=subprocess.PIPE, text=True, env=env)
    said: list[str] = []
    try:
        assert daemon.stderr is not None
        while not (line := daemon.stderr.readline()).startswith("ingest endpoint: "):
            assert line, "the daemon ended: " + "".join(said)
            said.append(line)
        url = re.match(r"ingest endpoint: (http://127\.0\.0\.1:\d+) \(inbox (.*)\)$", line.strip())
        assert url is not None
        assert url[2] == str(tmp_path / "inbox.jsonl")
        assert said[0].startswith("job phone: when highlights come, first run ")
        wait_until(lambda: logged_runs(tmp_path / "state.sqlite") == [("phone", "ok")])  # at start
        posted = {"highlights": [{"title": "Walden", "author": "Henry David Thoreau",
                                  "text": "Simplify, simplify.", "source_type": "moonreader"}]}
        assert httpx.post(url[1] + "/api/v2/highlights/", json=posted, headers=AUTH).status_code == 200
        walden = tmp_path / "vault" / "Books" / "Walden.md"
        wait_until(lambda: walden.exists() and "Simplify, simplify." in walden.read_text(encoding="utf-8"))
        assert logged_runs(tmp_path / "state.sqlite") == [("phone", "ok"), ("phone", "ok")]
        status = subprocess.run([sys.executable, "-m", "excerpta", "status", "-c", str(config)],
                                capture_output=True, text=True, env=env)
        inbox = tmp_path / "inbox.jsonl"
        assert status.stdout.splitlines()[-1].startswith(
            f"ingest: 127.0.0.1:0, inbox {inbox}: 1 highlight(s) received in all, the last ")
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert err.splitlines()[-1] == "excerpta: daemon stopped"
    assert TOKEN not in "".join(said) + err
