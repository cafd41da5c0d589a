"""The kind of text a template's operations make: what a value was made from decides how it
is made inert, whatever a template does to it on the way.

Two kinds of text are not plain text to :func:`.templates.inert` (what ``{{ … }}`` writes):

* a highlight's text (:class:`~excerpta.markdown_safety.ListItemText`), whose lines starting
  with a list marker are written as text so that the block id ends the whole highlight;
* a block's text (:class:`BlockText`: a macro's, a ``{% call %}`` body's, an unfiltered
  ``{% set %}`` block's), made of the template's own text and of values each made inert as it
  was written: written as it is.

A Jinja filter (``replace``, ``trim``, ``upper``, ``title``, ``format``, ``join``…), a string
method (``.upper()``, ``.format()``), ``~``, ``+`` and ``%`` make plain text, which would lose
both. :class:`KindKeepingEnvironment` keeps them: what such an operation makes from a
highlight's text is a highlight's text (its list lines text, whichever value they came from:
the safe side), and a block's text it is given is first taken back to the text it was made
from (:func:`~excerpta.markdown_safety.restore`, a highlight's text again if it held a list
line made text), so that the result is made inert once, as it is written, never twice
(``&amp;lt;``, ``\\\\-``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import update_wrapper
from typing import Any

from jinja2.filters import FILTERS
from jinja2.runtime import Context

from excerpta.markdown_safety import ListItemText, holds_list_line_made_text, restore
from excerpta.writers.obsidian.links import Verbatim
from excerpta.writers.obsidian.template_limits import LimitedEnvironment


class BlockText(Verbatim):
    """The text a block of a Markdown template made: inert already, written as it is."""

    __slots__ = ()


def raw(value: Any) -> Any:
    """``value``, a block's text taken back to the text it was made from (a highlight's text
    if it held a list line made text); any other value as it is."""
    if not isinstance(value, BlockText):
        return value
    text = restore(value)
    return ListItemText(text) if holds_list_line_made_text(value) else text


def _marked(value: Any) -> bool:
    # A highlight's or a block's text, or a list or tuple holding one (one level: what a join,
    # a format or a "%" takes).
    kind = type(value)
    if kind is str:
        return False
    if kind is ListItemText or isinstance(value, BlockText):
        return True
    return (kind is list or kind is tuple) and any(
        type(item) is ListItemText or isinstance(item, BlockText) for item in value)


def _any_marked(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return any(map(_marked, args)) or (bool(kwargs) and any(map(_marked, kwargs.values())))


def _raw_item(value: Any) -> Any:
    if isinstance(value, BlockText):
        return raw(value)
    if type(value) is list or type(value) is tuple:
        return type(value)(raw(item) for item in value)
    return value


def _list_item(values: Iterable[Any]) -> bool:
    return any(type(value) is ListItemText or ((type(value) is list or type(value) is tuple)
                                               and any(type(item) is ListItemText for item in value))
               for value in values)


def made_from(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``function(*args, **kwargs)``, a block's text among the arguments given as the text it
    was made from, and a text made from a highlight's text a highlight's text."""
    if not _any_marked(args, kwargs):
        return function(*args, **kwargs)
    args = tuple(_raw_item(arg) for arg in args)
    kwargs = {name: _raw_item(arg) for name, arg in kwargs.items()}
    result = function(*args, **kwargs)
    if type(result) is str and (_list_item(args) or _list_item(kwargs.values())):
        return ListItemText(result)
    return result


def kind_keeping(function: Callable[..., Any]) -> Callable[..., Any]:
    """Filter ``function`` making its result with :func:`made_from`."""

    def kept(*args: Any, **kwargs: Any) -> Any:
        return made_from(function, args, kwargs)

    pass_arg = getattr(function, "jinja_pass_arg", None)
    if pass_arg is not None:  # (the same context, environment… passed, as Jinja's)
        kept.jinja_pass_arg = pass_arg  # type: ignore[attr-defined]
    return kept


class KindKeepingEnvironment(LimitedEnvironment):
    """:class:`LimitedEnvironment` whose filters, string methods, ``~``, ``+``, ``%`` and
    ``format()`` keep the kind of text they are given (see the module docstring)."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.filters.update({name: kind_keeping(self.filters[name]) for name in FILTERS})

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``__obj`` from the template; a string method with :func:`made_from`, its own
        text's kind kept."""
        owner = getattr(__obj, "__self__", None)
        if not isinstance(owner, str) or (type(owner) is str and not _any_marked(args, kwargs)):
            return super().call(__context, __obj, *args, **kwargs)
        if isinstance(owner, BlockText):
            __obj = getattr(raw(owner), __obj.__name__)
            owner = __obj.__self__
        parent = super().call
        result = made_from(lambda *given, **named: parent(__context, __obj, *given, **named), args, kwargs)
        return ListItemText(result) if type(owner) is ListItemText and type(result) is str else result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as :class:`LimitedEnvironment` has it, with :func:`made_from`."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, BlockText):
            value = getattr(raw(owner), getattr(value, "__name__", ""), value)
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def formatted(*args: Any, **kwargs: Any) -> str:
            return made_from(wrapped, args, kwargs)  # type: ignore[no-any-return]

        return update_wrapper(formatted, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``left operator right`` as :class:`LimitedEnvironment` has it, with :func:`made_from`."""
        if not (_marked(left) or _marked(right)):
            return super().call_binop(context, operator, left, right)
        return made_from(lambda a, b: super(KindKeepingEnvironment, self).call_binop(context, operator, a, b),
                         (left, right), {})

    def joined(self, parts: tuple[Any, ...]) -> str:
        """What ``a ~ b`` makes, with :func:`made_from`."""
        return made_from(lambda *given: super(KindKeepingEnvironment, self).joined(given),  # type: ignore[no-any-return]
                         parts, {})
