"""Source text made inert in Markdown notes (excerpta.markdown_safety), checked with a real
CommonMark parser (markdown-it-py) rather than with the module's own idea of Markdown."""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from excerpta.markdown_safety import ListItemText, defang, escape_edges, restore, runs_code
from excerpta.readers.readwise_md.location_links import split_location_link
from markdown_checks import PARSER, assert_runs_nothing, link_targets, tokens

# Characters that make Markdown constructs, in every combination, and some ordinary text.
PIECES = [*"`~%<>&;#\\=$-+*1.)!?/ \t\n\rab", "lt;", "amp;", "#96;", "#37;", "#94;", "#41;", "^hl-", "<%",
          "%%", "```", "---", "***", "_", "=", " (Page 9)", "(Location 12", "(Time 0:01:41)",
          "([View Highlight](u)", "[x]", "](", "]:", "javascript:", "JaVa\tScript", "data:", "https://e.com"]
MARKDOWN_TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join) | st.text(max_size=30)


def _placements(value: str) -> list[str]:
    """``value`` where templates put text: alone, as a list item with continuation lines
    indented (Readwise's layout), and as a block quote."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [value, "- " + "\n  ".join(lines), "> " + "\n> ".join(lines)]


def _assert_inert(markdown: str) -> None:
    assert_runs_nothing(markdown)
    assert "^hl-" not in markdown  # our block ids: never from the source


# A highlight's text (its list lines made text) and any other value (a note: lists kept).
AS_WRITTEN = [ListItemText, str]


@pytest.mark.parametrize("kind", AS_WRITTEN)
@settings(max_examples=3000)
@given(MARKDOWN_TEXT)
def test_restore_gives_back_exactly_what_defang_was_given(kind, text):
    assert restore(defang(kind(text))) == text


@pytest.mark.parametrize("kind", AS_WRITTEN)
@settings(max_examples=3000)
@given(MARKDOWN_TEXT)
def test_no_defanged_text_makes_a_fence_html_a_dataview_query_or_a_comment(kind, text):
    for markdown in _placements(defang(kind(text))):
        _assert_inert(markdown)


@pytest.mark.parametrize("hostile", [
    "```dataviewjs\ndv.paragraph(app.vault.getFiles().length)\n```",
    "~~~dataviewjs\nawait app.vault.adapter.remove('x')\n~~~",
    "See `$= dv.current().file.name` now",
    "See `` = this.file.name `` now",
    "<%* await app.vault.delete(app.workspace.getActiveFile()) %>",
    "text `<% tp.file.title %>` in code",
    "<iframe src='https://example.com'></iframe>",
    "<!-- everything below is hidden",
    "50%% of the note hidden %% until here",
    "1. ```js\n  alert(1)\n  ```",
])
def test_known_attacks_are_inert_and_read_back(hostile):
    safe = defang(hostile)
    for markdown in _placements(safe):
        _assert_inert(markdown)
    assert restore(safe) == hostile


@pytest.mark.parametrize("ordinary", [
    "the `Pet` schema and `$ref` keyword",  # a Reader highlight of the corpus
    "**bold**, _emphasis_, ==marked== and [a link](https://example.com/?a=1&b=2)",
    "Tom & Jerry; 3 < 4 and 5 > 2; 100% sure; ~~struck~~",
    "`List<String>` in code stays as written",
    "[[Wikilink]] and #tag",
])
def test_ordinary_markdown_is_written_as_the_source_wrote_it(ordinary):
    assert defang(ordinary) == ordinary


def test_what_markdown_shows_is_the_source_text():
    shown = PARSER.render(defang("List<String> costs 50%% & `$= x`"))
    assert shown == "<p>List&lt;String&gt; costs 50%% &amp; `$= x`</p>\n"


@pytest.mark.parametrize("text", [
    "shown in the table (Page 9)", "as the study notes (Location\u00a012) ", "at (Time 0:01:41)",
    "see ([View Highlight](https://example.com/a_(b)))", "code `(Page 9`)",
])
def test_a_text_ending_as_a_readwise_location_does_not_read_as_one(text):
    safe = defang(text)
    assert split_location_link(safe) == (safe, None)  # what the readwise-md reader takes apart
    assert restore(safe) == text
    assert PARSER.render(safe) == PARSER.render(text)  # and shows as the source had it


def test_a_parenthesis_not_ending_a_location_is_written_as_it_is():
    for text in ["(Page 9) is where", "see (p. 9)", "the (Location) of it", "Chapter (Time 5)"]:
        assert defang(text) == text


@pytest.mark.parametrize("hostile", [
    "click [here](javascript:alert(document.cookie)) now",
    "![x](JaVaScRiPt:alert(1))",
    "[x](vbscript:msgbox(1)) and [y](data:text/html;base64,PHNjcmlwdD4=)",
    "[x]( <\tjava\tscript:alert(1)>)",  # a browser drops the tabs and the space
    "[x](javascript\\:alert(1))",  # "\\:" is ":" in a destination
    "[x]\n\n[x]: javascript:alert(1)",  # a reference definition
    "- [x]:\n  javascript:alert(1)\n\n[x]",
])
def test_a_link_in_text_that_would_run_code_is_text(hostile):
    safe = defang(hostile)
    for markdown in _placements(safe):
        _assert_inert(markdown)
        assert link_targets(markdown) == []
    assert restore(safe) == hostile


def test_a_link_that_runs_code_shows_as_the_source_wrote_it_and_others_stay_links():
    text = "[a](javascript:x()) [b](https://example.com/) ![c](http://i.example/c.png) ![[Diary]]"
    assert PARSER.render(defang(text)) == PARSER.render(text.replace("](j", "]\\(j"))
    assert link_targets(defang(text)) == ["https://example.com/", "http://i.example/c.png"]
    assert "![[Diary]]" in defang(text)


@pytest.mark.parametrize(("text", "safe"), [
    ("Three rules:\n- one;\n2. two.\n+ three\n10) four\n*",
     "Three rules:\n\\- one;\n2\\. two.\n\\+ three\n10\\) four\n\\*"),
    ("a\n\\- escaped by the source\n2\\. too", "a\n\\\\- escaped by the source\n2\\\\. too"),
    ("a\n- ---\n* * *", "a\n\\- ---\n\\* * *"),
    ("a\n-one\n2.5 million\n- [ ] task", "a\n-one\n2.5 million\n\\- [ ] task"),
])
def test_a_line_after_the_first_of_a_highlights_text_that_would_be_a_list_item_is_text(text, safe):
    # In a list item, such a line would be an item nested in it: the highlight's block id at
    # its end would name that item.
    assert defang(ListItemText(text)) == safe
    assert restore(safe) == text
    markdown = "- Highlight: " + safe.replace("\n", "\n  ")
    found = tokens(markdown)
    assert [t.type for t in found].count("list_item_open") == 1
    [inline] = [t for t in found if t.type == "inline"]
    shown = "".join("\n" if c.type == "softbreak" else c.content for c in inline.children or ())
    assert shown == "Highlight: " + text  # as the source wrote it


@pytest.mark.parametrize(("text", "safe", "items"), [
    ("my list:\n- a\n- b\n2. c\n  * d", "my list:\n- a\n- b\n2. c\n  * d", 5),
    # (escaped by the source: one backslash more; a rule or a fence after the marker: text)
    ("a\n\\- escaped\n- ---\n- ```js\n1. $= x",
     "a\n\\\\- escaped\n\\- ---\n\\- &#96;&#96;&#96;js\n1\\. $= x", 1),
])
def test_a_list_in_a_note_or_a_summary_stays_a_list(text, safe, items):
    # No block id ends a note (a sub-bullet after it) or a summary: its lists render as lists.
    assert defang(text) == safe
    assert restore(safe) == text
    found = tokens("- Note: " + safe.replace("\n", "\n  "))
    assert [t.type for t in found].count("list_item_open") == items  # the note's, and its list's


def test_a_link_to_code_is_one_rule_whatever_its_case_spaces_and_controls():
    for url in ["JaVa\tScript:alert(1)", " \x01data:text/html,x", "vbscript:x", "java\x7fscript:x"]:
        assert runs_code(url), url
        assert link_targets(defang(f"[x]({url})")) == [], url  # defang's check is the same rule
    for url in ["https://example.com/javascript:", "javascript", "datas:x"]:
        assert not runs_code(url), url


@pytest.mark.parametrize("kind", AS_WRITTEN)
@settings(max_examples=2000)
@given(MARKDOWN_TEXT)
def test_restore_gives_back_exactly_a_value_with_its_edges_escaped(kind, text):
    assert restore(escape_edges(defang(kind(text)))) == text


# What a template may write between or after values: nothing, or a character that completes a
# construct with what a value starts or ends with. Not before one: "<" ("<{{ x }}" is HTML
# for a value starting with a letter), "(" or ":" after a "]" (a link to the value, a URL),
# nor "^" (before "hl-"): a value starts with these too often to be escaped there. Not "%"
# after a value: one ends with it too often ("up 12%") to be stored as an entity. Not a
# backtick, nor a value starting or ending with a code span next to another: the runs would
# pair otherwise, and only taking the span's code away could prevent it (a known limit).
AFTER = ["", "<", "^", "]", "(", ":"]
BETWEEN = ["", "]"]


def _alone(text: str) -> str:
    return escape_edges(defang(text))


@settings(max_examples=2000)
@given(MARKDOWN_TEXT, st.sampled_from(BETWEEN), MARKDOWN_TEXT, st.sampled_from(AFTER))
@example("a <", "", "% tp.file.title %>", "")
@example("x\n~", "", "~~dataviewjs", "")
@example("[a](java", "", "script:x", "")
@example("see [a]", "", "(javascript:x)", "")
def test_values_side_by_side_make_nothing_together(first, joint, second, after):
    values = [_alone(first), _alone(second)]
    assume(all(value and value[0] != "`" and value[-1] != "`" for value in values))
    for placed in _placements(values[0] + joint + values[1] + after):
        _assert_inert(placed)
