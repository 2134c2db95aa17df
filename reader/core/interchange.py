"""Importing labelled JSONL: native, Prodigy and doccano lines bring their annotations.

The format is told per line by its keys: ``label`` as a list of ``[start, end, "LABEL"]``
is doccano; ``spans`` with ``tokens`` or ``_input_hash`` is Prodigy (only ``"answer":
"accept"`` tasks bring spans); other ``spans`` (and ``orphans``) are native. A line with
none of these is a plain document. Offsets refer to the line's text; where import
normalises that text (CRLF, NFC), they are carried over to the stored text.

Native spans keep their ids, annotators and times, so export → import → export gives the
same bytes. Spans without an id get one derived from the document text, offsets and label
(UUID 5), so importing the same file again adds nothing.

Import streams: lines are read one at a time and stored in batches of ``IMPORT_BATCH``
documents, each batch with its annotations in one write transaction (see
``Store.import_documents``). A bad line is reported and skipped; the others are stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reader.core.ahead import read_ahead
from reader.core.corpus import (
    JSONL_SUFFIXES,
    CorpusError,
    OnError,
    Source,
    corpus_files,
    document_from_record,
    jsonl_records,
    refuse,
    text_document,
)
from reader.core.store import Annotation, ImportReport, NewDocument, Store, context, now
from reader.core.text import normalise

SPAN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:x-attribution-reader:annotation")
DOCCANO_KEYS = ("id", "text", "label")
IMPORT_BATCH = 2000  # documents per write transaction: other writers wait at most one batch
READ_AHEAD_BYTES = 16 * 2**20  # smaller imports are read in-process: a child would cost more


@dataclass(frozen=True)
class SpanRecord:
    """A span as a file gives it, offsets already in the stored (normalised) text."""

    start: int
    end: int
    label: str
    id: str | None = None
    note: str | None = None
    annotator: str | None = None
    created_at: str | None = None
    orphan_context: tuple[str, str, str] | None = None  # quote, prefix, suffix of an orphan


def line_format(record: dict[str, Any]) -> str | None:
    """``"doccano"``, ``"prodigy"``, ``"native"``, or ``None`` for a plain document."""
    if isinstance(record.get("label"), list):
        return "doccano"
    if "spans" in record and ("tokens" in record or "_input_hash" in record):
        return "prodigy"
    if "spans" in record or "orphans" in record:
        return "native"
    return None


Labelled = tuple[NewDocument, list[SpanRecord]]


def read_labelled(
    paths: Iterable[Path], *, errors: str = "strict", on_error: OnError
) -> Iterator[Labelled]:
    """Like ``corpus.read_documents``, each document with the spans its line brings."""
    for path in corpus_files(paths):
        try:
            if path.suffix.lower() in JSONL_SUFFIXES:
                yield from labelled_lines(path, errors=errors, on_error=on_error)
            else:
                yield text_document(path, errors=errors), []
        except CorpusError as exc:
            on_error(str(exc))


def labelled_lines(path: Path, *, errors: str, on_error: OnError) -> Iterator[Labelled]:
    """Each line of a JSONL file as a document with its spans; a bad line goes to
    ``on_error``."""
    source = Source.of(path)
    for number, record in jsonl_records(path, source, errors=errors, on_error=on_error):
        try:
            yield labelled_line(record, source, number)
        except CorpusError as exc:
            on_error(str(exc))


def read_labelled_jsonl(path: Path, *, errors: str = "strict") -> list[Labelled]:
    """Every line of a JSONL file as a document with its spans; a bad line refuses the file."""
    return list(labelled_lines(path, errors=errors, on_error=refuse))


def labelled_line(record: dict[str, Any], source: Source, number: int) -> Labelled:
    kind = line_format(record)
    if kind is None:
        return document_from_record(record, source, number), []
    document_record = _document_record(record, kind)
    doc = document_from_record(document_record, source, number)
    where = source.where(number)
    return doc, _spans(record, kind, document_record["text"], doc.text, where)


def _document_record(record: dict[str, Any], kind: str | None) -> dict[str, Any]:
    """The plain document fields (``id``, ``title``, ``text``, ``meta``) of a line."""
    if kind == "doccano":
        meta = {k: v for k, v in record.items() if k not in DOCCANO_KEYS}
        return {"id": record.get("id"), "text": record.get("text"), "meta": meta}
    return record


def _spans(
    record: dict[str, Any], kind: str | None, raw: str, text: str, where: str
) -> list[SpanRecord]:
    if kind is None or (kind == "prodigy" and record.get("answer", "accept") != "accept"):
        return []
    offsets = Offsets(raw, text)
    if kind == "doccano":
        return [
            offsets.span(_doccano_item(item, f"{where}: label {n}"), f"{where}: label {n}")
            for n, item in _numbered(record, "label", where)
        ]
    spans = [
        offsets.span(item, f"{where}: span {n}") for n, item in _numbered(record, "spans", where)
    ]
    if kind == "prodigy" and isinstance(record.get("_annotator_id"), str):
        spans = [replace(s, annotator=record["_annotator_id"]) for s in spans]
    orphans = _numbered(record, "orphans", where)
    return spans + [offsets.orphan(item, f"{where}: orphan {n}") for n, item in orphans]


def _numbered(record: dict[str, Any], key: str, where: str) -> list[tuple[int, Any]]:
    items = record.get(key, [])
    if not isinstance(items, list):
        raise CorpusError(f'{where}: "{key}" must be a list')
    return list(enumerate(items, start=1))


def _doccano_item(item: Any, where: str) -> dict[str, Any]:
    if not (isinstance(item, list) and len(item) == 3):
        raise CorpusError(f'{where}: expected [start, end, "LABEL"]')
    return {"start": item[0], "end": item[1], "label": item[2]}


def _optional_text(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise CorpusError(f'{where}: "{key}" must be a string')
    return value


class Offsets:
    """Checks a line's spans against its text and carries them into the normalised text."""

    def __init__(self, raw: str, text: str) -> None:
        self.raw = raw
        self.text = text

    def _moved(self, offset: int) -> int:
        return offset if self.raw == self.text else len(normalise(self.raw[:offset]))

    def _fields(self, item: Any, where: str) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise CorpusError(f"{where}: expected an object")
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        if type(start) is not int or type(end) is not int:
            raise CorpusError(f'{where}: "start" and "end" must be integers')
        if not isinstance(label, str) or not label.strip():
            raise CorpusError(f'{where}: "label" must be a non-empty string')
        return {
            "start": start,
            "end": end,
            "label": label,
            "id": _optional_text(item, "id", where),
            "note": _optional_text(item, "note", where),
            "annotator": _optional_text(item, "annotator", where),
            "created_at": _optional_text(item, "created_at", where),
        }

    def span(self, item: Any, where: str) -> SpanRecord:
        fields = self._fields(item, where)
        start, end = fields["start"], fields["end"]
        if not 0 <= start < end <= len(self.raw):
            raise CorpusError(f"{where}: [{start}, {end}) is not a span of the text")
        quote = _optional_text(item, "text", where)
        if quote is not None and quote != self.raw[start:end]:
            raise CorpusError(f'{where}: "text" differs from the text at [{start}, {end})')
        fields |= {"start": self._moved(start), "end": self._moved(end)}
        if fields["start"] >= fields["end"]:
            raise CorpusError(f"{where}: [{start}, {end}) is empty once newlines are normalised")
        return SpanRecord(**fields)

    def orphan(self, item: Any, where: str) -> SpanRecord:
        """An orphan keeps its offsets and quote as they were: it has no place in this text."""
        fields = self._fields(item, where)
        quote = [_optional_text(item, key, where) or "" for key in ("text", "prefix", "suffix")]
        if not quote[0]:
            raise CorpusError(f'{where}: an orphan needs its "text"')
        if not 0 <= fields["start"] < fields["end"]:
            raise CorpusError(f"{where}: [{fields['start']}, {fields['end']}) is not a span")
        return SpanRecord(**fields, orphan_context=(quote[0], quote[1], quote[2]))


