"""Hugging Face token classification: ``{"id", "tokens", "ner_tags"}`` per document.

``ner_tags`` are BIO tag ids; their names are written beside the file as
``<name>.labels.json`` (a JSON list: index = tag id), ``["O", "B-<label>", "I-<label>",
...]`` over the exported labels in sorted order. Tokens come from the shared tokeniser;
spans are snapped outward to token boundaries (reported). BIO cannot express overlapping
spans: where spans overlap, the one starting first (then the longer) is kept and each
other one is reported as dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import orjson

from reader.core.export.aligned import aligned_spans, written
from reader.core.export.base import ExportDoc, Format, Run, Span
from reader.core.tokens import tokenize

LABELS_SUFFIX = ".labels.json"


def tag_names(labels: list[str]) -> list[str]:
    return ["O", *(f"{prefix}-{label}" for label in labels for prefix in ("B", "I"))]


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    names = tag_names(run.labels())
    tag_ids = {name: i for i, name in enumerate(names)}
    run.companions[LABELS_SUFFIX] = orjson.dumps(names, option=orjson.OPT_APPEND_NEWLINE)
    for doc in docs:
        tokens = tokenize(doc.text)
        tags = [0] * len(tokens)
        owner: list[Span | None] = [None] * len(tokens)
        placed = sorted(aligned_spans(doc, tokens, run), key=lambda a: (a.first, a.first - a.last))
        for item in placed:
            span, first, last = item.span, item.first, item.last
            taken = next((s for s in owner[first : last + 1] if s is not None), None)
            if taken is not None:
                run.dropped(doc, span, f"overlaps span {taken['id']} (BIO allows no overlap)")
                continue
            written(doc, item, run)
            tags[first] = tag_ids[f"B-{span['label']}"]
            tags[first + 1 : last + 1] = [tag_ids[f"I-{span['label']}"]] * (last - first)
            owner[first : last + 1] = [span] * (last - first + 1)
        line = {"id": doc.external_id, "tokens": tokens.texts, "ner_tags": tags}
        out.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


FORMAT = Format(
    name="hf",
    description="Hugging Face token classification JSONL (BIO ner_tags + .labels.json)",
    write_file=write,
    companions=(LABELS_SUFFIX,),
)
