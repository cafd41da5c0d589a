"""A name a template uses that is no variable of it: written as nothing, as Readwise's Jinja
does, and said once in a warning.

``{{ highlight_txet }}`` (or a variable excerpta does not have, pasted from another
template) would otherwise empty every highlight without a word. The warning comes when the
name's value is used (written, tested by ``{% if %}``, looped over, measured), once per
template and name in a run, naming the template, the line and the closest variable; a name
only checked with ``is defined`` or given a ``default`` is not one to warn about, and the run's
exit code is the same. An attribute, item or call of such a name (``{{ book.title }}``,
``{{ book["title"] }}``, ``{{ book.title.upper() }}``) is that same unknown name, written as
nothing with the same warning; an attribute missing from a value that is a variable is
Jinja's as ever (nothing, and an error when used further).
"""

from __future__ import annotations

import difflib
import logging
import sys
from collections.abc import Iterable, Iterator
from types import FrameType
from typing import Any

import jinja2
from jinja2.utils import missing

log = logging.getLogger(__name__)
Warned = set[tuple[str, str]]  # (template, name) already warned about in this run
# What Jinja and its sandbox look up on a value they are about to call: none of a template's.
_PROBED = frozenset({"jinja_pass_arg", "unsafe_callable", "alters_data"})


def unknown_name_class(warned: Warned) -> type[jinja2.Undefined]:
    """The ``undefined`` class of an environment: warns of each unknown name once per
    (template, name) held in ``warned``."""

    class UnknownName(jinja2.Undefined):
        __slots__ = ()

        def __str__(self) -> str:
            self._warn_at()
            return ""

        def __iter__(self) -> Iterator[Any]:
            self._warn_at()
            return iter(())

        def __bool__(self) -> bool:
            self._warn_at()
            return False

        def __len__(self) -> int:
            self._warn_at()
            return 0

        def __getattr__(self, name: str) -> Any:
            if name[:2] == "__" or self._undefined_obj is not missing:
                return super().__getattr__(name)  # (Jinja's: an error)
            if name in _PROBED:
                raise AttributeError(name)
            return self

        def __getitem__(self, key: Any) -> Any:
            if self._undefined_obj is not missing:
                return super().__getitem__(key)
            return self

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            if self._undefined_obj is not missing:
                return super().__call__(*args, **kwargs)
            return self

        def _warn_at(self, template: str | None = None, line: int | None = None,
                     names: Iterable[str] = ()) -> None:
            """Warn, unless warned already, that this name is no variable of ``template`` (by
            default: the template whose code uses it, found on the stack) at ``line``, among
            ``names``."""
            _warn(self, warned, template, line, names)

    return UnknownName


def _warn(value: jinja2.Undefined, warned: Warned, template: str | None, line: int | None,
          names: Iterable[str]) -> None:
    name = value._undefined_name
    if name is None or value._undefined_obj is not missing:
        return  # an attribute or item missing from a value, not a variable: Jinja's own business
    if template is None:
        frame = _template_frame(sys._getframe(1))
        if frame is not None:
            code = frame.f_globals["__jinja_template__"]
            template, line = code.name, code.get_corresponding_lineno(frame.f_lineno)
            context = frame.f_locals.get("context")
            names = context.get_all() if isinstance(context, jinja2.runtime.Context) else ()
    key = (str(template or "?"), name)
    if key in warned:
        return
    warned.add(key)
    where = f"template {key[0]}" + (f", line {line}" if line else "")
    close = difflib.get_close_matches(name, list(names), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    log.warning("%s: %r is not a variable of this template, written as nothing%s", where, name, hint)


def _template_frame(frame: FrameType | None) -> FrameType | None:
    """The innermost frame of template code at or above ``frame`` (a filter may be between)."""
    while frame is not None and "__jinja_template__" not in frame.f_globals:
        frame = frame.f_back
    return frame
