"""``excerpta formats`` and ``excerpta schema``: what excerpta reads and writes."""

from __future__ import annotations

from importlib.resources import files

import click
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from excerpta import registry
from excerpta.adapters import Adapter, option_flag
from excerpta.cli.app import cli, global_options
from excerpta.errors import UserError

SCHEMA_RESOURCE = "library.schema.json"


def shipped_schema() -> str:
    """The JSON Schema of the ``json`` format as shipped in the package."""
    return files("excerpta.schema").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


@cli.command()
@global_options
@click.argument("name", required=False)
def formats(name: str | None) -> None:
    """List every input and output format with a one-line description; with NAME, the
    options of that format, each with its flag (or as -O NAME=VALUE) and what it does."""
    if name is not None:
        _describe_format(name)
        return
    for title, table in (("Inputs (--from)", registry.readers()),
                         ("Outputs (--to)", registry.writers())):
        click.echo(f"{title}:")
        width = max((len(name) for name in table), default=0)
        for name, adapter in table.items():
            click.echo(f"  {name.ljust(width)}  {adapter.description}")
        click.echo()
    click.echo("Options of a format: excerpta formats NAME")


def _describe_format(name: str) -> None:
    """Print the reader and/or writer called ``name`` with their options; UserError if none."""
    adapters: list[type[Adapter]] = [table[name] for table in (registry.readers(), registry.writers())
                                     if name in table]
    if not adapters:
        known = sorted({*registry.readers(), *registry.writers()})
        raise UserError(f"unknown format {name!r} (known: {', '.join(known)})")
    for adapter in adapters:
        role = "input, --from" if adapter.kind == "reader" else "output, --to"
        click.echo(f"{adapter.name} ({role}): {adapter.description}")
        fields = adapter.options_model.model_fields
        if not fields:
            click.echo("  no options")
        for field_name, info in fields.items():
            flag = option_flag(info)
            spelled = f"{flag}, -O {field_name}=VALUE" if flag else f"-O {field_name}=VALUE"
            click.echo(f"  {spelled}")
            click.echo(f"      {info.description or field_name}{_default(info)}")


def _default(info: FieldInfo) -> str:
    """`` (default: …)`` for an option whose description does not already say it."""
    value = info.default
    if value is None or value is PydanticUndefined or "default" in (info.description or ""):
        return ""
    if isinstance(value, bool):
        return f" (default: {str(value).lower()})"
    if isinstance(value, tuple):
        return f" (default: {','.join(map(str, value))})"
    return f" (default: {value})"


@cli.command()
@global_options
def schema() -> None:
    """Print the JSON Schema of the canonical `json` format (schema_version 1)."""
    click.echo(shipped_schema(), nl=False)
