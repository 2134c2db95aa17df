"""Undo and redo find their action by reading the log backwards; the whole-log replay
(``Store.history``) is the reference they must agree with after any sequence of edits."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader.core.store import NewDocument, Store, sha256_hex

TEXT = "Officials said the talks went well. A source disagreed. The ministry denied it."

Step = tuple[str, int]
steps = st.lists(
    st.tuples(st.sampled_from(["add", "delete", "undo", "redo", "reimport"]), st.integers(0, 9)),
    max_size=40,
)


def _document(text: str) -> NewDocument:
    return NewDocument("a", "A", text, sha256_hex(text), "/corpus/a.txt")


def _do(store: Store, step: Step, reimports: list[str]) -> None:
    kind, n = step
    if kind == "add":
        store.add_annotation(1, n, n + 5, "denial")
    elif kind == "delete":
        live = store.annotations(1)
        if live:
            store.delete_annotation(live[n % len(live)].id)
    elif kind == "undo":
        store.undo(1)
    elif kind == "redo":
        store.redo(1)
    else:
        reimports.append("x" + (reimports[-1] if reimports else TEXT))
        store.import_documents([_document(reimports[-1])])


@given(steps)
def test_undo_and_redo_pick_the_tops_of_the_replayed_stacks(plan: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "r.db") as store:
        store.import_documents([_document(TEXT)])
        reimports: list[str] = []
        for step in plan:
            _do(store, step, reimports)
            done, undone = store.history(1)
            assert store._top(1, backwards=True) == (done[-1].seq if done else None)
            assert store._top(1, backwards=False) == (undone[-1].seq if undone else None)


def test_redo_after_undoing_twice_restores_the_older_action_first(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as store:
        store.import_documents([_document(TEXT)])
        first = store.add_annotation(1, 0, 9, "official statement")
        second = store.add_annotation(1, 36, 44, "anonymous source")
        store.undo(1)
        store.undo(1)
        assert store.annotations(1) == []
        redone = store.redo(1)
        assert redone is not None and redone.after[0]["id"] == first.id
        assert [a.id for a in store.annotations(1)] == [first.id]
        store.add_annotation(1, 56, 68, "denial")  # a new action drops what is left to redo
        assert store.redo(1) is None
        assert second.id not in [a.id for a in store.annotations(1)]
