"""The store: exact rows after import, annotations, the action log, undo/redo, migrations."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from reader.core import migrations
from reader.core.store import NewDocument, Store, StoreError, checkpoint, sha256_hex

TEXT = (
    "Officials said the talks went well.\nA source, speaking on condition of anonymity, disagreed."
)


def new_doc(external_id: str = "a", text: str = TEXT) -> NewDocument:
    return NewDocument(
        external_id, external_id.upper(), text, sha256_hex(text), f"/corpus/{external_id}.txt"
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "r.db", annotator="ana")
    s.import_documents([new_doc()])
    return s


def span_of(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def test_connection_settings(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    assert store.schema_version == migrations.SCHEMA_VERSION


def test_import_stores_exact_row_and_indexes_it(store: Store) -> None:
    row = store.conn.execute(
        "SELECT id, external_id, title, source_path, sha256, format, text, meta, status,"
        " annotation_count FROM documents"
    ).fetchall()
    assert row == [(1, "a", "A", "/corpus/a.txt", sha256_hex(TEXT), "text", TEXT, "{}", "new", 0)]
    hits = store.conn.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'anonymity'"
    ).fetchall()
    assert hits == [(1,)]


def test_same_import_twice_changes_nothing(store: Store) -> None:
    before = store.conn.execute("SELECT * FROM documents").fetchall()
    report = store.import_documents([new_doc()])
    assert (report.added, report.unchanged, report.updated, report.refused) == (0, 1, 0, [])
    assert store.conn.execute("SELECT * FROM documents").fetchall() == before
    assert store.conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 1


def test_changed_document_without_annotations_is_updated(store: Store) -> None:
    report = store.import_documents([new_doc(text="New text about a denial.")])
    assert (report.added, report.updated) == (0, 1)
    assert store.document(1).text == "New text about a denial."
    hits = store.conn.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'denial'"
    ).fetchall()
    assert hits == [(1,)]
    assert (
        store.conn.execute(
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'anonymity'"
        ).fetchone()[0]
        == 0
    )


def test_add_annotation_takes_quote_and_context_from_text(store: Store) -> None:
    start, end = span_of("speaking on condition of anonymity")
    ann = store.add_annotation(1, start, end, "anonymous source")
    row = store.conn.execute(
        'SELECT doc_id, start, "end", label, quote, prefix, suffix, annotator, origin,'
        " deleted_at FROM annotations"
    ).fetchone()
    assert row == (
        1,
        start,
        end,
        "anonymous source",
        "speaking on condition of anonymity",
        TEXT[start - 32 : start],
        TEXT[end : end + 32],
        "ana",
        "manual",
        None,
    )
    assert ann.quote == TEXT[start:end]
    doc = store.document(1)
    assert (doc.annotation_count, doc.status) == (1, "in_progress")
    assert [(a.kind, a.annotator) for a in store.actions(1)] == [("add", "ana")]


@pytest.mark.parametrize("span", [(-1, 3), (5, 5), (7, 3), (0, len(TEXT) + 1)])
def test_spans_outside_the_text_are_refused(store: Store, span: tuple[int, int]) -> None:
    with pytest.raises(StoreError):
        store.add_annotation(1, *span, "denial")
    assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert store.actions(1) == []


def test_undo_and_redo_walk_the_whole_history(store: Store) -> None:
    a = store.add_annotation(1, *span_of("Officials said"), "official statement")
    store.update_annotation(a.id, label="denial", note="check")
    b = store.add_annotation(1, *span_of("disagreed"), "denial")
    store.delete_annotation(b.id)

    def live() -> list[tuple[str, str, str | None]]:
        return [(x.quote, x.label, x.note) for x in store.annotations(1)]

    assert live() == [("Officials said", "denial", "check")]
    assert store.undo(1).kind == "delete"
    assert live() == [("Officials said", "denial", "check"), ("disagreed", "denial", None)]
    assert store.undo(1).kind == "add"
    assert store.undo(1).kind == "update"
    assert live() == [("Officials said", "official statement", None)]
    assert store.undo(1).kind == "add"
    assert live() == []
    assert store.undo(1) is None
    assert store.document(1).annotation_count == 0

    assert store.redo(1).kind == "add"
    assert store.redo(1).kind == "update"
    assert live() == [("Officials said", "denial", "check")]
    # A new action after undo drops the redo branch.
    store.add_annotation(1, *span_of("talks"), "anonymous source")
    assert store.redo(1) is None
    assert store.document(1).annotation_count == 2


def test_history_survives_reopening(store: Store, tmp_path: Path) -> None:
    store.add_annotation(1, *span_of("Officials said"), "official statement")
    store.close()
    reopened = Store(tmp_path / "r.db", annotator="ana")
    assert reopened.undo(1) is not None
    assert reopened.annotations(1) == []
    reopened.close()
    again = Store(tmp_path / "r.db", annotator="ana")
    assert again.redo(1) is not None
    assert [a.quote for a in again.annotations(1)] == ["Officials said"]


def test_batch_add_is_one_undo_step(store: Store) -> None:
    store.add_annotations(1, [(0, 9, "official statement"), (*span_of("disagreed"), "denial")])
    assert len(store.annotations(1)) == 2
    store.undo(1)
    assert store.annotations(1) == []
    assert store.document(1).annotation_count == 0


def test_failed_write_rolls_back_everything(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write():
        store.add_annotation(1, 0, 9, "official statement")
        raise RuntimeError("boom")
    assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM actions").fetchone()[0] == 0
    assert store.document(1).annotation_count == 0


def test_import_annotations_keeps_ids_and_is_idempotent(store: Store, tmp_path: Path) -> None:
    made = store.add_annotation(1, *span_of("disagreed"), "denial")
    other = Store(tmp_path / "other.db")
    other.import_documents([new_doc()])
    assert other.import_annotations([made]) == 1
    assert other.import_annotations([made]) == 0
    assert other.annotations(1) == [made]
    assert other.document(1).annotation_count == 1


def test_changed_annotated_document_moves_or_orphans_its_annotations(store: Store) -> None:
    quote = "speaking on condition of anonymity"
    kept = store.add_annotation(1, *span_of(quote), "anonymous source")
    lost = store.add_annotation(1, *span_of("Officials said"), "official statement")
    edited = "Breaking. " + TEXT.replace("Officials said", "Reports claimed")
    report = store.import_documents([new_doc(text=edited)])
    assert (report.updated, report.annotations_moved, report.annotations_orphaned) == (1, 1, 1)
    moved = store.annotation(kept.id)
    assert (moved.start, moved.end) == (kept.start + 11, kept.end + 11)
    assert edited[moved.start : moved.end] == moved.quote == quote
    assert not moved.orphaned
    orphan = store.annotation(lost.id)
    assert orphan.orphaned and orphan.quote == "Officials said"


def test_positions_and_status(store: Store) -> None:
    store.save_position(1, 42, 3)
    store.set_status(1, "done")
    doc = store.document(1)
    assert (doc.cursor, doc.scroll, doc.status) == (42, 3, "done")
    with pytest.raises(StoreError):
        store.set_status(1, "finished")  # type: ignore[arg-type]


def make_old_database(path: Path, version: int) -> None:
    """A database at schema ``version``, holding one document when it has tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(migrations.MIGRATIONS[:version], start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    if version:
        conn.execute(
            "INSERT INTO documents (external_id, title, sha256, text, created_at, updated_at)"
            " VALUES ('old', 'Old', 'x', 'Old text.', 't', 't')"
        )
    conn.close()


@pytest.mark.parametrize("version", range(migrations.SCHEMA_VERSION))
def test_migrates_forward_from_every_older_schema(tmp_path: Path, version: int) -> None:
    path = tmp_path / "m.db"
    make_old_database(path, version)
    store = Store(path)
    assert store.schema_version == migrations.SCHEMA_VERSION
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"documents_updated", "annotations_doc", "documents_fts"} <= indexes
    backup = tmp_path / f"m.db.v{version}.bak"
    if version:
        assert store.document(1).text == "Old text."
        old = sqlite3.connect(backup)
        assert old.execute("PRAGMA user_version").fetchone()[0] == version
        assert old.execute("SELECT text FROM documents").fetchall() == [("Old text.",)]
    else:
        assert not backup.exists()


