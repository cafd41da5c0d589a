"""The bounds of one template render: how much text, how many steps, how long.

Jinja's sandbox keeps a template away from Python's internals but lets it run as long and
make text as large as it likes (only ``range`` is capped): ``{{ "x" * 1000000000 }}`` would
write a 2 GB note, two nested loops over ``range(100000)`` would never end. A template is the
user's code, and a note far larger than its document's own text (8 MB more than
:attr:`RenderLimits.per_data_character` times it), or that slow, is surely a mistake in it, so
:class:`LimitedEnvironment` stops a render, with a :class:`TemplateLimitError` that
:mod:`.templates` reports as the template's error (naming it and the line), when:

- ``*``, ``+`` or ``~`` would make a text or list longer than a note may be (a list weighed
  as the text it would be written as, every text it holds counted), or ``*`` and
  ``**`` an integer of more than :data:`MAX_INTEGER_BITS` bits; or so would a ``%`` or
  ``format()`` width, a string method (``ljust``, ``center``, ``replace``, ``join``…) or a
  filter (``center``, ``indent``, ``wordwrap``, ``replace``, ``join``, ``format``, ``batch``,
  ``slice``), or ``lipsum``; or a ``{{ … }}`` or a filter would write such a list as text;
  or a filter collecting items (``list``, ``sort``, ``join``, ``sum``…) or ``join`` would
  collect more (many values, each within the bound, measured as they come, not all made);
  each measured by :mod:`.template_sizes` (checked before it is made);
- the text written, or the text of the ``{{ … }}`` values made (in a ``{% set %}`` block or a
  macro as well), passes :attr:`RenderBudget.characters`;
- the loop turns and calls of the render pass :attr:`RenderLimits.steps`, or the render runs
  past :attr:`RenderLimits.seconds`.

Every render starts a fresh budget (:meth:`RenderBudget.start`): its template's environment's
(an embed's is the atomic set's, allowed for the document whose note it is rendered in).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

from excerpta.writers.obsidian.template_sizes import (
    METHOD_SIZES,
    bounded_filters,
    format_spec_size,
    joined_size,
    listed,
    printf_size,
    text_size,
)

MAX_INTEGER_BITS = 65_536  # a 20,000-digit number: no template needs more
_TEXTS = (str, bytes)


@dataclass(frozen=True)
class RenderLimits:
    """What one render of one template may spend."""

    characters: int = 8_000_000  # of text written or made, besides the data's share:
    per_data_character: int = 4  # this many per character of the document's own text
    steps: int = 250_000  # loop turns and calls: a note takes hundreds
    seconds: float = 10.0


class TemplateLimitError(Exception):
    """A render passed one of its :class:`RenderLimits` (the template's error, not a crash)."""


class RenderBudget:
    """The counters of the current render, shared by every template of an environment."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.characters = limits.characters  # what a render may write or make (see allow)
        self.start()

    def allow(self, data: int) -> None:
        """Bound the next renders by a document of ``data`` characters of its own text (titles,
        highlights, notes, summary): a highlight of 10 MB makes a note that large, data not
        a template's mistake."""
        self.characters = self.limits.characters + self.limits.per_data_character * data

    def start(self) -> None:
        """Begin a render: nothing spent yet, the clock restarted."""
        self.steps = 0
        self.made = 0
        self.deadline = time.monotonic() + self.limits.seconds

    def step(self) -> None:
        """Count one loop turn or call; raise TemplateLimitError past the steps or the time."""
        self.steps += 1
        if self.steps > self.limits.steps:
            raise TemplateLimitError(f"stopped after {self.limits.steps:,} loop turns and calls in one "
                                     "render (a loop nested too deeply, or a macro calling itself?)")
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"stopped: one render took more than {self.limits.seconds:g} s")

    def check_size(self, size: int, what: str) -> None:
        """Raise TemplateLimitError if a value of ``size`` characters or items is too large."""
        if size > self.characters:
            raise TemplateLimitError(f"{what} would be {size:,} long, more than a note may hold "
                                     f"({self.characters:,} characters)")

    def collect(self, chunks: Iterable[str]) -> str:
        """The text of a render's ``chunks``, stopped as soon as it passes the limit."""
        parts, written = [], 0
        for chunk in chunks:
            written += len(chunk)
            if written > self.characters:
                raise TemplateLimitError(self.too_much())
            parts.append(chunk)
        return "".join(parts)

    def too_much(self) -> str:
        """What a render that wrote or made more text than :attr:`characters` is told."""
        return (f"rendered more than {self.characters / 1_000_000:.3g} MB of text, "
                f"{self.limits.characters / 1_000_000:g} MB more than {self.limits.per_data_character} "
                "times the document's own text (surely a template mistake)")


