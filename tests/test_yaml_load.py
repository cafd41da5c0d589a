"""Reading YAML people wrote: what ``yaml.safe_load`` reads, with aliases bounded."""

from __future__ import annotations

import time

import pytest
import yaml

from excerpta.yaml_load import AliasGrowthError, safe_load


def laughs(levels: int, prefix: str = "") -> str:
    """``levels`` lists of nine aliases of the one before ("billion laughs"), one per line."""
    lines = [f"{prefix}l0: &l0 [{', '.join(['lol'] * 9)}]"]
    lines += [f"{prefix}l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_aliases_repeating_more_than_a_hundred_thousand_characters_are_refused_at_their_line():
    started = time.perf_counter()
    with pytest.raises(AliasGrowthError) as raised:
        safe_load("title: Walden\n" + laughs(9))  # 9 ** 9 values, had it been read
    assert time.perf_counter() - started < 0.5
    assert isinstance(raised.value, yaml.YAMLError)
    # l4 spells out 9 ** 5 times "lol": the first line past 100,000 characters.
    assert raised.value.line == 6
    assert raised.value.problem == "its aliases (*name) repeat more than 100,000 characters"


def test_aliases_nested_under_other_values_or_in_a_top_level_list_are_counted_too():
    anchors = [f"&l0 [{', '.join(['lol'] * 9)}]"]
    anchors += [f"&l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 7)]
    with pytest.raises(AliasGrowthError) as raised:
        safe_load(f"title: Walden\ndeep:\n  - {{x: [{', '.join(anchors)}]}}\n")
    assert raised.value.line == 2
    with pytest.raises(AliasGrowthError) as raised:
        safe_load("".join(f"- {anchor}\n" for anchor in anchors))
    assert raised.value.line == 1


def test_aliases_people_write_and_lists_holding_themselves_are_read_as_safe_load_does():
    text = "who: &who Ann Lee\nsource: *who\nurl: https://example.com/a*b\nme: &me [*me, *me, x]\n"
    assert repr(safe_load(text)) == repr(yaml.safe_load(text))
    assert safe_load(laughs(4)) == yaml.safe_load(laughs(4))  # 9 ** 4 * 4 characters
