"""Property (a state machine, as vdirsyncer tests its sync): whatever upstream and the user do
to an atomic vault, in any order, and with the option turned off and on again, a sync never
loses a line the user wrote, never writes a note twice, re-creates no note the user deleted,
and a second sync has nothing to do."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from excerpta.model import Category, Document, Highlight, LocationType
from excerpta.writers.obsidian.frontmatter import note_id

from .conftest import sync_as_predicted, sync_once

BOOKS = ("d1", "d2")


class AtomicVault(RuleBasedStateMachine):
    """A two-book library synced into a vault with ``atomic`` on, and the user's hands on it."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.vault, self.state = self.folder / "vault", self.folder / "state.sqlite"
        self.highlights: dict[str, dict[str, Highlight]] = {book: {} for book in BOOKS}
        self.titles = {"d1": "Walden", "d2": "Walden"}  # the same title: names must not clash
        self.counter = 0
        self.mine: dict[str, str] = {}  # a line the user wrote -> the excerpta-id of its note
        self.deleted_by_user: set[str] = set()  # excerpta-ids of notes the user deleted
        self.synced = False

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _library(self) -> list[Document]:
        return [Document(id=book, title=self.titles[book], author="Thoreau", category=Category.BOOKS,
                         highlights=list(self.highlights[book].values())) for book in BOOKS]

    def _notes(self) -> dict[Path, str | None]:
        return {path: note_id(path.read_text(encoding="utf-8")) for path in self.vault.rglob("*.md")}

    # Upstream.
    # The last one is made inert in the notes (markdown_safety) and must merge all the same.
    @rule(book=st.sampled_from(BOOKS), words=st.sampled_from(["Simplify.", "Simplify!", "Life.",
                                                              "`$= x` %% <b>"]))
    def add_highlight(self, book: str, words: str) -> None:
        self.counter += 1
        ident = f"h{self.counter}"
        self.highlights[book][ident] = Highlight(id=ident, text=f"{words} {self.counter}",
                                                 location=self.counter, location_type=LocationType.LOCATION)

    @rule(data=st.data(), change=st.sampled_from(["edit", "delete"]))
    def change_highlight(self, data: st.DataObject, change: str) -> None:
        live = [(b, i) for b in BOOKS for i, h in self.highlights[b].items() if not h.is_deleted]
        if live:
            book, ident = data.draw(st.sampled_from(live))
            old = self.highlights[book][ident]
            update = ({"text": old.text + " Edited.", "note": "A note."} if change == "edit"
                      else {"is_deleted": True})
            self.highlights[book][ident] = old.model_copy(update=update)

    @rule(book=st.sampled_from(BOOKS))
    def retitle(self, book: str) -> None:
        self.titles[book] += " Revisited"

    # The user.
    @precondition(lambda self: self.synced)
    @rule(data=st.data())
    def write_in_a_note(self, data: st.DataObject) -> None:
        notes = sorted((p, i) for p, i in self._notes().items() if i is not None)
        if notes:
            path, ident = data.draw(st.sampled_from(notes))
            line = f"My thought number {len(self.mine) + 1}."
            path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
            self.mine[line] = ident

    @precondition(lambda self: self.synced)
    @rule(data=st.data())
    def reword_a_line(self, data: st.DataObject) -> None:
        """The user rewords a list item of ours: a highlight, a metadata line, a header line."""
        items = []
        for path, ident in sorted((p, i) for p, i in self._notes().items() if i is not None):
            lines = path.read_text(encoding="utf-8").split("\n")
            items += [(path, ident, n) for n, line in enumerate(lines)
                      if line.startswith("- ") and not line.startswith("- My words")]
        if items:
            path, ident, n = data.draw(st.sampled_from(items))
            lines = path.read_text(encoding="utf-8").split("\n")
            words = f"My words {len(self.mine) + 1}:"
            lines[n] = f"- {words} {lines[n][2:]}"
            path.write_text("\n".join(lines), encoding="utf-8")
            self.mine[words] = ident

    @precondition(lambda self: self.synced)
    @rule(data=st.data())
    def delete_a_highlight_note(self, data: st.DataObject) -> None:
        notes = sorted((p, i) for p, i in self._notes().items() if i is not None and i.startswith("hl-")
                       and i not in self.mine.values())
        if notes:
            path, ident = data.draw(st.sampled_from(notes))
            path.unlink()
            self.deleted_by_user.add(ident)

    @precondition(lambda self: self.synced)
    @rule(data=st.data())
    def move_a_note(self, data: st.DataObject) -> None:
        notes = sorted(p for p, i in self._notes().items() if i is not None)
        if notes:
            path = data.draw(st.sampled_from(notes))
            target = self.vault / "Elsewhere" / f"{self.counter} {path.name}"
            target.parent.mkdir(exist_ok=True)
            path.rename(target)

    @rule(atomic=st.sampled_from([True, True, True, False]))
    def sync(self, atomic: bool) -> None:
        """A sync, mostly with ``atomic`` on; off, the document notes show the highlights in
        full again and the highlights' notes are left as they are."""
        sync_as_predicted(self.vault, self.state, self._library(), atomic=atomic)
        self.synced = True
        again = sync_once(self.vault, self.state, self._library(), atomic=atomic)
        assert [o for o in again.outcomes if o.action in ("create", "update")] == []
        if not atomic:
            return
        # Every embed in a document's note leads to a note (a moved one's embed followed it),
        # but in a line the user reworded: theirs is kept as they wrote it.
        for path, ident in self._notes().items():
            if ident in BOOKS:
                text = path.read_text(encoding="utf-8")
                for target in re.findall(r"^- (?!My words)!\[\[([^\]#]+)#\^hl-", text, re.MULTILINE):
                    assert (self.vault / f"{target}.md").is_file(), target

    # What must always hold.
    @invariant()
    def the_users_lines_are_where_they_wrote_them(self) -> None:
        notes = {ident: path.read_text(encoding="utf-8") for path, ident in self._notes().items()}
        for line, ident in self.mine.items():
            assert line in notes[ident], (line, ident)

    @invariant()
    def one_note_per_id_and_none_the_user_deleted(self) -> None:
        ids = [ident for ident in self._notes().values() if ident is not None]
        assert len(ids) == len(set(ids))
        assert not self.deleted_by_user & set(ids)


AtomicVault.TestCase.settings = settings(max_examples=20, stateful_step_count=15, deadline=None)
TestAtomicVault = AtomicVault.TestCase
