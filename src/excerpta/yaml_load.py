"""Reading YAML that people wrote (note front matter): ``yaml.safe_load``, with libyaml's speed
and a bound on what aliases may repeat.

PyYAML's pure-Python parser costs about a millisecond for a note's front matter; libyaml (when
PyYAML was built with it) reads the same values 10x faster. Text libyaml rejects is read again
by PyYAML's own parser, so switching parsers never makes a readable note unreadable: only YAML
both reject raises :class:`yaml.YAMLError`.

YAML aliases (``*a``) repeat what an anchor (``&a``) holds: nine lists of nine aliases of the
one before ("billion laughs") stand for billions of values in a few hundred bytes. PyYAML
builds them as shared lists, cheaply, but whatever then walks the values (``repr``, ``==``,
turning them into text) spells every one out, for minutes and gigabytes. So text holding a
``*`` is composed into YAML nodes first, and refused with :class:`AliasGrowthError` if its
aliases, spelled out, would add more than :data:`MAX_ALIAS_GROWTH` characters; no template or
person writes that many.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters that spelling out aliases (``*a``) may add to a YAML text: front matter holds none.
MAX_ALIAS_GROWTH = 100_000


class AliasGrowthError(yaml.MarkedYAMLError):
    """YAML whose aliases, spelled out, add more than ``limit`` characters. ``problem_mark`` is
    where the limit is passed: the top-level key (or the document, if it is no mapping);
    ``line`` is that line, 1-based in the text read."""

    def __init__(self, mark: yaml.Mark, limit: int) -> None:
        super().__init__(problem=f"its aliases (*name) repeat more than {limit:,} characters",
                         problem_mark=mark)
        self.line = int(mark.line) + 1


def safe_load(text: str, max_alias_growth: int = MAX_ALIAS_GROWTH) -> Any:
    """``yaml.safe_load(text)``; see the module docstring.

    Raises :class:`yaml.YAMLError` for YAML neither parser reads, :class:`AliasGrowthError`
    (one) if its aliases add more than ``max_alias_growth`` characters; PyYAML's constructors
    may also raise ValueError (``2023-02-30``) or RecursionError, as ``yaml.safe_load`` does.
    """
    if "*" not in text:  # no alias without one: the common case reads at libyaml's speed
        return _load(text)
    root = _compose(text)
    if root is None:
        return None
    check_alias_growth(root, max_alias_growth)
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _load(text: str) -> Any:
    return _with_fallback(yaml.load, text)


def _compose(text: str) -> yaml.Node | None:
    return _with_fallback(yaml.compose, text)


def _with_fallback(parse: Callable[..., Any], text: str) -> Any:
    # libyaml first; PyYAML's own parser where libyaml refuses what PyYAML reads.
    try:
        return parse(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
        return parse(text, Loader=yaml.SafeLoader)


def check_alias_growth(root: yaml.Node, max_growth: int = MAX_ALIAS_GROWTH) -> None:
    """Raises AliasGrowthError if the values under ``root``, with every alias spelled out as
    ``repr`` writes them (a list holding itself written once, ``[[...]]``), weigh more than
    the nodes as written plus ``max_growth`` (a value weighs one, a scalar one more per
    character). Costs at most that many steps, however many the aliases stand for."""
    budget = _written_weight(root) + max_growth
    pairs = root.value if isinstance(root, yaml.MappingNode) else [(root, None)]
    spent = 0
    for key, value in pairs:
        for node in (key, value):
            if node is not None and spent <= budget:
                spent += _spelled_out_weight(node, budget - spent)
        if spent > budget:
            raise AliasGrowthError(key.start_mark, max_growth)


def _weight(node: yaml.Node) -> int:
    return 1 + len(node.value) if isinstance(node, yaml.ScalarNode) else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _spelled_out_weight(node: yaml.Node, budget: int) -> int:
    """The weight of ``node`` with its aliases spelled out (one for a node inside itself, as
    ``repr`` writes it), counted one value at a time: stops, more than ``budget``, once past."""
    total = _weight(node)
    on_path = {id(node)}
    stack = [iter(_children(node))]
    parents = [node]
    while stack and total <= budget:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            on_path.discard(id(parents.pop()))
        elif id(child) in on_path:
            total += 1
        else:
            total += _weight(child)
            grandchildren = _children(child)
            if grandchildren:
                on_path.add(id(child))
                stack.append(iter(grandchildren))
                parents.append(child)
    return total


def _written_weight(root: yaml.Node) -> int:
    """The weight of the nodes under ``root``, each once: the values as the text writes them."""
    seen: set[int] = set()
    weight, pending = 0, [root]
    while pending:
        node = pending.pop()
        if id(node) not in seen:
            seen.add(id(node))
            weight += _weight(node)
            pending.extend(_children(node))
    return weight
