"""Property (a state machine): whatever upstream changes in a book and whatever the user does to
its note (lines of their own anywhere, header lines changed, properties and tags of their own,
highlights reworded, annotated or deleted, the note moved), in any order, a sync keeps every
line, property and tag the user added, never writes a highlight twice or puts back one the
user deleted, and a second sync has nothing to do."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian.frontmatter import note_id

from .conftest import sync_as_predicted, sync_once

DOCUMENT = "d1"


class DocumentNote(RuleBasedStateMachine):
    """One book synced into a vault, and the user's hands on its note."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.vault, self.state = self.folder / "vault", self.folder / "state.sqlite"
        self.highlights: dict[str, Highlight] = {}
        self.title, self.author, self.tags = "Walden", "Thoreau", ["philosophy"]
        self.counter = 0
        self.lines: list[str] = []  # lines the user wrote or changed
        self.properties: dict[str, int] = {}  # properties the user added
        self.user_tags: list[str] = []  # tags the user added to ours
        self.deleted: set[str] = set()  # block ids of highlights the user deleted from the note
        self.synced = False

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _document(self) -> Document:
        return Document(id=DOCUMENT, title=self.title, author=self.author, category=Category.BOOKS,
                        tags=list(self.tags), highlights=list(self.highlights.values()))

    def _note(self) -> Path:
        [path] = [p for p in self.vault.rglob("*.md") if note_id(p.read_text(encoding="utf-8")) == DOCUMENT]
        return path

    def _edit(self, change: Callable[[str], str]) -> None:
        path = self._note()
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    # Upstream.
    # The last one is made inert in the note (markdown_safety) and must merge all the same.
    @rule(words=st.sampled_from(["Simplify.", "Live deliberately.", "Be awake.",
                                 "Run `$= x`, <b>50%%</b> ^hl-h1"]))
    def add_highlight(self, words: str) -> None:
        n = self._next()
        self.highlights[f"h{n}"] = Highlight(id=f"h{n}", text=f"{words} {n}", location=n * 10,
                                             location_type=LocationType.LOCATION)

    @rule(data=st.data(), change=st.sampled_from(["edit", "note", "delete"]))
    def change_highlight(self, data: st.DataObject, change: str) -> None:
        live = sorted(i for i, h in self.highlights.items() if not h.is_deleted)
        if live:
            ident = data.draw(st.sampled_from(live))
            old = self.highlights[ident]
            update = {"edit": {"text": old.text + " Again."}, "note": {"note": f"Note {self._next()}."},
                      "delete": {"is_deleted": True}}[change]
            self.highlights[ident] = old.model_copy(update=update)

    @rule(field=st.sampled_from(["title", "author", "tag", "untag"]))
    def change_document(self, field: str) -> None:
        n = self._next()
        if field == "title":
            self.title = f"Walden {n}"
        elif field == "author":
            self.author = f"Thoreau {n}"
        elif field == "tag":
            self.tags.append(f"topic-{n}")
        elif self.tags:
            self.tags.pop(0)

    # The user.
    @precondition(lambda self: self.synced)
    @rule(where=st.sampled_from(["top", "header", "between", "end"]))
    def write_a_line(self, where: str) -> None:
        line = f"My line {self._next()}."
        anchors = {"top": "%% excerpta:begin header %%\n", "header": "## Metadata\n",
                   "between": "%% excerpta:begin highlights %%\n"}

        def change(text: str) -> str:
            if where == "end":
                return text + f"\n{line}\n"
            anchor = anchors[where]
            if anchor not in text:
                return text + f"\n{line}\n"
            at = text.index(anchor) + (0 if where in ("top", "between") else len(anchor))
            return text[:at] + f"{line}\n" + ("\n" if where != "header" else "") + text[at:]

        self._edit(change)
        self.lines.append(line)

    @precondition(lambda self: self.synced)
    @rule(data=st.data(), action=st.sampled_from(["reword", "annotate", "delete"]))
    def touch_a_highlight(self, data: st.DataObject, action: str) -> None:
        text = self._note().read_text(encoding="utf-8")
        ours = [line for line in text.split("\n") if line.startswith("- ") and " ^hl-h" in line
                and not line.startswith("- My words")]
        if not ours:
            return
        line = data.draw(st.sampled_from(ours))
        ident = line.rsplit("^", 1)[1].strip()
        if action == "reword":
            new = f"- My words {self._next()}: {line[2:]}"
            self.lines.append(new)
        elif action == "annotate":
            thought = f"    - my thought {self._next()}"
            new = line + "\n" + thought
            self.lines.append(thought)
        else:
            new = None
            self.deleted.add(ident)
        self._edit(lambda text: text.replace(line + "\n", "" if new is None else new + "\n", 1))

    @precondition(lambda self: self.synced)
    @rule(data=st.data())
    def change_a_header_line(self, data: st.DataObject) -> None:
        text = self._note().read_text(encoding="utf-8")
        header = text.split("%% excerpta:begin header %%\n", 1)[-1].split("%% excerpta:end header", 1)[0]
        ours = [line for line in header.split("\n") if line.startswith(("# ", "- ")) and "(mine" not in line]
        if ours:
            line = data.draw(st.sampled_from(ours))
            new = f"{line} (mine {self._next()})"
            self._edit(lambda text: text.replace(f"\n{line}\n", f"\n{new}\n", 1))
            self.lines.append(new)

    @precondition(lambda self: self.synced)
    @rule(kind=st.sampled_from(["property", "tag"]))
    def add_to_the_front_matter(self, kind: str) -> None:
        n = self._next()

        def change(text: str) -> str:
            end = text.index("\n---\n", 4)
            if kind == "property":
                self.properties[f"rating-{n}"] = n
                return text[:end] + f"\nrating-{n}: {n}" + text[end:]
            self.user_tags.append(f"mine-{n}")
            if "\ntags:\n" in text[:end]:
                return text.replace("\ntags:\n", f"\ntags:\n  - mine-{n}\n", 1)
            return text[:end] + f"\ntags:\n  - mine-{n}" + text[end:]

        self._edit(change)

    @precondition(lambda self: self.synced)
    @rule()
    def move_the_note(self) -> None:
        path = self._note()
        target = self.vault / "Read" / f"{self._next()} {path.name}"
        target.parent.mkdir(exist_ok=True)
        path.rename(target)

    @rule()
    def sync(self) -> None:
        sync_as_predicted(self.vault, self.state, [self._document()])
        self.synced = self.synced or any(not h.is_deleted for h in self.highlights.values())
        again = sync_once(self.vault, self.state, [self._document()])
        assert [o for o in again.outcomes if o.action in ("create", "update")] == []

    # What must always hold.
    @invariant()
    def the_users_additions_are_all_there(self) -> None:
        if not self.synced:
            return
        text = self._note().read_text(encoding="utf-8")
        lines = text.split("\n")
        for line in self.lines:
            assert line in lines, line
        properties = yaml.safe_load(text[4:text.index("\n---\n", 4)])
        for key, value in self.properties.items():
            assert properties.get(key) == value, key
        for tag in self.user_tags:
            assert tag in (properties.get("tags") or []), tag

    @invariant()
    def no_highlight_twice_and_none_the_user_deleted(self) -> None:
        if not self.synced:
            return
        text = self._note().read_text(encoding="utf-8")
        for ident in {f"hl-{i}" for i in self.highlights}:
            assert text.count(f"^{ident}\n") + text.count(f"^{ident} ") <= 1, ident
        for ident in self.deleted:
            assert f"^{ident}\n" not in text, ident


DocumentNote.TestCase.settings = settings(max_examples=25, stateful_step_count=20, deadline=None)
TestDocumentNote = DocumentNote.TestCase
