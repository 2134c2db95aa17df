"""Labelled JSONL back in: native round trip, Prodigy and doccano with their annotations."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from reader.core.corpus import CorpusError
from reader.core.export import export
from reader.core.interchange import import_corpus, line_format, read_labelled_jsonl
from reader.core.store import Store


def rows(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute(
        'SELECT d.external_id, a.start, a."end", a.label, a.quote, a.annotator, a.orphaned'
        " FROM annotations a JOIN documents d ON d.id = a.doc_id"
        ' WHERE a.deleted_at IS NULL ORDER BY d.id, a.start, a."end", a.label'
    ).fetchall()


def write_lines(path: Path, *records: dict[str, object]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def test_native_export_import_export_is_byte_identical(corpus: Store, tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    export(corpus, "jsonl", first)
    with Store(tmp_path / "empty.db", annotator="someone-else") as fresh:
        report, problems = import_corpus(fresh, [first])
        assert (report.added, report.annotations_imported, problems) == (3, 8, [])
        second = tmp_path / "second.jsonl"
        export(fresh, "jsonl", second)
        assert second.read_bytes() == first.read_bytes()
        again, _ = import_corpus(fresh, [first])
        assert (again.unchanged, again.annotations_imported) == (3, 0)
        assert rows(fresh) == rows(corpus)


@pytest.mark.parametrize("fmt", ["prodigy", "doccano"])
def test_prodigy_and_doccano_bring_their_spans_and_reimport_adds_nothing(
    corpus: Store, tmp_path: Path, fmt: str
) -> None:
    exported = tmp_path / f"{fmt}.jsonl"
    export(corpus, fmt, exported)
    with Store(tmp_path / f"{fmt}.db", annotator="importer") as fresh:
        report, problems = import_corpus(fresh, [exported])
        assert (report.added, report.annotations_imported, problems) == (3, 7, [])
        ids = [r[0] for r in fresh.conn.execute("SELECT id FROM annotations ORDER BY id")]
        again, _ = import_corpus(fresh, [exported])
        assert again.annotations_imported == 0
        assert [r[0] for r in fresh.conn.execute("SELECT id FROM annotations ORDER BY id")] == ids
        imported = rows(fresh)
    expected = [(*r[:5], "importer", 0) for r in rows(corpus) if not r[6]]
    if fmt == "prodigy":  # snapped to tokens on the way out
        expected = [
            (*r[:1], 40, 64, r[3], "familiar with the matter", *r[5:]) if r[1] == 41 else r
            for r in expected
        ]
    assert imported == expected


def test_ids_from_prodigy_are_uuid5_of_text_offsets_and_label(tmp_path: Path) -> None:
    task = {"text": "A said so.", "spans": [{"start": 0, "end": 1, "label": "x"}], "tokens": []}
    path = write_lines(tmp_path / "p.jsonl", task)
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        import_corpus(a, [path])
        import_corpus(b, [path])
        [id_a] = [r[0] for r in a.conn.execute("SELECT id FROM annotations")]
        [id_b] = [r[0] for r in b.conn.execute("SELECT id FROM annotations")]
    assert id_a == id_b
    assert id_a[14] == "5"  # UUID version 5


def test_format_is_told_per_line_by_its_keys() -> None:
    assert line_format({"text": "t", "label": [[0, 1, "x"]]}) == "doccano"
    assert line_format({"text": "t", "spans": [], "_input_hash": 1}) == "prodigy"
    assert line_format({"text": "t", "spans": [], "tokens": []}) == "prodigy"
    assert line_format({"text": "t", "spans": []}) == "native"
    assert line_format({"text": "t", "meta": {"label": "not spans"}}) is None


def test_mixed_file_and_rejected_prodigy_tasks(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "mixed.jsonl",
        {"id": "n", "text": "Native one.", "spans": [{"start": 0, "end": 6, "label": "a"}]},
        {"id": "d", "text": "Doccano one.", "label": [[0, 7, "b"]], "source": "wire"},
        {
            "text": "Prodigy one.",
            "meta": {"id": "p"},
            "tokens": [],
            "answer": "reject",
            "spans": [{"start": 0, "end": 7, "label": "c"}],
        },
        {"id": "plain", "text": "Plain one."},
    )
    with Store(tmp_path / "r.db", annotator="me") as store:
        report, problems = import_corpus(store, [path])
        assert (report.added, report.annotations_imported, problems) == (4, 2, [])
        assert rows(store) == [
            ("n", 0, 6, "a", "Native", "me", 0),
            ("d", 0, 7, "b", "Doccano", "me", 0),
        ]
        meta = store.conn.execute("SELECT meta FROM documents WHERE external_id = 'd'").fetchone()
        assert meta == ('{"source":"wire"}',)


def test_offsets_follow_the_text_through_crlf_and_nfc_normalisation(tmp_path: Path) -> None:
    raw = "Line one.\r\nCafe\u0301 said no.\r\n"
    start = raw.index("Cafe\u0301")
    path = write_lines(
        tmp_path / "crlf.jsonl",
        {
            "id": "c",
            "text": raw,
            "label": [[start, start + 5, "who"], [start + 6, start + 10, "v"]],
        },
    )
    with Store(tmp_path / "r.db", annotator="me") as store:
        import_corpus(store, [path])
        text = store.document(1).text
        assert text == "Line one.\nCafé said no.\n"
        assert [r[1:5] for r in rows(store)] == [(10, 14, "who", "Café"), (15, 19, "v", "said")]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "x"}]}, "span 1: [0, 9) is not"),
        ({"text": "abc", "spans": [{"start": 0, "end": 1}]}, 'span 1: "label" must be'),
        ({"text": "abc", "spans": [{"start": "0", "end": 1, "label": "x"}]}, "must be integers"),
        (
            {"text": "abc", "spans": [{"start": 0, "end": 1, "label": "x", "text": "b"}]},
            'span 1: "text" differs',
        ),
        ({"text": "abc", "label": [[0, 1]]}, 'label 1: expected [start, end, "LABEL"]'),
        ({"text": "abc", "spans": "no"}, '"spans" must be a list'),
        ({"text": "a\r\nb", "label": [[2, 3, "x"]]}, "empty once newlines are normalised"),
        ({"text": "abc", "orphans": [{"start": 0, "end": 1, "label": "x"}]}, 'needs its "text"'),
    ],
)
def test_bad_spans_refuse_their_line_with_one_clear_line(
    tmp_path: Path, record: dict[str, object], message: str
) -> None:
    path = write_lines(tmp_path / "bad.jsonl", {"text": "fine"}, record)
    with pytest.raises(CorpusError, match=r"bad\.jsonl: line 2: ") as caught:
        read_labelled_jsonl(path)
    assert message in str(caught.value)
    with Store(tmp_path / "r.db") as store:
        report, problems = import_corpus(store, [path])
        assert (report.added, problems) == (1, [str(caught.value)])
        assert [store.document(1).text, store.annotation_total()] == ["fine", 0]
