"""How the note templates are compiled: Jinja's compiler, with every fault of the user's
source a syntax error naming its line, and the text a block makes written as it is.

A template is the user's code, so whatever stops it compiling is their error to fix, never a
crash: an integer literal of more than 4,300 digits (Python refuses to read it), brackets
nested thousands deep (the parser's recursion), loops nested past Python's 20 blocks. Each
becomes a :class:`jinja2.TemplateSyntaxError` naming the template and the line, which
:mod:`.templates` reports as the template's error.

The text of a macro, a ``{% call %}`` body, a recursive loop or an unfiltered ``{% set %}``
block was made of the template's own text and of values each made inert as it was written;
written again by ``{{ … }}``, it would be made inert twice (``<`` become ``&amp;lt;``). Such a
body returns its text as :class:`~.template_kinds.BlockText` (in the Markdown templates; a
:class:`~.links.Verbatim` in the others), which is written as it is. A filter run on a block's
text (``{% set x | f %}``, ``{% filter f %}``) may undo what made it inert (``striptags``
unescapes) or keep it (``upper``), so the values of such a block are not made inert as they
are written in it (:meth:`NoteEnvironment.raw_piece`): the filter's result is, once, as it is
written (a ``{% set x | f %}`` as ``x``, a value like any other).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from types import CodeType
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.lexer import Lexer, Token
from jinja2.parser import Parser

from excerpta.markdown_safety import ListItemText
from excerpta.writers.obsidian.links import Verbatim
from excerpta.writers.obsidian.template_kinds import BlockText, KindKeepingEnvironment, raw
from excerpta.writers.obsidian.template_limits import counted

# What stops Python (not Jinja) reading or compiling a template the user wrote.
SOURCE_FAULTS = (ValueError, RecursionError, MemoryError)
_Finalize = CodeGenerator._FinalizeInfo
_DEBUG_INFO = re.compile(r"^debug_info = '([0-9=&]*)'$", re.MULTILINE)


def source_fault(err: BaseException, line: int | None, name: str | None) -> TemplateSyntaxError:
    """The syntax error for ``err``, a fault Python met reading ``name`` at ``line``."""
    if isinstance(err, RecursionError | MemoryError):
        message = "nested too deeply to be read (brackets, blocks or expressions inside each other)"
    else:
        message = str(err).split("; use sys.")[0]  # (Python's advice is not the user's to take)
    return TemplateSyntaxError(message, line or 0, name, name)


class _Lexer(Lexer):
    """Jinja's lexer, a literal Python cannot read (a number of 5,000 digits) a syntax error."""

    def wrap(self, stream: Iterable[tuple[int, str, str]], name: str | None = None,
             filename: str | None = None) -> Iterator[Token]:
        line = 1

        def lines() -> Iterator[tuple[int, str, str]]:
            nonlocal line
            for token in stream:
                line = token[0]
                yield token

        try:
            yield from super().wrap(lines(), name, filename)
        except ValueError as err:
            raise source_fault(err, line, name) from None


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator: a body's text :class:`Verbatim`, a filtered block's values
    written as they are into it; too deep a template a syntax error at the last line it
    reached."""

    # What a filtered block writes its values with (see NoteEnvironment.raw_piece).
    _RAW = _Finalize(lambda value: "" if value is None else str(value),
                                       "environment.raw_piece(")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._raw_buffers: set[str] = set()  # the buffers of filtered blocks (and their loops)

    def _finalize_of(self, frame: Frame) -> _Finalize:
        return self._RAW if frame.buffer in self._raw_buffers else self._make_finalize()

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer not in self._raw_buffers:
            super().visit_Output(node, frame)
            return
        kept, self._finalize = self._make_finalize(), self._RAW
        try:
            super().visit_Output(node, frame)
        finally:
            self._finalize = kept

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: _Finalize) -> None:
        if finalize is self._RAW:  # (no str(): a highlight's text stays one)
            self.write(str(finalize.src))
            return
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: _Finalize) -> None:
        if finalize is self._RAW:
            self.write(")")
            return
        super()._output_child_post(node, frame, finalize)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if len(node.nodes) == 1:  # a "~" LimitedEnvironment made one call: its text as it is
            self.visit(node.nodes[0], frame)
            return
        super().visit_Concat(node, frame)

    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
        if node.node is not None or frame.buffer not in self._raw_buffers:
            super().visit_Filter(node, frame)
            return
        with self._filter_test_common(node, frame, True):  # a filtered block's text
            self.write(f"environment.raw_block({frame.buffer})")

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        try:
            super().visit_Template(node, frame)
        except (RecursionError, MemoryError) as err:
            raise source_fault(err, self._last_line, self.name) from None

    def return_buffer_contents(self, frame: Frame, force_unescaped: bool = False) -> None:
        if not force_unescaped and (frame.eval_ctx.volatile or frame.eval_ctx.autoescape):
            super().return_buffer_contents(frame, force_unescaped)  # (Markup: escaped already)
            return
        self.writeline(f"return environment.made_text(concat({frame.buffer}))")

    def visit_AssignBlock(self, node: nodes.AssignBlock, frame: Frame) -> None:
        # Jinja's, with the block's text made Verbatim when no filter ran on it: a filter can
        # undo what made the values inert ('striptags' unescapes), so its result is plain
        # text, made inert when written like any value.
        self.push_assign_tracking()
        block_frame = frame.inner()
        block_frame.require_output_check = False  # (a set block always captures)
        block_frame.symbols.analyze_node(node)
        self.enter_frame(block_frame)
        self.buffer(block_frame)
        if node.filter is not None:
            self._raw_buffers.add(str(block_frame.buffer))
        self.blockvisit(node.body, block_frame)
        self.newline(node)
        self.visit(node.target, frame)
        if node.filter is not None:
            self.write(" = ")
            self.visit_Filter(node.filter, block_frame)
        else:
            self.write(" = environment.made_text((Markup if context.eval_ctx.autoescape else identity)(")
            self.write(f"concat({block_frame.buffer})))")
        self.pop_assign_tracking(frame)
        self.leave_frame(block_frame)

    def visit_FilterBlock(self, node: nodes.FilterBlock, frame: Frame) -> None:
        # Jinja's, with the body's values written as they are and the filter's result finalized
        # (made inert) as a written value is: Jinja writes it as it is.
        filter_frame = frame.inner()
        filter_frame.symbols.analyze_node(node)
        self.enter_frame(filter_frame)
        self.buffer(filter_frame)
        self._raw_buffers.add(str(filter_frame.buffer))
        self.blockvisit(node.body, filter_frame)
        self.start_write(frame, node)
        finalize = self._finalize_of(frame)
        self._output_child_pre(node, frame, finalize)
        self.visit_Filter(node.filter, filter_frame)
        self._output_child_post(node, frame, finalize)
        self.end_write(frame)
        self.leave_frame(filter_frame)


class NoteEnvironment(KindKeepingEnvironment):
    """The environment of the note templates: :class:`KindKeepingEnvironment`, compiled as
    this module says."""

    code_generator_class = _CodeGenerator
    inert_blocks = False  # whether the values written are made inert (a Markdown template's)

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self._lexer = _Lexer(self)
        self.raw_piece = counted(_raw_value, self.budget)

    @property
    def lexer(self) -> Lexer:  # type: ignore[override]
        return self._lexer

    def made_text(self, text: str) -> str:
        """The text a block of a template made: written as it is."""
        if isinstance(text, Verbatim) or type(text) is not str:
            return text
        return BlockText(text) if self.inert_blocks else Verbatim(text)

    @staticmethod
    def raw_block(pieces: list[str]) -> str:
        """The text of a filtered block, written by :meth:`raw_piece`: a highlight's text if
        one of its pieces is."""
        text = "".join(pieces)
        return ListItemText(text) if any(type(piece) is ListItemText for piece in pieces) else text

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        parser = Parser(self, source, name, filename)
        try:
            return self.limit(parser.parse())
        except (RecursionError, MemoryError) as err:
            raise source_fault(err, parser.stream.current.lineno, name) from None

    def _compile(self, source: str, filename: str) -> CodeType:
        try:
            return super()._compile(source, filename)
        except (SyntaxError, *SOURCE_FAULTS) as err:
            line = _template_line(source, getattr(err, "lineno", None))
            reason = getattr(err, "msg", None) or str(err)
            raise TemplateSyntaxError(f"cannot be compiled ({reason})", line or 0, filename,
                                      filename) from None


def _raw_value(value: object) -> object:
    """What a filtered block writes for ``value`` (its ``raw_piece``, counted as a value
    written): a text as it is, a block's text as it was made from (see
    :func:`.template_kinds.raw`), None as nothing."""
    if type(value) is str or type(value) is ListItemText:
        return value
    if isinstance(value, BlockText):
        return raw(value)
    return "" if value is None else str(value)


def _template_line(code: str, code_line: int | None) -> int | None:
    """The template's line that made line ``code_line`` of its generated ``code``."""
    found = _DEBUG_INFO.search(code)
    if found is None or not code_line or not found.group(1):
        return None
    pairs = [tuple(map(int, pair.split("="))) for pair in found.group(1).split("&")]
    before = [line for line, generated in pairs if generated <= code_line]
    return before[-1] if before else None
