"""W3C Web Annotation (JSON-LD): one ``AnnotationCollection`` holding every annotation.

The file is a single JSON-LD document whose ``first`` page lists all annotations in
``items`` (one per line, streamed). Each annotation targets its document
(``urn:x-attribution-reader:document:<id>``) through a ``TextQuoteSelector`` (``exact``,
``prefix``/``suffix`` of up to 32 characters) and a ``TextPositionSelector``
(``start``/``end``). Positions count Unicode code points, as the Web Annotation model
requires and as Python ``str`` indices do. The label is a ``TextualBody`` with purpose
``tagging``, a note one with purpose ``commenting``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, BinaryIO
from urllib.parse import quote

import orjson

from reader.core.export.base import ExportDoc, Format, Run, Span

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
BASE = "urn:x-attribution-reader"


def iri(kind: str, identifier: str) -> str:
    """``urn:uuid:`` for UUIDs (what the store makes), else a URN under this project's base."""
    try:
        return uuid.UUID(identifier).urn
    except ValueError:
        return f"{BASE}:{kind}:{quote(identifier, safe='')}"


def annotation(doc: ExportDoc, span: Span) -> dict[str, Any]:
    prefix, suffix = doc.context(span)
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": span["text"]}
    if prefix:
        quote_selector["prefix"] = prefix
    if suffix:
        quote_selector["suffix"] = suffix
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": span["label"]}
    ]
    if span["note"]:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": span["note"]})
    return {
        "id": iri("annotation", span["id"]),
        "type": "Annotation",
        "motivation": "tagging",
        "created": span["created_at"],
        "creator": {"type": "Person", "name": span["annotator"]},
        "body": body,
        "target": {
            "source": f"{BASE}:document:{quote(doc.external_id, safe='')}",
            "selector": [
                quote_selector,
                {"type": "TextPositionSelector", "start": span["start"], "end": span["end"]},
            ],
        },
    }


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    head = {
        "@context": CONTEXT,
        "id": f"{BASE}:export",
        "type": "AnnotationCollection",
        "label": "attribution-reader annotations",
        "total": run.span_total(),
    }
    page = {"id": f"{BASE}:export:page-1", "type": "AnnotationPage", "startIndex": 0}
    out.write(orjson.dumps(head)[:-1] + b',"first":' + orjson.dumps(page)[:-1] + b',"items":[')
    separator = b"\n"
    for doc in docs:
        for span in doc.spans:
            out.write(separator + orjson.dumps(annotation(doc, span)))
            separator = b",\n"
    out.write(b"\n]}}\n")


FORMAT = Format(
    name="w3c",
    description="W3C Web Annotation JSON-LD: one AnnotationCollection (code point offsets)",
    write_file=write,
)
