"""Prodigy tasks: text, tokens and token-aligned spans, ready for ``prodigy db-in``.

One line per document::

    {"text", "meta": {..., "id"}, "_input_hash", "_task_hash",
     "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "label", "token_start", "token_end"}], "answer": "accept"}

Tokens are laid out as spaCy does (whitespace other than one trailing space is a token of
its own), so joining ``text + " " * ws`` gives back the text. ``token_end`` is inclusive.
Spans are snapped outward to token boundaries (reported). The hashes are 32-bit signed
integers, stable across runs and machines: ``_input_hash`` is the first four bytes of
SHA-256 of the UTF-8 text, ``_task_hash`` the same of ``[input_hash, [[start, end,
label], ...]]`` serialised as compact JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import count
from typing import Any, BinaryIO

import orjson

from reader.core.export.aligned import aligned_spans, written
from reader.core.export.base import ExportDoc, Format, Run
from reader.core.tokens import lay_out


def hash32(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big", signed=True)


def task(doc: ExportDoc, run: Run) -> dict[str, Any]:
    layout = lay_out(doc.text)
    tokens = layout.tokens
    spans = []
    for item in aligned_spans(doc, layout.words, run):
        written(doc, item, run)
        spans.append(
            {
                "start": item.start,
                "end": item.end,
                "label": item.span["label"],
                "token_start": layout.position(item.first),
                "token_end": layout.position(item.last),
            }
        )
    input_hash = hash32(doc.text.encode())
    keys = [[s["start"], s["end"], s["label"]] for s in spans]
    return {
        "text": doc.text,
        "meta": doc.meta | {"id": doc.external_id},
        "_input_hash": input_hash,
        "_task_hash": hash32(orjson.dumps([input_hash, keys])),
        "tokens": [
            {"text": text, "start": start, "end": end, "id": i, "ws": ws}
            for i, text, start, end, ws in zip(
                count(), tokens.texts, tokens.starts, tokens.ends, tokens.ws
            )
        ],
        "spans": spans,
        "answer": "accept",
    }


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    for doc in docs:
        out.write(orjson.dumps(task(doc, run), option=orjson.OPT_APPEND_NEWLINE))


FORMAT = Format(
    name="prodigy",
    description="Prodigy tasks with tokens and token-aligned spans (JSONL)",
    write_file=write,
)
