"""Each format's exact output for the fixture corpus (see conftest), and what it reports."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.core.export import ExportError, Filters, SpanIssue, export
from reader.core.store import Store

EXPECTED = Path(__file__).parent / "expected"
FILES = {
    "jsonl": "native.jsonl",
    "prodigy": "prodigy.jsonl",
    "doccano": "doccano.jsonl",
    "hf": "hf.jsonl",
    "w3c": "w3c.jsonld",
    "csv": "spans.csv",
}
MISALIGNED = "a0000000-0000-4000-8000-000000000004"  # "amiliar with the mat"


@pytest.mark.parametrize("fmt", FILES)
def test_file_formats_write_exactly_the_expected_bytes(
    corpus: Store, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / FILES[fmt]
    export(corpus, fmt, target)
    assert target.read_bytes() == (EXPECTED / FILES[fmt]).read_bytes()


def test_hf_writes_its_tag_names_beside_the_file(corpus: Store, tmp_path: Path) -> None:
    summary = export(corpus, "hf", tmp_path / "hf.jsonl")
    labels = tmp_path / "hf.labels.json"
    assert summary.files == [str(labels)]
    assert labels.read_bytes() == (EXPECTED / "hf.labels.json").read_bytes()
    assert labels.read_text() == (
        '["O","B-anonymous source","I-anonymous source","B-denial","I-denial",'
        '"B-official statement","I-official statement"]\n'
    )


def test_native_per_span_lines(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "spans.jsonl"
    export(corpus, "jsonl", target, per_span=True)
    assert target.read_bytes() == (EXPECTED / "native_per_span.jsonl").read_bytes()


def test_brat_writes_the_expected_folder(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "brat"
    export(corpus, "brat", target)
    expected = sorted(p.name for p in (EXPECTED / "brat").iterdir())
    assert sorted(p.name for p in target.iterdir()) == expected
    for name in expected:
        assert (target / name).read_bytes() == (EXPECTED / "brat" / name).read_bytes(), name


def test_brat_splits_a_quote_across_a_line_break_into_fragments() -> None:
    ann = (EXPECTED / "brat" / "statement.ann").read_text(encoding="utf-8")
    assert "T3\tanonymous_source 30 31;32 48\t😀 Sources familiar\n" in ann
    assert "#1\tAnnotatorNotes T1\tministry line see wire copy\n" in ann


def test_orphans_and_deleted_spans(corpus: Store, tmp_path: Path) -> None:
    """Deleted spans never leave the store; orphans only in native JSONL, flagged."""
    for fmt, name in FILES.items():
        data = (EXPECTED / name).read_text(encoding="utf-8")
        assert "a0000000-0000-4000-8000-000000000005" not in data  # deleted
        assert ("a0000000-0000-4000-8000-000000000006" in data) == (fmt == "jsonl")
    summary = export(corpus, "jsonl", tmp_path / "n.jsonl")
    assert (summary.documents, summary.spans, summary.orphaned) == (3, 7, 1)


@pytest.mark.parametrize(
    ("fmt", "misaligned", "dropped"),
    [("prodigy", [MISALIGNED], []), ("spacy", [MISALIGNED], []), ("doccano", [], [])],
)
def test_token_formats_report_each_snapped_span(
    corpus: Store, tmp_path: Path, fmt: str, misaligned: list[str], dropped: list[str]
) -> None:
    issues: list[SpanIssue] = []
    summary = export(corpus, fmt, tmp_path / "out", on_issue=issues.append)
    assert [i.span_id for i in issues if i.problem == "misaligned"] == misaligned
    assert [i.span_id for i in issues if i.problem == "dropped"] == dropped
    assert (summary.misaligned, summary.dropped, summary.spans) == (len(misaligned), 0, 7)


def test_issue_lines_name_document_span_and_new_offsets(corpus: Store, tmp_path: Path) -> None:
    issues: list[SpanIssue] = []
    export(corpus, "prodigy", tmp_path / "p.jsonl", on_issue=issues.append)
    assert [str(i) for i in issues] == [
        f"document 'statement', span {MISALIGNED} [41, 61) 'anonymous source':"
        " not on token boundaries; written as [40, 64)"
    ]


def test_hf_reports_spans_that_bio_cannot_hold(corpus: Store, tmp_path: Path) -> None:
    issues: list[SpanIssue] = []
    summary = export(corpus, "hf", tmp_path / "hf.jsonl", on_issue=issues.append)
    assert [(i.doc_id, i.span_id, i.problem) for i in issues] == [
        ("statement", "a0000000-0000-4000-8000-000000000002", "dropped"),
        ("statement", MISALIGNED, "dropped"),
    ]
    assert "overlaps span a0000000-0000-4000-8000-000000000001" in issues[0].detail
    assert (summary.spans, summary.dropped, summary.misaligned) == (5, 2, 0)


def test_filters(corpus: Store, tmp_path: Path) -> None:
    def spans(filters: Filters) -> list[list[object]]:
        out = io.BytesIO()
        export(corpus, "doccano", out, filters)
        return [line for line in out.getvalue().decode().splitlines()]

    by_label = spans(Filters(labels=("denial",)))
    assert len(by_label) == 3  # every document; only denial spans
    assert '"label":[[17,28,"denial"]]' in by_label[0]
    assert '"label":[[6,11,"denial"]]' in by_label[1]
    by_annotator = spans(Filters(annotators=("ben",)))
    assert '"label":[[30,48,"anonymous source"],[41,61,"anonymous source"]]' in by_annotator[0]
    assert spans(Filters(statuses=("done",)))[0].startswith('{"id":"statement"')
    assert len(spans(Filters(statuses=("done",)))) == 1
    assert [line[:14] for line in spans(Filters(doc_ids=("quiet", "cjk-1")))] == [
        '{"id":"cjk-1",',
        '{"id":"quiet",',
    ]
    assert spans(Filters(doc_ids=("nope",))) == []


def test_stream_target_and_progress(corpus: Store) -> None:
    out = io.BytesIO()
    calls: list[tuple[int, int]] = []
    summary = export(corpus, "jsonl", out, progress=lambda done, total: calls.append((done, total)))
    assert out.getvalue() == (EXPECTED / "native.jsonl").read_bytes()
    assert calls == [(3, 3)]
    assert summary.target == "-"


@pytest.mark.parametrize("fmt", ["brat", "hf"])
def test_formats_writing_several_files_need_a_path(corpus: Store, fmt: str) -> None:
    with pytest.raises(ExportError, match="give a path"):
        export(corpus, fmt, io.BytesIO())


def test_unknown_format_and_per_span_elsewhere(corpus: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown format 'xml'"):
        export(corpus, "xml", tmp_path / "x")
    with pytest.raises(ExportError, match="jsonl option"):
        export(corpus, "csv", tmp_path / "x", per_span=True)
