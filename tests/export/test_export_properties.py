"""Hypothesis: random documents and spans → export → read back → the same spans, for every
format (token formats: the spans snapped outward to tokens, every change reported)."""

from __future__ import annotations

import tempfile
from collections import Counter
from itertools import pairwise
from pathlib import Path

import export_readers as readers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reader.core.export import FORMATS, SpanIssue, export
from reader.core.interchange import import_corpus
from reader.core.store import NewDocument, Store, sha256_hex
from reader.core.text import normalise
from reader.core.tokens import tokenize

ALPHABET = [*"ab c.,'\n\t", "é", "e\u0301", "中", "文", "😀", "\U0001f3fd", "\u2028", "\x85", "  "]
LABELS = ["a", "b c", "否认"]
LINE_BREAKS = {c for c in "\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"}

Span = tuple[int, int, str]


@st.composite
def documents(draw: st.DrawFn) -> list[tuple[str, list[Span]]]:
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        text = normalise(
            "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=40)))
        )
        spans: list[Span] = []
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            spans.append((start, end, draw(st.sampled_from(LABELS))))
        docs.append((text, spans))
    return docs


def stored(docs: list[tuple[str, list[Span]]]) -> Store:
    store = Store(":memory:", annotator="prop")
    store.import_documents(
        [NewDocument(f"d{i}", f"d{i}", text, sha256_hex(text)) for i, (text, _) in enumerate(docs)]
    )
    for i, (_, spans) in enumerate(docs, start=1):
        store.add_annotations(i, spans)
    return store


def run(fmt: str, docs: list[tuple[str, list[Span]]]) -> tuple[readers.Parsed, list[SpanIssue]]:
    issues: list[SpanIssue] = []
    texts = {f"d{i}": text for i, (text, _) in enumerate(docs)}
    with tempfile.TemporaryDirectory() as folder, stored(docs) as store:
        target = Path(folder) / ("out" if fmt == "brat" else f"out.{fmt}")
        export(store, fmt, target, on_issue=issues.append)
        parse = {
            "jsonl": lambda: readers.native(target),
            "prodigy": lambda: readers.prodigy(target),
            "doccano": lambda: readers.doccano(target),
            "spacy": lambda: readers.spacy(target),
            "hf": lambda: readers.hf(target, texts),
            "brat": lambda: readers.brat(target),
            "w3c": lambda: readers.w3c(target, texts),
            "csv": lambda: readers.csv_rows(target, texts),
        }[fmt]
        parsed = parse()
    assert {doc_id: text for doc_id, (text, _) in parsed.items()} == texts
    return parsed, issues


def snapped(text: str, span: Span) -> Span | None:
    """The span widened to whole tokens (``None`` when it touches none), found by a scan."""
    start, end, label = span
    tokens = tokenize(text)
    touched = [
        (s, e) for s, e in zip(tokens.starts, tokens.ends, strict=True) if s < end and e > start
    ]
    return (touched[0][0], touched[-1][1], label) if touched else None


def trimmed(text: str, span: Span) -> Span | None:
    """The span without line breaks at its edges (brat fragments leave them out)."""
    start, end, label = span
    while start < end and text[start] in LINE_BREAKS:
        start += 1
    while end > start and text[end - 1] in LINE_BREAKS:
        end -= 1
    return (start, end, label) if start < end else None


def check_changed(
    docs: list[tuple[str, list[Span]]],
    parsed: readers.Parsed,
    issues: list[SpanIssue],
    change: object,
) -> None:
    for i, (text, spans) in enumerate(docs):
        expected = [change(text, s) for s in spans]  # type: ignore[operator]
        assert sorted(parsed[f"d{i}"][1]) == sorted(s for s in expected if s is not None)
        mine = [issue for issue in issues if issue.doc_id == f"d{i}"]
        moved = [s for s, e in zip(spans, expected, strict=True) if e is not None and e != s]
        assert sorted(
            (m.start, m.end, m.label) for m in mine if m.problem == "misaligned"
        ) == sorted(moved)
        gone = [s for s, e in zip(spans, expected, strict=True) if e is None]
        assert sorted((m.start, m.end, m.label) for m in mine if m.problem == "dropped") == sorted(
            gone
        )


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "w3c", "csv"])
@given(docs=documents())
def test_character_formats_give_back_every_span_exactly(
    fmt: str, docs: list[tuple[str, list[Span]]]
) -> None:
    parsed, issues = run(fmt, docs)
    assert issues == []
    for i, (_, spans) in enumerate(docs):
        assert sorted(parsed[f"d{i}"][1]) == sorted(spans)


@given(docs=documents())
def test_brat_gives_back_every_span_less_edge_line_breaks(
    docs: list[tuple[str, list[Span]]],
) -> None:
    parsed, issues = run("brat", docs)
    check_changed(docs, parsed, issues, trimmed)


@pytest.mark.parametrize("fmt", ["prodigy", "spacy"])
@given(docs=documents())
def test_token_formats_give_back_every_span_snapped_outward(
    fmt: str, docs: list[tuple[str, list[Span]]]
) -> None:
    if fmt == "spacy":
        pytest.importorskip("spacy")
    parsed, issues = run(fmt, docs)
    check_changed(docs, parsed, issues, snapped)


@given(docs=documents())
def test_hf_keeps_non_overlapping_snapped_spans_and_reports_the_rest(
    docs: list[tuple[str, list[Span]]],
) -> None:
    parsed, issues = run("hf", docs)
    for i, (text, spans) in enumerate(docs):
        kept = sorted(parsed[f"d{i}"][1])
        mine = [issue for issue in issues if issue.doc_id == f"d{i}"]
        dropped = [(m.start, m.end, m.label) for m in mine if m.problem == "dropped"]
        assert len(kept) + len(dropped) == len(spans)
        written = list((Counter(spans) - Counter(dropped)).elements())
        assert sorted(snapped(text, s) for s in written) == kept
        misaligned = [(m.start, m.end, m.label) for m in mine if m.problem == "misaligned"]
        assert sorted(misaligned) == sorted(s for s in written if snapped(text, s) != s)
        for first, second in pairwise(kept):
            assert first[1] <= second[0]  # BIO: no overlaps


def test_every_format_has_a_property_test() -> None:
    covered = {"jsonl", "doccano", "w3c", "csv", "brat", "prodigy", "spacy", "hf"}
    assert set(FORMATS) == covered


@given(docs=documents())
def test_native_export_import_export_is_byte_identical(docs: list[tuple[str, list[Span]]]) -> None:
    docs = [(text, spans) for text, spans in docs if text.strip()]
    assume(docs)
    with tempfile.TemporaryDirectory() as folder, stored(docs) as store:
        first, second = Path(folder) / "first.jsonl", Path(folder) / "second.jsonl"
        export(store, "jsonl", first)
        with Store(":memory:", annotator="other") as fresh:
            report, problems = import_corpus(fresh, [first])
            assert problems == [] and report.added == len(docs)
            export(fresh, "jsonl", second)
        assert second.read_bytes() == first.read_bytes()
