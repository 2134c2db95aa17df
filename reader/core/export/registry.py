"""Every export format by name. Adding a format: one module with a ``FORMAT``, one line here."""

from __future__ import annotations

from reader.core.export import brat, csv_rows, doccano, hf, jsonl, prodigy, spacy_docbin, w3c
from reader.core.export.base import Format

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        jsonl.FORMAT,
        prodigy.FORMAT,
        doccano.FORMAT,
        spacy_docbin.FORMAT,
        hf.FORMAT,
        brat.FORMAT,
        w3c.FORMAT,
        csv_rows.FORMAT,
    )
}
