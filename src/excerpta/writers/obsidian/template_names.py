"""The variables a template reads: so that a highlight's variables it never reads need not be made.

:func:`used_names` reads a template's source as Jinja parses it (:func:`jinja2.meta.
find_undeclared_variables`: every name it reads from its context, in macros and loops too, but
not the ones it sets itself). A template that may read names no parse shows is unknown: one
that includes, imports or extends another file (which sees the whole context), defines blocks
(which ``self`` renders), or names ``self``. So is one whose source is not at hand.
"""

from __future__ import annotations

import jinja2
from jinja2 import meta, nodes

# What lets a template read its context beyond the names in its own source.
_OPAQUE = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport, nodes.Block,
           nodes.ContextReference, nodes.DerivedContextReference)


def used_names(template: jinja2.Template) -> frozenset[str] | None:
    """The context names ``template`` may read, or None when its source does not tell them
    all (see the module docstring)."""
    environment = template.environment
    if template.name is None or environment.loader is None:
        return None
    try:
        source = environment.loader.get_source(environment, template.name)[0]
        tree = environment.parse(source, template.name)
    except Exception:  # (compiled already; whatever happens now, the answer is "unknown")
        return None
    if any(True for _ in tree.find_all(_OPAQUE)):
        return None
    if any(name.name == "self" for name in tree.find_all(nodes.Name)):
        return None
    return frozenset(meta.find_undeclared_variables(tree))
