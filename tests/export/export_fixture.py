"""A small corpus for export tests: overlapping spans, emoji, CJK, CRLF-origin text, a note
with a line break, a span across a line break, one off token boundaries, a deleted span and
an orphan. Ids and times are fixed, so every export has one exact expected output.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.core.corpus import read_file
from reader.core.store import Annotation, NewDocument, Store, context, sha256_hex

CRLF_SOURCE = (
    b'Officials said: "We deny it." \xf0\x9f\x98\x80\r\n'
    b"Sources familiar with the matter disagreed.\r\n"
)
CJK_TEXT = "外交部发言人否认了报道。👍🏽 The ministry called it 'baseless'."
QUIET_TEXT = "Nothing to see here."


def span_at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def make_annotation(
    ann_id: str,
    doc_id: int,
    text: str,
    phrase: str,
    label: str,
    *,
    annotator: str = "ana",
    note: str | None = None,
    minute: int = 0,
) -> Annotation:
    start, end = span_at(text, phrase)
    prefix, suffix = context(text, start, end)
    stamp = f"2024-05-01T10:{minute:02d}:00.000Z"
    return Annotation(
        id=ann_id,
        doc_id=doc_id,
        start=start,
        end=end,
        label=label,
        quote=phrase,
        prefix=prefix,
        suffix=suffix,
        note=note,
        annotator=annotator,
        origin="manual",
        created_at=stamp,
        updated_at=stamp,
    )


def build_corpus(path: Path, tmp_path: Path) -> Store:
    source = tmp_path / "statement.txt"
    source.write_bytes(CRLF_SOURCE)
    [statement] = read_file(source)
    cjk = NewDocument(
        "cjk-1", "外交部", CJK_TEXT, sha256_hex(CJK_TEXT), meta={"source": "Xinhua", "lang": "zh"}
    )
    quiet = NewDocument("quiet", "Quiet", QUIET_TEXT, sha256_hex(QUIET_TEXT))
    store = Store(path, annotator="ana")
    store.import_documents([statement, cjk, quiet])
    text = statement.text
    orphan = make_annotation("a0000000-0000-4000-8000-000000000006", 1, text, "deny", "denial")
    store.import_annotations(
        [
            make_annotation(
                "a0000000-0000-4000-8000-000000000001",
                1,
                text,
                'Officials said: "We deny it."',
                "official statement",
                note="ministry line\nsee wire copy",
            ),
            make_annotation(
                "a0000000-0000-4000-8000-000000000002", 1, text, "We deny it.", "denial", minute=1
            ),
            make_annotation(
                "a0000000-0000-4000-8000-000000000003",
                1,
                text,
                "😀\nSources familiar",
                "anonymous source",
                annotator="ben",
                minute=2,
            ),
            make_annotation(
                "a0000000-0000-4000-8000-000000000004",
                1,
                text,
                "amiliar with the mat",
                "anonymous source",
                annotator="ben",
                minute=3,
            ),
            make_annotation(
                "a0000000-0000-4000-8000-000000000005", 1, text, "disagreed", "denial", minute=4
            ),
            replace(orphan, start=200, end=204, orphaned=True, prefix="they ", suffix=" all"),
            make_annotation(
                "b0000000-0000-4000-8000-000000000001", 2, CJK_TEXT, "否认了报道", "denial"
            ),
            make_annotation(
                "b0000000-0000-4000-8000-000000000002",
                2,
                CJK_TEXT,
                "👍🏽 The ministry",
                "official statement",
                minute=1,
            ),
            make_annotation(
                "b0000000-0000-4000-8000-000000000003",
                2,
                CJK_TEXT,
                "'baseless'",
                "official statement",
                annotator="ben",
                minute=2,
            ),
        ]
    )
    store.delete_annotation("a0000000-0000-4000-8000-000000000005")
    store.set_status(1, "done")
    return store
