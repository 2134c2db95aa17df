"""What every export format shares: the records it reads, the run it reports to, its entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypedDict

import orjson

from reader.core.store import CONTEXT_CHARS
from reader.core.text import counted

if TYPE_CHECKING:
    from reader.core.export.source import Source

Progress = Callable[[int, int], None]  # (documents done, documents in the export)
PROGRESS_EVERY = 256


class ExportError(Exception):
    """An export that cannot be done; the message is one line for the user."""


@dataclass(frozen=True)
class Filters:
    """Which documents and spans to export; an empty tuple means no filter on that field."""

    labels: tuple[str, ...] = ()
    annotators: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()  # the documents' external ids, as exports write them
    origin: str = "all"  # "manual", "rules" (accepted suggestions) or "all"


class Span(TypedDict):
    """One live annotation, as the native format writes it."""

    id: str
    start: int
    end: int
    label: str
    text: str
    note: str | None
    annotator: str
    created_at: str


class Orphan(Span):
    """An annotation whose quote has no place in the current text, with its stored context."""

    prefix: str
    suffix: str


@dataclass
class ExportDoc:
    """One document with its selected spans, which the store hands over as JSON arrays."""

    external_id: str
    title: str
    text: str
    meta_json: str  # as stored, passed through untouched where possible
    spans_json: str  # placed spans in (start, stored order) order
    orphans_json: str  # orphans (only for formats that take them, else "[]")

    @cached_property
    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = orjson.loads(self.meta_json)
        return meta

    @cached_property
    def spans(self) -> list[Span]:
        spans: list[Span] = orjson.loads(self.spans_json)
        return spans

    @cached_property
    def orphans(self) -> list[Orphan]:
        orphans: list[Orphan] = orjson.loads(self.orphans_json)
        return orphans

    def context(self, span: Span) -> tuple[str, str]:
        """The prefix and suffix around ``span`` in this text."""
        start, end = span["start"], span["end"]
        return self.text[max(0, start - CONTEXT_CHARS) : start], self.text[
            end : end + CONTEXT_CHARS
        ]


@dataclass(frozen=True)
class SpanIssue:
    """A span a format could not carry as it is: snapped to tokens, or dropped."""

    doc_id: str
    span_id: str
    label: str
    start: int
    end: int
    problem: str  # "misaligned" or "dropped"
    detail: str

    def __str__(self) -> str:
        return (
            f"document {self.doc_id!r}, span {self.span_id} [{self.start}, {self.end})"
            f" {self.label!r}: {self.detail}"
        )


@dataclass
class ExportSummary:
    format: str
    target: str
    documents: int = 0
    spans: int = 0  # spans written (dropped ones not counted)
    misaligned: int = 0  # written after snapping to token boundaries
    dropped: int = 0
    orphaned: int = 0  # orphaned spans written (native JSONL only)
    files: list[str] = field(default_factory=list)  # files written beside the target

    def line(self) -> str:
        parts = [counted(self.documents, "document"), counted(self.spans, "span")]
        if self.orphaned:
            parts.append(f"{self.orphaned} orphaned")
        parts += [f"{self.misaligned} misaligned", f"{self.dropped} dropped"]
        return f"exported {', '.join(parts)} as {self.format} to {self.target}"


class Run:
    """One export in progress: what a writer needs besides the documents, and its counts."""

    def __init__(
        self,
        summary: ExportSummary,
        source: Source,
        *,
        per_span: bool = False,
        progress: Progress | None = None,
        on_issue: Callable[[SpanIssue], None] | None = None,
    ) -> None:
        self.summary = summary
        self.source = source
        self.per_span = per_span
        self.companions: dict[str, bytes] = {}  # file-name suffix -> content, beside the target
        self._progress = progress
        self._documents_in_export: int | None = None
        self._on_issue = on_issue

    def labels(self) -> list[str]:
        """The labels of the exported spans, sorted."""
        return self.source.labels()

    def span_total(self) -> int:
        """How many spans the export holds before any is dropped (a scan of the annotations)."""
        return self.source.span_count()

    def documents(self, *, orphans: bool) -> Iterator[ExportDoc]:
        """The documents to write, counted with their spans (and orphans, when ``orphans``)."""
        for doc in self.source.documents(orphans=orphans):
            self.summary.spans += len(doc.spans)
            if orphans:
                self.summary.orphaned += len(doc.orphans)
            self._document_done()
            yield doc

    def native_lines(self) -> Iterator[memoryview]:
        """The documents as native JSONL lines, counted with their spans and orphans."""
        for line, placed, orphaned in self.source.native_lines():
            self.summary.spans += placed
            self.summary.orphaned += orphaned
            self._document_done()
            yield line

    def _document_done(self) -> None:
        self.summary.documents += 1
        if self.summary.documents % PROGRESS_EVERY == 0:
            self.report_progress()

    def report_progress(self) -> None:
        """Tell ``progress`` how many documents are done (and, the first time, counts them)."""
        if self._progress is None:
            return
        if self._documents_in_export is None:
            self._documents_in_export = self.source.document_count()
        self._progress(self.summary.documents, self._documents_in_export)

    def misaligned(
        self,
        doc: ExportDoc,
        span: Span,
        start: int,
        end: int,
        reason: str = "not on token boundaries",
    ) -> None:
        self.summary.misaligned += 1
        self._report(doc, span, "misaligned", f"{reason}; written as [{start}, {end})")

    def dropped(self, doc: ExportDoc, span: Span, reason: str) -> None:
        self.summary.dropped += 1
        self._report(doc, span, "dropped", f"dropped: {reason}")

    def _report(self, doc: ExportDoc, span: Span, problem: str, detail: str) -> None:
        if self._on_issue is not None:
            issue = SpanIssue(
                doc.external_id,
                span["id"],
                span["label"],
                span["start"],
                span["end"],
                problem,
                detail,
            )
            self._on_issue(issue)


FileWriter = Callable[[Iterator[ExportDoc], BinaryIO, Run], None]
FolderWriter = Callable[[Iterator[ExportDoc], Path, Run], None]


@dataclass(frozen=True)
class Format:
    """One export format: a writer to a binary stream, or to a folder."""

    name: str
    description: str
    write_file: FileWriter | None = None
    write_folder: FolderWriter | None = None
    orphans: bool = False  # whether orphaned annotations reach the writer
    companions: tuple[str, ...] = ()  # suffixes of files written beside the target
    replaceable: frozenset[str] = frozenset()  # suffixes an earlier export folder may hold

    @property
    def needs_path(self) -> bool:
        return self.write_folder is not None or bool(self.companions)
