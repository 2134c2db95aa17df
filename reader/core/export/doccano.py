"""doccano sequence labelling: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}``.

Offsets are character (code point) offsets, as everywhere here; the document's meta keys
follow as extra columns, which doccano keeps as metadata (a meta key named ``id``,
``text`` or ``label`` would clash and is left out).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import orjson

from reader.core.export.base import ExportDoc, Format, Run

RESERVED = ("id", "text", "label")


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    for doc in docs:
        line = {
            "id": doc.external_id,
            "text": doc.text,
            "label": [[s["start"], s["end"], s["label"]] for s in doc.spans],
        }
        line |= {key: value for key, value in doc.meta.items() if key not in RESERVED}
        out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


FORMAT = Format(
    name="doccano",
    description="doccano sequence labelling JSONL (character offsets)",
    write_file=write,
)
