"""Merging annotators' databases: matching, id mapping, idempotence, tombstones, conflicts."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.core.corpus import read_corpus
from reader.core.merge import merge_databases
from reader.core.store import NewDocument, Store, sha256_hex
from tests.team.conftest import ALICE, ALIGNMENT, BOB, DRONES, SAMPLES, doc_id


def dump(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with Store(path, create=False) as store:
        docs = store.conn.execute("SELECT * FROM documents ORDER BY id").fetchall()
        anns = store.conn.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    return docs, anns


def merge(target: Path, *sources: Path):  # type: ignore[no-untyped-def]
    with Store(target, annotator="lead") as store:
        return merge_databases(store, list(sources))


def test_merge_maps_documents_and_keeps_every_annotation(
    tmp_path: Path, alice_db: Path, bob_db: Path
) -> None:
    team = tmp_path / "team.db"
    report = merge(team, alice_db, bob_db)
    documents = len(read_corpus([SAMPLES]).documents)
    assert (report.documents_added, report.documents_matched) == (documents, documents)
    assert (report.annotations_added, report.annotations_updated) == (8, 0)
    assert report.conflicts == []
    with Store(team, create=False) as store, Store(bob_db, create=False) as bob:
        assert doc_id(bob, DRONES) != doc_id(store, DRONES)  # bob imported in another order
        rows = store.conn.execute(
            'SELECT d.external_id, a.annotator, a.label, a.quote, a.start, a."end"'
            " FROM annotations a JOIN documents d ON d.id = a.doc_id"
        ).fetchall()
        for external_id, annotator, label, quote, start, end in rows:
            assert store.document(doc_id(store, external_id)).text[start:end] == quote
            assert (external_id, quote, label) in (ALICE if annotator == "alice" else BOB)
        assert sorted(r[1] for r in rows) == ["alice"] * 4 + ["bob"] * 4
        assert store.document(doc_id(store, DRONES)).annotation_count == 6
        assert store.document(doc_id(store, ALIGNMENT)).annotation_count == 2


def test_merging_twice_changes_nothing(tmp_path: Path, alice_db: Path, bob_db: Path) -> None:
    team = tmp_path / "team.db"
    merge(team, alice_db, bob_db)
    before = dump(team)
    again = merge(team, bob_db, alice_db)
    assert (again.documents_added, again.annotations_added, again.annotations_updated) == (0, 0, 0)
    assert again.annotations_unchanged == 8
    assert dump(team) == before


def test_merge_order_does_not_matter(tmp_path: Path, alice_db: Path, bob_db: Path) -> None:
    merge(tmp_path / "ab.db", alice_db, bob_db)
    merge(tmp_path / "ba.db", bob_db, alice_db)
    query = (
        "SELECT d.external_id, a.* FROM annotations a JOIN documents d ON d.id = a.doc_id"
        " ORDER BY a.id"
    )
    with Store(tmp_path / "ab.db") as ab, Store(tmp_path / "ba.db") as ba:
        rows_ab = [row[:2] + row[3:] for row in ab.conn.execute(query)]  # all but doc_id
        rows_ba = [row[:2] + row[3:] for row in ba.conn.execute(query)]
    assert rows_ab == rows_ba and len(rows_ab) == 8


def test_a_deleted_annotation_stays_deleted(tmp_path: Path, alice_db: Path) -> None:
    team = tmp_path / "team.db"
    old_copy = shutil.copy(alice_db, tmp_path / "alice-old.db")
    merge(team, alice_db)
    with Store(alice_db, annotator="alice") as alice:
        gone = alice.annotations(doc_id(alice, DRONES))[0]
        alice.delete_annotation(gone.id)
        alice.undo(doc_id(alice, DRONES))
        alice.delete_annotation(gone.id)
    report = merge(team, alice_db)
    assert report.annotations_updated == 1
    report = merge(team, Path(old_copy))  # the live version from before the deletion
    assert report.annotations_updated == 0
    with Store(team, create=False) as store:
        assert store.annotation(gone.id).deleted_at is not None
        assert store.annotation_total() == 3


def test_differing_versions_keep_the_newest_and_are_reported(
    tmp_path: Path, alice_db: Path
) -> None:
    copy = Path(shutil.copy(alice_db, tmp_path / "alice-laptop.db"))
    with Store(copy, annotator="alice") as laptop:
        first = laptop.annotations(doc_id(laptop, DRONES))[0]
        laptop.update_annotation(first.id, label="official statement", note="checked")
    team = tmp_path / "team.db"
    merge(team, copy)
    report = merge(team, alice_db)  # the older version of the same annotation
    assert report.annotations_updated == 0
    assert len(report.conflicts) == 1 and first.id in report.conflicts[0]
    with Store(team, create=False) as store:
        assert store.annotation(first.id).label == "official statement"
    report = merge(tmp_path / "other.db", alice_db, copy)
    assert report.annotations_updated == 1
    with Store(tmp_path / "other.db", create=False) as store:
        assert store.annotation(first.id).note == "checked"


def test_same_content_under_another_id_is_matched_by_sha(tmp_path: Path, alice_db: Path) -> None:
    text = "Officials said the talks went well."
    with Store(tmp_path / "x.db", annotator="xu") as x:
        x.import_documents([NewDocument("renamed", "R", text, sha256_hex(text))])
        x.add_annotation(1, 0, 9, "official statement")
    with Store(tmp_path / "y.db", annotator="yo") as y:
        y.import_documents([NewDocument("original", "O", text, sha256_hex(text))])
    report = merge(tmp_path / "team.db", tmp_path / "y.db", tmp_path / "x.db")
    assert (report.documents_added, report.documents_matched) == (1, 1)
    with Store(tmp_path / "team.db", create=False) as store:
        assert store.document_ids() == [1]
        assert [a.quote for a in store.annotations(1)] == ["Officials"]


def test_same_id_with_other_text_is_reanchored_or_orphaned(tmp_path: Path) -> None:
    old = "Officials said the talks went well. Zhao said the claims were false."
    new = "Officials said the talks went well on Monday."
    with Store(tmp_path / "x.db", annotator="xu") as x:
        x.import_documents([NewDocument("a", "A", old, sha256_hex(old))])
        x.add_annotation(1, old.index("the talks"), old.index(" went"), "official statement")
        x.add_annotation(1, old.index("Zhao"), len(old), "denial")
    with Store(tmp_path / "y.db", annotator="yo") as y:
        y.import_documents([NewDocument("a", "A", new, sha256_hex(new))])
    report = merge(tmp_path / "team.db", tmp_path / "y.db", tmp_path / "x.db")
    assert (report.annotations_added, report.annotations_reanchored) == (2, 1)
    assert report.annotations_orphaned == 1
    assert "differs" in report.conflicts[0]
    with Store(tmp_path / "team.db", create=False) as store:
        moved, orphan = store.annotations(1)
        assert (moved.quote, moved.start, moved.orphaned) == ("the talks", new.index("the"), False)
        assert (orphan.quote, orphan.orphaned) == ("Zhao said the claims were false.", True)
    before = dump(tmp_path / "team.db")
    merge(tmp_path / "team.db", tmp_path / "x.db")
    assert dump(tmp_path / "team.db") == before


def test_the_output_is_never_merged_into_itself(tmp_path: Path, alice_db: Path) -> None:
    report = merge(alice_db, alice_db)
    assert report.conflicts == [f"{alice_db}: is the output database; skipped"]
