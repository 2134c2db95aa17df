"""Checks of a database after crashes or concurrent writers.

Each check returns a list of problems, one line each; an empty list means it held.
The action log is replayed independently of the store's own undo code, so a bug in either
shows up as a difference.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from reader.core.store import ANNOTATION_COLUMNS, Store
from stress.workload import Write

_COLUMNS = ", ".join(f'"{c}"' for c in ANNOTATION_COLUMNS)


def integrity(conn: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else [f"integrity_check: {'; '.join(rows)}"]


def missing_writes(conn: sqlite3.Connection, writes: Iterable[Write]) -> list[str]:
    """Reported writes whose action or annotation row is not in the database."""
    problems = []
    for write in writes:
        row = conn.execute(
            "SELECT kind, doc_id, after FROM actions WHERE seq = ?", (write.seq,)
        ).fetchone()
        if row is None or (row[0], row[1]) != (write.kind, write.doc_id):
            problems.append(f"action {write.seq} ({write.kind}, document {write.doc_id}) lost")
            continue
        if write.annotation_id == "-":
            continue
        logged = {a["id"] for a in orjson.loads(row[2]) if a}
        stored = conn.execute(
            "SELECT 1 FROM annotations WHERE id = ?", (write.annotation_id,)
        ).fetchone()
        if write.annotation_id not in logged or stored is None:
            problems.append(f"annotation {write.annotation_id} of action {write.seq} lost")
    return problems


def replay(conn: sqlite3.Connection, doc_id: int) -> tuple[dict[str, Any], list[str]]:
    """Each annotation's state after replaying the log (``None``: not live) and any problems."""
    state: dict[str, Any] = {}
    done: list[int] = []
    undone: list[int] = []
    rows = conn.execute(
        "SELECT seq, kind, target, before, after FROM actions WHERE doc_id = ? ORDER BY seq",
        (doc_id,),
    )
    for seq, kind, target, before, after in rows:
        if kind in ("undo", "redo"):
            source, dest = (done, undone) if kind == "undo" else (undone, done)
            if not source or source[-1] != target:
                expected = source[-1] if source else None
                return state, [f"document {doc_id}: {kind} {seq} targets {target}, not {expected}"]
            dest.append(source.pop())
        else:
            done.append(seq)
            undone.clear()
        for new, old in zip(orjson.loads(after), orjson.loads(before), strict=True):
            if new is not None:
                state[new["id"]] = new
            else:
                state[old["id"]] = None
    return state, []


def log_problems(conn: sqlite3.Connection) -> list[str]:
    """Differences between the annotations table and a replay of the action log."""
    problems = []
    for doc_id, count in conn.execute("SELECT id, annotation_count FROM documents").fetchall():
        state, problems_here = replay(conn, doc_id)
        problems += problems_here
        rows = {
            r[0]: dict(zip(ANNOTATION_COLUMNS, r, strict=True))
            for r in conn.execute(f"SELECT {_COLUMNS} FROM annotations WHERE doc_id = ?", (doc_id,))
        }
        live = sum(1 for r in rows.values() if r["deleted_at"] is None)
        if live != count:
            problems.append(f"document {doc_id}: annotation_count {count}, live rows {live}")
        for ann_id, expected in state.items():
            row = rows.pop(ann_id, None)
            if row is None:
                problems.append(f"annotation {ann_id}: in the log, not in the table")
            elif expected is None and row["deleted_at"] is None:
                problems.append(f"annotation {ann_id}: live, but the log says it is not")
            elif expected is not None and row | {"orphaned": bool(row["orphaned"])} != expected:
                problems.append(f"annotation {ann_id}: differs from its last logged state")
        problems += [f"annotation {ann_id}: in the table, not in the log" for ann_id in rows]
    return problems


def undo_redo_problems(path: Path, steps: int) -> list[str]:
    """On a copy: undo up to ``steps`` actions per document, then redo them all.

    Each undo must revert the expected action to its logged ``before`` states, and the
    redos must bring back exactly the annotations there were.
    """
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.db"
        with Store(path, annotator="verify") as original:
            original.backup(copy)
        with Store(copy, annotator="verify") as store:
            for doc_id in store.document_ids():
                problems += _undo_redo_document(store, doc_id, steps)
    return problems


def _undo_redo_document(store: Store, doc_id: int, steps: int) -> list[str]:
    live_before = [asdict(a) for a in store.annotations(doc_id)]
    done, _ = store.history(doc_id)
    expected = done[::-1][:steps]
    for action in expected:
        undone = store.undo(doc_id)
        if undone is None or undone.seq != action.seq:
            return [f"document {doc_id}: undo reverted {undone and undone.seq}, not {action.seq}"]
        for old, new in zip(action.before, action.after, strict=True):
            now = asdict(store.annotation((old or new)["id"]))  # type: ignore[index]
            if (old is None and now["deleted_at"] is None) or (old is not None and now != old):
                return [f"document {doc_id}: undo of {action.seq} left {now['id']} wrong"]
    for _ in expected:
        if store.redo(doc_id) is None:
            return [f"document {doc_id}: redo ran out early"]
    if [asdict(a) for a in store.annotations(doc_id)] != live_before:
        return [f"document {doc_id}: undo then redo changed the annotations"]
    return []
