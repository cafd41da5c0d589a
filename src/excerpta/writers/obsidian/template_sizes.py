"""How large a text a template's string method, filter or format would make, known before it
is made (see :mod:`.template_limits`, which refuses one larger than a note may be).

``{{ title.ljust(10**10) }}``, ``{{ "%10000000000s" % title }}``, ``{{ "{:>10000000000}".format(x) }}``,
``{{ title|center(10**10) }}`` or ``{{ range(100000)|join(title * 1000) }}`` would each take
gigabytes before any bound applied to their result, and so would the text of a list holding a
long text many times (``{{ [[a]] * 1000 }}``, ``{{ nested|string }}``). Each size here is the
result's length or more (never much less): the widths asked for, the growth a ``replace``
makes (counted), the items a ``join`` joins, every text a list holds however deep
(:func:`text_size`, the one measure of a value's text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, MappingView
from typing import Any, Protocol

from jinja2.filters import make_attrgetter
from jinja2.utils import Namespace

_PRINTF = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)")
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.DOTALL)
_PRINTABLE_BYTES = bytes(range(0x20, 0x7F))  # what str() of bytes writes as it is (but "\\")
_OTHER_VALUE = 32  # what str() of a float, a date or a None is at most, near enough
# Jinja's filters (and ours) that write their value as text (str() of a list, however large it
# would be): the value is measured first.
# Jinja's filters that collect their value's items (into a list, a set, a sum) before they give
# anything: the items are measured as they come (see listed).
_COLLECTING = ("list", "sort", "unique", "reverse", "slice", "batch", "groupby", "sum")
_STRINGIFYING = ("capitalize", "e", "escape", "forceescape", "lower", "pprint", "safe", "string",
                 "striptags", "title", "trim", "truncate", "upper", "urlencode", "urlize",
                 "wordcount", "tojson", "xmlattr", "tag", "wikilink")


class Budget(Protocol):
    """What a size is checked against (:class:`.template_limits.RenderBudget`)."""

    characters: int

    def check_size(self, size: int, what: str) -> None: ...


def text_size(value: object, bound: int) -> int:
    """About the length of ``str(value)`` (at least that of the texts it holds), without
    making it: a text's length, a number's digits; a list's, tuple's, set's or mapping's items'
    sizes, however deep, and their separators. Counting stops once past ``bound`` (the result
    is then more than ``bound``): a list holding itself many times over costs no more."""
    kind = type(value)
    if kind is str:  # (the most frequent first: this is on every format)
        return len(value)  # type: ignore[arg-type]
    if kind is int:
        return _digits(value)  # type: ignore[arg-type]
    size, pending = 0, [value]
    while pending and size <= bound:
        item = pending.pop()
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, bytes):  # written as b'…', a byte but a printable one as 4 (\xff)
            size += 3 + len(item) + 3 * len(item.translate(None, _PRINTABLE_BYTES)) + item.count(b"\\")
        elif isinstance(item, int) and not isinstance(item, bool):
            size += _digits(item)
        elif isinstance(item, list | tuple | set | frozenset | MappingView):
            size += 2 + 4 * len(item)  # brackets, and quotes and ", " around each
            pending.extend(item)
        elif isinstance(item, Mapping):
            size += 2 + 6 * len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, Namespace):  # written as "<Namespace {…}>"
            size += 13
            pending.append(object.__getattribute__(item, "_Namespace__attrs"))
        else:
            size += _OTHER_VALUE
    return size


def _digits(number: int) -> int:
    # At least len(str(number)): log10(2) < 0.31, and a sign.
    return number.bit_length() * 31 // 100 + 2


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


def joined_size(separator: object, items: list[Any] | tuple[Any, ...], bound: int) -> int:
    """The length of ``separator`` joining ``items`` (each as text; see :func:`text_size`
    for ``bound``)."""
    separators = max(len(items) - 1, 0) * text_size(separator, bound)
    return separators + sum(text_size(item, bound) for item in items)


def _expanded(owner: str | bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    tab = b"\t" if isinstance(owner, bytes) else "\t"
    return len(owner) + owner.count(tab) * max(_int(args[0] if args else kwargs.get("tabsize"), 8), 0)  # type: ignore[arg-type]


def _translated(owner: str | bytes, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    table = args[0] if args else kwargs.get("table")
    if not isinstance(table, Mapping):
        return len(owner)
    longest = max((len(value) for value in table.values() if isinstance(value, str)), default=1)
    return len(owner) * max(longest, 1)


# The methods of str (and bytes) whose result may be much larger than the text, and its size.
METHOD_SIZES: dict[str, Callable[[str | bytes, tuple[Any, ...], dict[str, Any]], int]] = {
    "ljust": _padded, "rjust": _padded, "center": _padded, "zfill": _padded,
    "expandtabs": _expanded, "translate": _translated,
    # (in a loop, Jinja passes _loop_vars and _block_vars among the keywords: not the method's)
    "replace": lambda owner, args, kwargs: replaced_size(owner, *args[:3]) if len(args) > 1 else len(owner),
}


def printf_size(template: str | bytes, values: object, bound: int) -> int:
    """At least the length of ``template % values``: the template, and for each conversion
    the widths and precisions it asks for (``*`` read from ``values``) and the size of the
    value it writes (a mapping's value as many times as its key is used)."""
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    given = values if isinstance(values, tuple) else (values,)
    mapping = values if isinstance(values, Mapping) else None
    size, index = len(text), 0
    for conversion in _PRINTF.finditer(text):
        if conversion.group(4) == "%":
            continue
        for part in conversion.group(2, 3):
            if part == "*":
                size += abs(_int(given[index] if index < len(given) else 0))
                index += 1
            elif part:
                size += int(part)
        key = conversion.group("key")
        if key is not None and mapping is not None:
            size += text_size(mapping.get(key), bound)
        else:
            size += text_size(given[index], bound) if index < len(given) else 0
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


def listed(items: Iterable[Any], budget: Budget) -> list[Any] | tuple[Any, ...]:
    """``items`` as a list or tuple, as given if it is one, else collected, each item measured
    as it comes (:func:`text_size`, with a separator's worth): refused once the list's text
    would pass the bound, before the next items are made (``range(100000)|map("center", 10**6)``
    would take 100 GB, each item within the bound)."""
    if isinstance(items, list | tuple):
        return items
    made, size = [], 2
    for item in items:
        size += 4 + text_size(item, budget.characters)
        budget.check_size(size, "the items collected in one list")
        made.append(item)
    return made


def bounded_filters(filters: Mapping[str, Callable[..., Any]],
                    budget: Budget) -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can make a large result from small arguments, each checking the
    size of its result with ``budget`` before making it (``filters``: the environment's)."""
    center, indent, wordwrap = filters["center"], filters["indent"], filters["wordwrap"]
    replace, join, formatted = filters["replace"], filters["join"], filters["format"]
    batch, sliced = filters["batch"], filters["slice"]
    check = budget.check_size

    def size(value: Any) -> int:
        return text_size(value, budget.characters)

    def bounded_center(value: Any, width: int = 80) -> str:
        check(max(size(value), _int(width)), "a text centred with 'center'")
        return center(value, width)  # type: ignore[no-any-return]

    def bounded_indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        lines = (s.count("\n") if isinstance(s, str) else 0) + 1
        check(size(s) + lines * (size(width) if isinstance(width, str) else _int(width)),
              "a text indented with 'indent'")
        return indent(s, width, first, blank)  # type: ignore[no-any-return]

    def bounded_wordwrap(environment: Any, s: Any, width: int = 79, break_long_words: bool = True,
                         wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
        # At most a line per character, each ended by the wrap string.
        measured = size(s)
        check(measured + (measured + 1) * size(wrapstring or "\n"), "a text wrapped with 'wordwrap'")
        return wordwrap(environment, s, width, break_long_words, wrapstring,  # type: ignore[no-any-return]
                        break_on_hyphens)

    def bounded_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
        s, old, new = (_as_text(value, budget, "a text made with 'replace'") for value in (s, old, new))
        check(replaced_size(s, old, new, -1 if count is None else count), "a text made with 'replace'")
        return replace(eval_ctx, s, old, new, count)  # type: ignore[no-any-return]

    def bounded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        if attribute is not None:  # (the items' attributes are what is joined)
            value = map(make_attrgetter(eval_ctx.environment, attribute), value)
        items = listed(value, budget)
        check(joined_size(d, items, budget.characters), "a text made with 'join'")
        return join(eval_ctx, items, d)  # type: ignore[no-any-return]

    def bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
        value = _as_text(value, budget, "a text made with 'format'")
        check(printf_size(value, kwargs or args, budget.characters), "a text made with 'format'")
        return formatted(value, *args, **kwargs)  # type: ignore[no-any-return]

    def bounded_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        if fill_with is not None:  # the last batch filled up to linecount items
            check(_int(linecount), "a batch filled up by 'batch'")
        return batch(value, linecount, fill_with)

    def bounded_slice(eval_ctx: Any, value: Any, slices: int, fill_with: Any = None) -> Any:
        check(_int(slices), "the slices made by 'slice'")
        return sliced(eval_ctx, value, slices, fill_with)

    made: dict[str, Callable[..., Any]] = {
        name: _measured(filters[name], name, budget) for name in _STRINGIFYING if name in filters}
    made.update({"center": bounded_center, "indent": bounded_indent, "wordwrap": bounded_wordwrap,
                 "replace": bounded_replace, "join": bounded_join, "format": bounded_format,
                 "batch": bounded_batch, "slice": bounded_slice})
    lists = (list, tuple, Mapping)
    made.update({name: _collecting(made.get(name, filters[name]), filters[name], budget,
                                   (*lists, str) if name == "reverse" else lists)  # (of a text: a text)
                 for name in _COLLECTING})
    for name, function in made.items():  # as Jinja's: the same context, environment… passed
        pass_arg = getattr(filters[name], "jinja_pass_arg", None)
        if pass_arg is not None:
            function.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return made


def _as_text(value: Any, budget: Budget, what: str) -> Any:
    """``value``, or its text once measured (``str()`` of a text is the text itself)."""
    if isinstance(value, str):
        return value
    budget.check_size(text_size(value, budget.characters), what)
    return str(value)


def _collecting(function: Callable[..., Any], jinja_filter: Callable[..., Any], budget: Budget,
                made: tuple[type, ...]) -> Callable[..., Any]:
    """Filter ``function`` (Jinja's ``jinja_filter``, bounded), its value's items collected by
    :func:`listed` first, unless the value is one of ``made`` (a list, made and measured)."""
    at = 1 if getattr(jinja_filter, "jinja_pass_arg", None) is not None else 0  # (after the context)

    def collecting(*args: Any, **kwargs: Any) -> Any:
        if len(args) > at and not isinstance(args[at], made):
            args = (*args[:at], listed(args[at], budget), *args[at + 1:])
        return function(*args, **kwargs)

    return collecting


def _measured(function: Callable[..., Any], name: str, budget: Budget) -> Callable[..., Any]:
    """Filter ``function``, with a value that is not a text measured before it is written, and
    its result measured once made (a text within the bound can grow: ``tojson`` writes ``<``
    as ``\\u003c``, ``upper`` ``ß`` as ``SS``; so each step of a chain is bounded)."""
    at = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0  # (after the context)
    what = f"the text of a value given to {name!r}"
    made = f"the text made by {name!r}"

    def measured(*args: Any, **kwargs: Any) -> Any:
        value = args[at] if len(args) > at else None
        if type(value) is not str:
            budget.check_size(text_size(value, budget.characters), what)
        result = function(*args, **kwargs)
        if isinstance(result, str):
            budget.check_size(len(result), made)
        return result

    return measured
