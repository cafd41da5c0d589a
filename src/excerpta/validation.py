"""Turning pydantic validation errors into the one-line messages users see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

# Short wordings for the errors users meet most; anything else uses pydantic's message.
_SHORT_MESSAGES = {
    "datetime_parsing": "invalid datetime",
    "datetime_from_date_parsing": "invalid datetime",
    "datetime_type": "invalid datetime",
    "timezone_aware": "datetime needs a timezone (e.g. 2024-05-01T10:00:00Z)",
    "missing": "field required",
    "extra_forbidden": "unknown field",
    "string_type": "expected a string",
    "int_parsing": "expected an integer",
    "int_type": "expected an integer",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "enum": "not one of the allowed values",
    "literal_error": "not one of the allowed values",
    "string_too_short": "must not be empty",
    "path_type": "expected a path as a string",
}


def _message(error: ErrorDetails) -> str:
    """The problem of one error: a short wording, else pydantic's message less its
    "Value error, " (it says only that a validator raised; the validator's words follow),
    its first letter in lower case (it follows a location). The rest is kept as it is: it
    may quote what was given (a path, a pattern)."""
    short = _SHORT_MESSAGES.get(error["type"])
    if short:
        return short
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def _option_message(error: ErrorDetails) -> str:
    """The problem of one error in an option value, quoting the value given."""
    ctx = error.get("ctx") or {}
    if error["type"] in ("literal_error", "enum") and "expected" in ctx:
        return f"expected {ctx['expected']}, got {error['input']!r}"
    if error["type"] == "too_short" and "min_length" in ctx:
        least = ctx["min_length"]
        return "needs at least one value" if least == 1 else f"needs at least {least} values"
    short = _SHORT_MESSAGES.get(error["type"], "")
    # pydantic's words for a path of another type name a class: "<class 'pathlib.Path'>"
    if short.startswith("expected ") and (isinstance(error["input"], str) or error["type"] == "path_type"):
        return f"{short}, got {error['input']!r}"
    return str(error["msg"]).removeprefix("Value error, ")


def describe_option(err: ValidationError, adapter: str, typed: Mapping[str, str] | None = None) -> str:
    """The first error of an adapter's options ``err`` as one line, ``anki option cards[1]:
    expected 'book', 'cloze' or 'qa', got 'foo'``, led by the flag the option was given with
    when ``typed`` names one (``{"cards": "--anki-cards"}``): ``--anki-cards (anki option
    cards): …``. Other spellings (``-O cards``, a configuration key) are the option's name."""
    error = err.errors(include_url=False)[0]
    field, *rest = [part for part in error["loc"] if not _is_internal(part)] or [""]
    flag = (typed or {}).get(str(field), "")
    message = _option_message(error)
    if flag.startswith("--"):  # the value is quoted in the message: no need for an index
        return f"{flag} ({adapter} option {field}): {message}"
    return f"{adapter} option {format_location([field, *rest])}: {message}"


def _is_internal(part: str | int) -> bool:
    return isinstance(part, str) and (part in {"int", "str", "bool"} or "[" in part)


def format_location(parts: Sequence[str | int]) -> str:
    """``("documents", 3, "highlights", 0, "text")`` → ``documents[3].highlights[0].text``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def describe(err: ValidationError, prefix: Sequence[str | int] = ()) -> str:
    """The first error of ``err`` as ``location: problem``, located under ``prefix``.

    Union members make pydantic repeat a location with the member type appended (``int``,
    ``str``); those are dropped so the user sees the field they wrote.
    """
    errors = err.errors(include_url=False)
    loc = [part for part in errors[0]["loc"] if not _is_internal(part)]
    messages: list[str] = []
    for error in errors:  # a union field fails once per member: say what each would take
        if [part for part in error["loc"] if not _is_internal(part)] != loc:
            continue
        message = _message(error)
        if message not in messages:
            messages.append(message)
    message = " or ".join([messages[0], *(m.removeprefix("expected ") for m in messages[1:])])
    where = format_location([*prefix, *loc])
    return f"{where}: {message}" if where else message
