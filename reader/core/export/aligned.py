"""Spans on token boundaries, for the formats that count in tokens (Prodigy, spaCy, HF)."""

from __future__ import annotations

from typing import NamedTuple

from reader.core.export.base import ExportDoc, Run, Span
from reader.core.tokens import Alignment, Tokens


class Aligned(NamedTuple):
    span: Span
    first: int  # index of its first token
    last: int  # index of its last token (inclusive)
    start: int  # character offsets of those tokens' edges
    end: int

    @property
    def snapped(self) -> bool:
        return (self.start, self.end) != (self.span["start"], self.span["end"])


def aligned_spans(doc: ExportDoc, tokens: Tokens, run: Run) -> list[Aligned]:
    """Each span with the tokens it touches (snapping outward), in the document's order.

    A span that covers no token (only whitespace) is reported as dropped and left out.
    Writers call :func:`written` for each span they write.
    """
    alignment = Alignment(tokens)
    aligned = []
    for span in doc.spans:
        snapped = alignment.snap(span["start"], span["end"])
        if snapped is None:
            run.dropped(doc, span, "covers no token (whitespace only)")
            continue
        first, last = snapped
        aligned.append(Aligned(span, first, last, tokens.starts[first], tokens.ends[last]))
    return aligned


def written(doc: ExportDoc, item: Aligned, run: Run) -> None:
    """Report ``item`` as misaligned if it was snapped to reach token boundaries."""
    if item.snapped:
        run.misaligned(doc, item.span, item.start, item.end)
