"""``excerpta formats`` and ``excerpta schema``: what excerpta reads and writes."""

from __future__ import annotations

from importlib.resources import files

import click

from excerpta import registry
from excerpta.cli.app import cli

SCHEMA_RESOURCE = "library.schema.json"


def shipped_schema() -> str:
    """The JSON Schema of the ``json`` format as shipped in the package."""
    return files("excerpta.schema").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


@cli.command()
def formats() -> None:
    """List every input and output format with a one-line description."""
    for title, table in (("Inputs (--from)", registry.readers()),
                         ("Outputs (--to)", registry.writers())):
        click.echo(f"{title}:")
        width = max((len(name) for name in table), default=0)
        for name, adapter in table.items():
            click.echo(f"  {name.ljust(width)}  {adapter.description}")
        click.echo()


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the canonical `json` format (schema_version 1)."""
    click.echo(shipped_schema(), nl=False)