def annotation(doc: NewDocument, doc_id: int, span: SpanRecord, annotator: str) -> Annotation:
    """The stored form of ``span`` in ``doc`` (whose row id is ``doc_id``)."""
    if span.orphan_context is not None:
        quote, prefix, suffix = span.orphan_context
    else:
        quote = doc.text[span.start : span.end]
        prefix, suffix = context(doc.text, span.start, span.end)
    key = f"{doc.sha256}:{span.start}:{span.end}:{span.label}"
    stamp = span.created_at or now()
    return Annotation(
        id=span.id or str(uuid.uuid5(SPAN_NAMESPACE, key)),
        doc_id=doc_id,
        start=span.start,
        end=span.end,
        label=span.label,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        note=span.note,
        annotator=span.annotator or annotator,
        origin="import",
        created_at=stamp,
        updated_at=stamp,
        orphaned=span.orphan_context is not None,
    )


def _store_spans(store: Store, labelled: Sequence[Labelled], problems: list[str]) -> int:
    stored = store.stored_versions([doc.external_id for doc, _ in labelled])
    annotations: list[Annotation] = []
    for doc, spans in labelled:
        row = stored.get(doc.external_id)
        if row is None or row[1] != doc.sha256:
            problems.append(
                f"{doc.source_path}: document {doc.external_id!r} differs in the database;"
                f" its {len(spans)} annotations were not imported"
            )
            continue
        annotations.extend(annotation(doc, row[0], span, store.annotator) for span in spans)
    return store.import_annotations(annotations)


