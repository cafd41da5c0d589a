"""`config check` warns of a missing token for every service a job talks to, as the adapters
declare their settings (``api_settings``): a third service needs no branch there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import pytest

from excerpta import registry
from excerpta.adapters import Writer
from excerpta.clients.api_settings import ApiSettings, Service
from excerpta.model import Document
from excerpta.remote_sink import RemoteSink

from paths import EXAMPLES

ELSEWHERE = Service(name="Elsewhere", token_env="ELSEWHERE_TOKEN", token_file_env="ELSEWHERE_TOKEN_FILE",
                    api_url_env="ELSEWHERE_API_URL", default_api_url="https://elsewhere.test",
                    token_page="https://elsewhere.test/token", api_prefix="/api", auth_scheme="Bearer")


class ElsewhereSettings(ApiSettings):
    service: ClassVar[Service] = ELSEWHERE


@pytest.fixture
def elsewhere_writer():
    class ElsewhereWriter(Writer[RemoteSink]):
        name = "elsewhere-test"
        target = "remote"
        remote_name = "elsewhere:"
        api_settings = ElsewhereSettings

        def write(self, documents: Iterable[Document], sink: RemoteSink) -> None:
            raise NotImplementedError

    try:
        yield ElsewhereWriter
    finally:
        registry._WRITERS.pop(ElsewhereWriter.name)


def test_config_check_warns_of_a_missing_token_of_any_service_a_job_sends_to(run_cli, tmp_path,
                                                                              elsewhere_writer, monkeypatch):
    monkeypatch.delenv("ELSEWHERE_TOKEN", raising=False)
    monkeypatch.delenv("ELSEWHERE_TOKEN_FILE", raising=False)
    config = tmp_path / "excerpta.toml"
    config.write_text(f'[[jobs]]\nname = "k"\n[jobs.source]\ninput = "{EXAMPLES / "My Clippings.txt"}"\n'
                      '[[jobs.writers]]\nformat = "elsewhere-test"\nout = "elsewhere:"\n', encoding="utf-8")
    result = run_cli("config", "check", config)
    assert result.exit_code == 0, result.output
    assert result.stderr == ("excerpta: warning: no Elsewhere token: set ELSEWHERE_TOKEN or "
                             "ELSEWHERE_TOKEN_FILE (get a token at https://elsewhere.test/token)\n")
    assert "READWISE" not in result.output