def test_a_new_migration_runs_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.db"
    Store(path).close()
    latest = migrations.SCHEMA_VERSION
    extra = "ALTER TABLE documents ADD COLUMN language TEXT;"
    monkeypatch.setattr("reader.core.store.MIGRATIONS", [*migrations.MIGRATIONS, extra])
    monkeypatch.setattr("reader.core.store.SCHEMA_VERSION", latest + 1)
    migrated = Store(path)
    assert migrated.schema_version == latest + 1
    assert "language" in migrated.db["documents"].columns_dict
    migrated.close()
    assert Store(path).schema_version == latest + 1  # no second run: it would fail


def test_failed_migration_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.db"
    Store(path).close()
    latest = migrations.SCHEMA_VERSION
    broken = "ALTER TABLE documents ADD COLUMN x TEXT; ALTER TABLE nowhere ADD COLUMN y TEXT;"
    monkeypatch.setattr("reader.core.store.MIGRATIONS", [*migrations.MIGRATIONS, broken])
    monkeypatch.setattr("reader.core.store.SCHEMA_VERSION", latest + 1)
    with pytest.raises(StoreError, match=f"migration to schema {latest + 1} failed"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
    assert "x" not in [r[1] for r in conn.execute("PRAGMA table_info(documents)")]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the pages you are looking for" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        Store(path)


def test_checkpoints_can_leave_commits_for_another_thread(tmp_path: Path) -> None:
    path, wal = tmp_path / "c.db", tmp_path / "c.db-wal"
    store = Store(path, autocheckpoint=False)
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    store.import_documents([new_doc(f"d{i}") for i in range(50)])
    for i in range(600):
        store.add_annotation(i % 50 + 1, 0, 9, "official statement")
    page = store.conn.execute("PRAGMA page_size").fetchone()[0]
    assert wal.stat().st_size > 1000 * page  # past the default auto-checkpoint: none ran
    database_before = path.stat().st_size
    thread = threading.Thread(target=checkpoint, args=(path,))
    thread.start()
    thread.join()
    assert path.stat().st_size > database_before  # the pages went into the database file
    other = sqlite3.connect(path)  # another user keeps the WAL file alive
    other.execute("SELECT count(*) FROM documents").fetchone()
    store.close()
    assert wal.stat().st_size == 0  # closing checkpointed and truncated it
    other.close()
    assert len(Store(path).annotations(50)) == 12


def test_undo_never_reaches_back_across_a_change_of_text(store: Store) -> None:
    tagged = store.add_annotation(1, *span_of("Officials said"), "official statement")
    store.update_annotation(tagged.id, label="denial")
    edited = "Breaking: " + TEXT
    store.import_documents([new_doc(text=edited)])
    moved = store.annotation(tagged.id)
    assert (moved.start, moved.label) == (tagged.start + 10, "denial")
    assert [a.kind for a in store.actions(1)] == ["add", "update", "reimport"]
    assert store.actions(1)[-1].after[0]["start"] == moved.start  # the log holds the move
    assert store.undo(1) is None
    assert store.annotation(tagged.id) == moved
    store.delete_annotation(tagged.id)
    assert store.undo(1) is not None  # actions after the change undo as usual
    assert store.annotation(tagged.id) == moved
    assert edited[moved.start : moved.end] == moved.quote


def test_rejected_suggestions_follow_their_passage_or_are_forgotten(store: Store) -> None:
    from reader.core.suggest import Suggestion

    kept = span_of("speaking on condition of anonymity")
    gone = span_of("Officials said")
    store.reject_suggestion(1, Suggestion(*kept, "anonymous source", "anonymity"))
    store.reject_suggestion(1, Suggestion(*gone, "official statement", "named-speaker"))
    edited = "Update: " + TEXT.replace("Officials said", "It was reported")
    store.import_documents([new_doc(text=edited)])
    start = edited.index("speaking on condition of anonymity")
    assert store.rejected_suggestions(1) == {(start, start + kept[1] - kept[0], "anonymous source")}
