"""How large a text a template's string method, filter or format would make, known before it
is made (see :mod:`.template_limits`, which refuses one larger than a note may be).

``{{ title.ljust(10**10) }}``, ``{{ "%10000000000s" % title }}``, ``{{ "{:>10000000000}".format(x) }}``,
``{{ title|center(10**10) }}`` or ``{{ range(100000)|join(title * 1000) }}`` would each take
gigabytes before any bound applied to their result. Each size here is the result's length
or more (never less): the widths asked for, the growth a ``replace`` makes (counted), the
items a ``join`` joins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)")
_PRINTF_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*[*\d.]")  # a conversion given a width or precision
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.DOTALL)
_OTHER_VALUE = 32  # what str() of a number, a date or a None is at most, near enough


def text_size(value: object) -> int:
    """About the length of ``str(value)`` (at least that of the texts it holds), without
    making it: a text's length; a list's, tuple's or mapping's items' sizes, and their
    separators."""
    kind = type(value)
    if kind is str or kind is int:  # (the most frequent first: this is on every format)
        return len(value) if kind is str else _OTHER_VALUE  # type: ignore[arg-type]
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset):
        return 2 + sum(text_size(item) + 4 for item in value)
    if isinstance(value, Mapping):
        return 2 + sum(text_size(key) + text_size(item) + 6 for key, item in value.items())
    return _OTHER_VALUE


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _padded(owner: str | bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    # ljust, rjust, center, zfill: the width asked for, or the text if longer.
    return max(len(owner), _int(args[0] if args else kwargs.get("width")))


def replaced_size(text: str | bytes, old: Any, new: Any, count: Any = -1) -> int:
    """The length of ``text.replace(old, new, count)``: the occurrences counted only when
    ``new`` is the longer (else the text is the bound)."""
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes) or len(new) <= len(old):
        return len(text)
    found = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * (len(new) - len(old))


def joined_size(separator: object, items: list[Any]) -> int:
    """The length of ``separator`` joining ``items`` (each as text)."""
    return sum(map(text_size, items)) + max(len(items) - 1, 0) * text_size(separator)


def _expanded(owner: str | bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    tab = b"\t" if isinstance(owner, bytes) else "\t"
    return len(owner) + owner.count(tab) * max(_int(args[0] if args else kwargs.get("tabsize"), 8), 0)  # type: ignore[arg-type]


def _translated(owner: str | bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    table = args[0] if args else kwargs.get("table")
    if not isinstance(table, Mapping):
        return len(owner)
    longest = max((text_size(value) for value in table.values() if isinstance(value, str)), default=1)
    return len(owner) * max(longest, 1)


# The methods of str (and bytes) whose result may be much larger than the text, and its size.
METHOD_SIZES: dict[str, Callable[[str | bytes, tuple[Any, ...], dict[str, Any]], int]] = {
    "ljust": _padded, "rjust": _padded, "center": _padded, "zfill": _padded,
    "expandtabs": _expanded, "translate": _translated,
    # (in a loop, Jinja passes _loop_vars and _block_vars among the keywords: not the method's)
    "replace": lambda owner, args, kwargs: replaced_size(owner, *args[:3]) if len(args) > 1 else len(owner),
}


def printf_size(template: str | bytes, values: object) -> int:
    """At least the length of ``template % values``: the template, the widths and precisions
    its conversions ask for (``*`` read from ``values``), and the size of the values."""
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    size = len(text) + text_size(values)
    if _PRINTF_WIDTH.search(text) is None:  # ("%s": the values' own text)
        return size
    given, index = list(values) if isinstance(values, tuple) else [values], 0
    for conversion in _PRINTF.finditer(text):
        if conversion.group(3) == "%":
            continue
        for part in conversion.group(1, 2):
            if part == "*":
                size += abs(_int(given[index] if index < len(given) else 0))
                index += 1
            elif part:
                size += int(part)
        index += 1
    return size


def format_spec_size(spec: str) -> int:
    """The width plus the precision a ``format()`` spec asks for (0 if it is not a standard
    spec, such as a date's ``%Y-%m-%d``: its result is about as long as itself)."""
    if not spec:
        return 0
    parsed = _FORMAT_SPEC.fullmatch(spec)
    if parsed is None:
        return len(spec)
    return sum(int(part) for part in parsed.groups() if part)


def listed(items: Iterable[Any]) -> list[Any]:
    """``items`` as a list (a ``join`` of a generator is measured, then joined)."""
    return items if isinstance(items, list) else list(items)


Check = Callable[[int, str], None]  # RenderBudget.check_size


def bounded_filters(filters: Mapping[str, Callable[..., Any]], check: Check) -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can make a large result from small arguments, each checking the
    size of its result with ``check`` before making it (``filters``: the environment's)."""
    center, indent, wordwrap = filters["center"], filters["indent"], filters["wordwrap"]
    replace, join, formatted = filters["replace"], filters["join"], filters["format"]
    batch, sliced = filters["batch"], filters["slice"]

    def bounded_center(value: Any, width: int = 80) -> str:
        check(max(text_size(value), _int(width)), "a text centred with 'center'")
        return center(value, width)  # type: ignore[no-any-return]

    def bounded_indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        lines = (s.count("\n") if isinstance(s, str) else 0) + 1
        check(text_size(s) + lines * (text_size(width) if isinstance(width, str) else _int(width)),
              "a text indented with 'indent'")
        return indent(s, width, first, blank)  # type: ignore[no-any-return]

    def bounded_wordwrap(environment: Any, s: Any, width: int = 79, break_long_words: bool = True,
                         wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
        # At most a line per character, each ended by the wrap string.
        size = text_size(s)
        check(size + (size + 1) * text_size(wrapstring or "\n"), "a text wrapped with 'wordwrap'")
        return wordwrap(environment, s, width, break_long_words, wrapstring,  # type: ignore[no-any-return]
                        break_on_hyphens)

    def bounded_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
        check(replaced_size(str(s), str(old), str(new), -1 if count is None else count),
              "a text made with 'replace'")
        return replace(eval_ctx, s, old, new, count)  # type: ignore[no-any-return]

    def bounded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = listed(value)
        if attribute is None:
            check(joined_size(d, items), "a text made with 'join'")
        return join(eval_ctx, items, d, attribute)  # type: ignore[no-any-return]

    def bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
        check(printf_size(str(value), kwargs or args), "a text made with 'format'")
        return formatted(value, *args, **kwargs)  # type: ignore[no-any-return]

    def bounded_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        if fill_with is not None:  # the last batch filled up to linecount items
            check(_int(linecount), "a batch filled up by 'batch'")
        return batch(value, linecount, fill_with)

    def bounded_slice(eval_ctx: Any, value: Any, slices: int, fill_with: Any = None) -> Any:
        check(_int(slices), "the slices made by 'slice'")
        return sliced(eval_ctx, value, slices, fill_with)

    made = {"center": bounded_center, "indent": bounded_indent, "wordwrap": bounded_wordwrap,
            "replace": bounded_replace, "join": bounded_join, "format": bounded_format,
            "batch": bounded_batch, "slice": bounded_slice}
    for name, function in made.items():  # as Jinja's: the same context, environment… passed
        pass_arg = getattr(filters[name], "jinja_pass_arg", None)
        if pass_arg is not None:
            function.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return made
