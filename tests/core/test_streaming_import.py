"""Streaming import: lazy reading, one transaction per batch, bad lines skipped, idempotence."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.corpus import MAX_JSON_DEPTH, CorpusError, read_corpus, read_file
from reader.core.interchange import import_corpus
from reader.core.store import Annotation, NewDocument, Store, sha256_hex
from reader.core.text import normalise


def doc(external_id: str, text: str | None = None) -> NewDocument:
    text = text or f"Story {external_id} says the talks went well."
    return NewDocument(external_id, external_id.upper(), text, sha256_hex(text))


def dump(db: Path) -> list[list[tuple[object, ...]]]:
    with closing(sqlite3.connect(db)) as conn:
        tables = ("documents", "annotations", "actions", "documents_fts")
        return [conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall() for t in tables]


def fts_hits(store: Store, word: str) -> list[int]:
    rows = store.conn.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid", (word,)
    )
    return [r[0] for r in rows]


def test_each_batch_is_committed_and_searchable_before_the_next_is_read(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    seen: list[tuple[int, int]] = []  # (documents, indexed) as another connection sees them

    def documents() -> Iterator[NewDocument]:
        for i in range(5):
            with closing(sqlite3.connect(db)) as other:
                count = other.execute("SELECT count(*) FROM documents").fetchone()[0]
                found = other.execute(
                    "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'talks'"
                ).fetchone()[0]
            seen.append((count, found))
            yield doc(f"d{i}")

    with Store(db) as store:
        report = store.import_documents(documents(), batch_size=2)
    assert (report.added, report.unchanged, report.updated) == (5, 0, 0)
    assert seen == [(0, 0), (0, 0), (2, 2), (2, 2), (4, 4)]


def test_a_failure_keeps_earlier_batches_and_running_again_completes(tmp_path: Path) -> None:
    def documents(fail_at: int | None) -> Iterator[NewDocument]:
        for i in range(5):
            if i == fail_at:
                raise OSError("the disk went away")
            yield doc(f"d{i}")

    db = tmp_path / "r.db"
    with Store(db) as store:
        with pytest.raises(OSError):
            store.import_documents(documents(fail_at=3), batch_size=2)
        assert store.document_count() == 2
        again = store.import_documents(documents(fail_at=None), batch_size=2)
        assert (again.added, again.unchanged) == (3, 2)
    before = dump(db)
    with Store(db) as store:
        third = store.import_documents(documents(fail_at=None), batch_size=2)
    assert (third.added, third.unchanged, third.updated) == (0, 5, 0)
    assert dump(db) == before


def test_two_versions_of_a_document_in_one_batch(tmp_path: Path) -> None:
    first, second = "The minister denied it.", "The minister confirmed it."
    docs = [doc("a", first), doc("b"), doc("a", second), doc("a", second)]
    with Store(tmp_path / "r.db") as store:
        report = store.import_documents(docs)
        assert (report.added, report.updated, report.unchanged) == (2, 1, 1)
        assert [store.document(1).text, store.document(2).external_id] == [second, "b"]
        assert (fts_hits(store, "denied"), fts_hits(store, "confirmed")) == ([], [1])
        store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")


def test_changed_annotated_document_in_a_later_batch_is_reanchored_and_logged(
    tmp_path: Path,
) -> None:
    text = "Officials said the talks went well. A source disagreed."
    with Store(tmp_path / "r.db", annotator="ana") as store:
        store.import_documents([doc("a", text)])
        store.add_annotation(1, text.index("A source"), text.index(" disagreed"), "anonymous")
        edited = "Late news. " + text
        report = store.import_documents([doc("b"), doc("a", edited), doc("c")], batch_size=1)
        assert (report.added, report.updated, report.annotations_moved) == (2, 1, 1)
        [moved] = store.annotations(1)
        assert edited[moved.start : moved.end] == moved.quote == "A source"
        kinds = [r[0] for r in store.conn.execute("SELECT kind FROM actions ORDER BY seq")]
        assert kinds == ["add", "reimport"]


def test_import_annotations_counts_only_new_live_ones(tmp_path: Path) -> None:
    def annotation(ann_id: str, doc_id: int, deleted: bool = False) -> Annotation:
        stamp = "2026-01-01T00:00:00.000Z"
        return Annotation(
            ann_id,
            doc_id,
            0,
            5,
            "denial",
            "Story",
            "",
            " x",
            None,
            "bo",
            "import",
            stamp,
            stamp,
            deleted_at=stamp if deleted else None,
        )

    with Store(tmp_path / "r.db") as store:
        store.import_documents([doc("a"), doc("b"), doc("c")])
        given_annotations = [
            annotation("1", 1),
            annotation("2", 1),
            annotation("1", 1),  # the same id again: kept once
            annotation("3", 2, deleted=True),
        ]
        assert store.import_annotations(given_annotations) == 3
        assert store.import_annotations([annotation("2", 1), annotation("4", 3)]) == 1
        rows = store.conn.execute(
            "SELECT id, annotation_count, status FROM documents ORDER BY id"
        ).fetchall()
        assert rows == [(1, 2, "in_progress"), (2, 0, "new"), (3, 1, "in_progress")]
        assert store.annotation_total() == 3


def write_lines(path: Path, *lines: bytes) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_bad_lines_are_one_line_each_and_the_good_ones_are_read(tmp_path: Path) -> None:
    good = b'{"id": "g1", "text": "Good one."}'
    broken = b'{"text": "caf\xc3\x28"}'
    path = write_lines(
        tmp_path / "mixed.jsonl",
        b'\xef\xbb\xbf{"id": "first", "text": "After a BOM."}',
        b'{"text": ',
        good + b"\r",
        broken,
        b"   ",
        b'{"text": "a\x00b"}',
        b'{"text": "x", "meta": {"a": 1}, "title": 7}',
        b"null",
    )
    result = read_corpus([path])
    texts = [(d.external_id, d.text, d.title) for d in result.documents]
    assert texts == [
        ("first", "After a BOM.", "After a BOM."),
        ("g1", "Good one.", "Good one."),
        ("mixed:7", "x", "x"),
    ]
    offset = path.read_bytes().index(b"\xc3\x28")
    name = str(path)
    assert result.errors == [
        f"{name}: line 2: malformed JSON (unexpected end of data)",
        f"{name}: line 4: not UTF-8: invalid byte at offset {offset}",
        f"{name}: line 6: binary data (contains NUL bytes)",
        f"{name}: line 8: expected a JSON object",
    ]
    with pytest.raises(CorpusError, match=r"mixed\.jsonl: line 2: malformed JSON"):
        read_file(path)
    replaced = read_corpus([path], errors="replace")
    assert [d.text for d in replaced.documents][2] == "caf\ufffd("
    assert len(replaced.errors) == 3


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        (b'\xff\xfe{"text": "x"}', "UTF-16 is not supported, save the file as UTF-8"),
        (b"\x00\x01\x02", "binary file (contains NUL bytes)"),
    ],
)
def test_utf16_or_binary_refuses_the_whole_file_once(
    tmp_path: Path, first: bytes, reason: str
) -> None:
    path = write_lines(tmp_path / "odd.jsonl", first, b'{"text": "x"}', b'{"text": "y"}')
    result = read_corpus([path])
    assert (result.documents, result.errors) == ([], [f"{path}: {reason}"])


def nested(levels: int) -> object:
    value: object = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_only_meta_is_checked_for_depth_at_the_exact_limit(tmp_path: Path) -> None:
    # The record is one level, meta another: meta may hold MAX_JSON_DEPTH - 2 more.
    fits = {"text": "fits", "meta": {"a": nested(MAX_JSON_DEPTH - 2)}}
    deep = {"text": "deep", "meta": {"a": nested(MAX_JSON_DEPTH - 1)}}
    ignored = {"text": "other fields", "extra": nested(200)}
    path = tmp_path / "depth.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in (fits, deep, ignored)))
    result = read_corpus([path])
    assert [d.text for d in result.documents] == ["fits", "other fields"]
    assert result.errors == [f"{path}: line 2: JSON nested deeper than 64 levels"]


@pytest.mark.parametrize("read_ahead_from_bytes", [0, 2**40], ids=["read ahead", "in-process"])
def test_labelled_import_streams_in_batches_with_exact_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_ahead_from_bytes: int
) -> None:
    monkeypatch.setattr("reader.core.interchange.IMPORT_BATCH", 2)
    monkeypatch.setattr("reader.core.interchange.READ_AHEAD_BYTES", read_ahead_from_bytes)
    lines = [
        {"id": f"n{i}", "text": f"Said {i}.", "spans": [{"start": 0, "end": 4, "label": "x"}]}
        for i in range(5)
    ]
    path = tmp_path / "labelled.jsonl"
    rows = [orjson.dumps(r) for r in lines]
    rows.insert(3, b"not json")
    path.write_bytes(b"\n".join(rows) + b"\n")
    with Store(tmp_path / "r.db") as store:
        progress: list[tuple[int, int]] = []
        report, problems = import_corpus(store, [path], progress=lambda *p: progress.append(p))
        assert (report.added, report.annotations_imported) == (5, 5)
        assert problems == [f"{path}: line 4: malformed JSON (invalid literal, expected 'null')"]
        assert progress == [(0, 1), (0, 1), (1, 1)]  # files read whole, after each batch
        counts = store.conn.execute("SELECT annotation_count FROM documents").fetchall()
        assert counts == [(1,)] * 5
        again, _ = import_corpus(store, [path])
        assert (again.added, again.unchanged, again.annotations_imported) == (0, 5, 0)


def reference_normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub("[\x00\ud800-\udfff]", "\ufffd", text)


PIECES = ["a", " ", "\r", "\n", "\r\n", "\x00", "e\u0301", "\u0301", "é", "“", "😀", "\ud800"]


@given(
    st.lists(st.sampled_from(PIECES)).map("".join) | st.text(st.characters(exclude_categories=()))
)
def test_normalise_takes_shortcuts_without_changing_the_result(text: str) -> None:
    assert normalise(text) == reference_normalise(text)
