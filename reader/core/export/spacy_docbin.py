"""spaCy: one ``DocBin`` (``.spacy``) with each document's spans in ``doc.spans["sc"]``.

Docs are built from the shared tokeniser's tokens (with spaCy's whitespace layout), so
``doc.text`` is the stored text and character offsets carry over unchanged. Each span keeps
its annotation id as ``span.id_``; ``doc.user_data["id"]`` is the document's id. Spans are
snapped outward to token boundaries (reported). spaCy is an optional extra, and a DocBin is
built in memory before it is written (compact token arrays, not the texts' objects).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from reader.core.export.aligned import aligned_spans, written
from reader.core.export.base import ExportDoc, ExportError, Format, Run
from reader.core.tokens import lay_out

SPANS_KEY = "sc"
INSTALL_HINT = "spaCy is not installed; install it with: pip install 'attribution-reader[spacy]'"


def write(docs: Iterator[ExportDoc], out: BinaryIO, run: Run) -> None:
    try:
        from spacy.tokens import Doc, DocBin, Span
        from spacy.vocab import Vocab
    except ImportError:
        raise ExportError(INSTALL_HINT) from None
    vocab = Vocab()
    doc_bin = DocBin(attrs=["ORTH"], store_user_data=True)
    for doc in docs:
        layout = lay_out(doc.text)
        tokens = layout.tokens
        spacy_doc = Doc(vocab, words=tokens.texts, spaces=tokens.ws)
        spans = []
        for item in aligned_spans(doc, layout.words, run):
            written(doc, item, run)
            start, end = layout.position(item.first), layout.position(item.last) + 1
            spans.append(
                Span(spacy_doc, start, end, label=item.span["label"], span_id=item.span["id"])
            )
        spacy_doc.spans[SPANS_KEY] = spans
        spacy_doc.user_data["id"] = doc.external_id
        doc_bin.add(spacy_doc)
    out.write(doc_bin.to_bytes())


FORMAT = Format(
    name="spacy",
    description="spaCy DocBin (.spacy) with spans in doc.spans['sc']; needs spaCy",
    write_file=write,
)
