"""Native JSONL: everything the store knows about each span, with exact character offsets.

Per document (default), one line each::

    {"id", "title", "text", "meta", "spans": [{"id", "start", "end", "label", "text",
     "note", "annotator", "created_at"}]}

plus ``"orphans"`` (same fields and ``prefix``/``suffix``) on the documents that have
annotations whose quote could not be placed in the text. ``text[start:end]`` equals each
span's ``text``. Per span (``per_span``), one line per placed span with its document id and
``prefix``/``suffix`` context, and orphans flagged ``"orphaned": true``.

The per-document lines are built whole inside SQLite (``Run.native_lines``) and written as
they come, so ``docs`` is left unread there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import orjson

from reader.core.export.base import ExportDoc, Format, Run

_LINE = orjson.OPT_APPEND_NEWLINE


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    if run.per_span:
        _write_per_span(docs, out)
    else:
        out.writelines(run.native_lines())


def _write_per_span(docs: Iterator[ExportDoc], out: BinaryIO) -> None:
    for doc in docs:
        for span in doc.spans:
            prefix, suffix = doc.context(span)
            line = {"doc_id": doc.external_id, **span, "prefix": prefix, "suffix": suffix}
            out.write(orjson.dumps(line | {"orphaned": False}, option=_LINE))
        for orphan in doc.orphans:
            out.write(
                orjson.dumps({"doc_id": doc.external_id, **orphan, "orphaned": True}, option=_LINE)
            )


FORMAT = Format(
    name="jsonl",
    description="native JSONL, one document (or span) per line, exact character offsets",
    write_file=write,
    orphans=True,
)
