"""CSV for quick looks: one row per span (RFC 4180: quoted fields, CRLF line ends)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from reader.core.export.base import ExportDoc, Format, Run

COLUMNS = ("doc_id", "span_id", "start", "end", "label", "text", "note", "annotator", "created_at")


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    rows = csv.writer(text)
    rows.writerow(COLUMNS)
    for doc in docs:
        rows.writerows(
            (
                doc.external_id,
                s["id"],
                s["start"],
                s["end"],
                s["label"],
                s["text"],
                s["note"],
                s["annotator"],
                s["created_at"],
            )
            for s in doc.spans
        )
    text.detach()


FORMAT = Format(name="csv", description="CSV, one row per span, for quick looks", write_file=write)