class _Limits(Extension):
    """Where a template's loops and ``~`` reach the budget (see LimitedEnvironment._parse)."""

    budget: RenderBudget  # set by LimitedEnvironment; a bound copy shares it

    def loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """``iterable``, one step counted per item."""
        step = self.budget.step
        for item in iterable:
            step()
            yield item

    def join(self, *parts: Any) -> str:
        """What ``a ~ b`` makes, refused before it is made if too long (a list's text
        measured before it is made, see :func:`.template_sizes.text_size`)."""
        self.budget.check_size(joined_size("", parts, self.budget.characters), "a text joined with '~'")
        return self.environment.joined(parts)  # type: ignore[attr-defined,no-any-return]


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with every render bounded by :class:`RenderLimits`."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, limits: RenderLimits, **options: Any) -> None:
        options["extensions"] = [*options.get("extensions", ()), _Limits]
        super().__init__(**options)
        self.budget = RenderBudget(limits)
        self.extensions[_Limits.identifier].budget = self.budget  # type: ignore[attr-defined]
        self.filters.update(bounded_filters(self.filters, self.budget))
        self.globals["lipsum"] = self._bounded_lipsum

    def joined(self, parts: tuple[Any, ...]) -> str:
        """What ``a ~ b`` makes of ``parts``, measured already."""
        return "".join([part if type(part) is str else str(part) for part in parts])

    def _bounded_lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        """Jinja's ``lipsum``, refused before it writes ``n`` paragraphs too many."""
        words = max if isinstance(max, int) and max > 0 else 1
        self.budget.check_size((n if isinstance(n, int) else 0) * (words * 16 + 16), "the text of 'lipsum'")
        return generate_lorem_ipsum(n, html, min, max)

    def limit(self, tree: nodes.Template) -> nodes.Template:
        """``tree`` with every loop's items counted and every ``~`` checked (in place)."""
        for loop in tree.find_all(nodes.For):
            loop.iter = self._call("loop", [loop.iter], loop.iter.lineno)
        for concat in tree.find_all(nodes.Concat):
            joined = self._call("join", concat.nodes, concat.lineno)
            concat.nodes = [joined]  # a Concat of one node: str() of our text
        return tree

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return self.limit(super()._parse(source, name, filename))

    @staticmethod
    def _call(method: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
        attribute = nodes.ExtensionAttribute(_Limits.identifier, method, lineno=lineno)
        return nodes.Call(attribute, args, [], None, None, lineno=lineno)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``__obj`` from the template, one step counted; a string method refused before
        it makes a text too large (``ljust(10**10)``), or once made if its size cannot be told
        before (``upper``: a text grows a step at most)."""
        __self.budget.step()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, _TEXTS):
            method = __obj.__name__
            if method == "join" and args:
                args = (listed(args[0], __self.budget), *args[1:])  # (a generator measured as it comes)
                __self.budget.check_size(joined_size(owner, args[0], __self.budget.characters),
                                         "a text made with 'join'")
            elif method in METHOD_SIZES:
                size = METHOD_SIZES[method](owner, args, kwargs)
                __self.budget.check_size(size, f"a text made with {method!r}")
            else:  # measured once made ("ß".upper() is "SS"): each step of a chain bounded
                made = super().call(__context, __obj, *args, **kwargs)
                if isinstance(made, str | bytes):
                    __self.budget.check_size(len(made), f"a text made with {method!r}")
                return made
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` (or ``format_map``) sandboxed as Jinja does, with each field's width
        and precision counted, refused before the text grows too large."""
        if not isinstance(getattr(value, "__self__", None), str) or \
                getattr(value, "__name__", None) not in ("format", "format_map"):
            return None
        text: str = value.__self__
        formatter = (_BoundedEscapeFormatter(self, escape=text.escape) if isinstance(text, Markup)
                     else _BoundedFormatter(self))

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if value.__name__ == "format_map":
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument, and no keyword argument")
                args, kwargs = (), args[0]
            formatter.made = len(text)
            return type(text)(formatter.vformat(text, args, kwargs))

        return update_wrapper(wrapper, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``left operator right``, refused before a too large text, list or number is made
        (a list weighs the text it would be written as, see :func:`.template_sizes.text_size`)."""
        bound = self.budget.characters
        if operator == "**":
            if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1:
                _check_bits(left.bit_length() * right, operator)
        elif operator == "*":
            if _is_int(left) and _is_int(right):
                _check_bits(left.bit_length() + right.bit_length(), operator)
            elif _is_int(right) and hasattr(left, "__len__"):
                self.budget.check_size(text_size(left, bound) * right, "a repetition with '*'")
            elif _is_int(left) and hasattr(right, "__len__"):
                self.budget.check_size(text_size(right, bound) * left, "a repetition with '*'")
        elif operator == "%":
            if isinstance(left, str | bytes):
                self.budget.check_size(printf_size(left, right, bound), "a text formatted with '%'")
        elif hasattr(left, "__len__") and hasattr(right, "__len__"):  # "+"
            self.budget.check_size(text_size(left, bound) + text_size(right, bound),
                                   "a text or list joined with '+'")
        return super().call_binop(context, operator, left, right)


def counted(finalize: Callable[[Any], Any], budget: RenderBudget) -> Callable[[Any], Any]:
    """``finalize`` (what a ``{{ … }}`` writes), with the text it writes counted in
    ``budget.made`` (anywhere: in a block or a macro too), and a value that is not a text (a
    list) measured before it is written as one."""

    def write(value: Any) -> Any:
        if type(value) is not str:
            budget.check_size(text_size(value, budget.characters), "the text of a value written")
            text = finalize(value)
            if not isinstance(text, str):
                return text
        else:
            text = finalize(value)
        budget.made += len(text)
        if budget.made > budget.characters:
            raise TemplateLimitError(budget.too_much())
        return text

    return write


class _BoundedFormatter(SandboxedFormatter):
    """Jinja's sandboxed ``str.format``, counting what each field's spec asks for."""

    made = 0  # the length of the text so far, at most (set by wrap_str_format per call)

    def format_field(self, value: Any, format_spec: str) -> Any:
        budget = self._env.budget  # type: ignore[attr-defined]
        self.made += format_spec_size(format_spec) + text_size(value, budget.characters)
        budget.check_size(self.made, "a text made with 'format'")
        return super().format_field(value, format_spec)


class _BoundedEscapeFormatter(_BoundedFormatter, SandboxedEscapeFormatter):
    """:class:`_BoundedFormatter` for a ``Markup`` text (Jinja's escaping formatter)."""


def _is_int(value: object) -> bool:
    return isinstance(value, int)


def _check_bits(bits: int, operator: str) -> None:
    if bits > MAX_INTEGER_BITS:
        raise TemplateLimitError(f"'{operator}' would make a number of about {bits:,} bits "
                                 f"(at most {MAX_INTEGER_BITS:,})")