@dataclass
class LabelledImportReport(ImportReport):
    annotations_imported: int = 0  # new annotations brought by labelled JSONL


def import_corpus(
    store: Store,
    paths: Iterable[Path],
    *,
    errors: str = "strict",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[LabelledImportReport, list[str]]:
    """Read and store ``paths`` as a stream, each batch's documents with their annotations.

    In a large import the next batches are read by a child process while the current one
    is stored (see ``reader.core.ahead``). ``progress`` is
    told, after each batch, how many of the files are read (and how many there are).
    Returns the report and one line per unreadable file or line, or document whose spans
    were refused.
    """
    problems: list[str] = []
    report = LabelledImportReport()
    files = list(corpus_files(paths))
    batches = (
        read_ahead(_batches, files, errors)
        if _size(files) >= READ_AHEAD_BYTES
        else _batches(files, errors)
    )
    for files_read, batch, unreadable in batches:
        problems += unreadable
        if batch:
            _store_batch(store, batch, report, problems)
        if progress is not None:
            progress(files_read, len(files))
    return report, problems


def _store_batch(
    store: Store, batch: list[Labelled], report: LabelledImportReport, problems: list[str]
) -> None:
    """One transaction: the documents, then the annotations they bring; counts go to
    ``report``."""
    with store.write():
        part = store.import_documents([doc for doc, _ in batch], batch_size=len(batch))
        labelled = [(doc, spans) for doc, spans in batch if spans]
        added = _store_spans(store, labelled, problems) if labelled else 0
    for name, value in vars(part).items():
        setattr(report, name, getattr(report, name) + value)
    report.annotations_imported += added


def _size(files: list[Path]) -> int:
    total = 0
    for path in files:
        with suppress(OSError):  # an unreadable file is reported when it is read
            total += path.stat().st_size
    return total


def _batches(files: list[Path], errors: str) -> Iterator[tuple[int, list[Labelled], list[str]]]:
    """The documents of ``files`` in batches of ``IMPORT_BATCH``, each with how many files
    were read whole when it was cut and the problems met while reading it."""
    batch: list[Labelled] = []
    unreadable: list[str] = []
    for number, path in enumerate(files):
        for labelled in read_labelled([path], errors=errors, on_error=unreadable.append):
            batch.append(labelled)
            if len(batch) == IMPORT_BATCH:
                yield number, batch, unreadable.copy()
                batch = []
                unreadable.clear()
    yield len(files), batch, unreadable
