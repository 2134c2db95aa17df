"""``export()``: one export from a store to a file, a folder or a stream.

Everything is read in one read transaction (a consistent snapshot, whatever other writers
do meanwhile) and written through :class:`Staging` (atomic). Safe to call from a worker
thread with a ``Store`` opened in that thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from reader.core.export.base import (
    ExportDoc,
    ExportError,
    ExportSummary,
    Filters,
    Format,
    Progress,
    Run,
    SpanIssue,
)
from reader.core.export.output import Staging
from reader.core.export.registry import FORMATS
from reader.core.export.source import Source
from reader.core.store import Store


def export(
    store: Store,
    format: str,
    target: Path | BinaryIO,
    filters: Filters | None = None,
    *,
    per_span: bool = False,
    progress: Progress | None = None,
    on_issue: Callable[[SpanIssue], None] | None = None,
) -> ExportSummary:
    """Export the selected documents and spans as ``format`` to ``target``.

    ``target`` is a path (file, or folder for folder formats) or a binary stream such as
    ``sys.stdout.buffer``. ``progress`` is called every few hundred documents and at the
    end; ``on_issue`` once per span that was snapped or dropped.
    """
    fmt = FORMATS.get(format)
    if fmt is None:
        raise ExportError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    if per_span and format != "jsonl":
        raise ExportError("one line per span (--per span) is a jsonl option")
    if fmt.needs_path and not isinstance(target, Path):
        raise ExportError(f"{format} writes more than one file; give a path with -o")
    name = str(target) if isinstance(target, Path) else "-"
    summary = ExportSummary(format=format, target=name)
    with store.snapshot() as conn:
        source = Source(conn, filters or Filters())
        run = Run(summary, source, per_span=per_span, progress=progress, on_issue=on_issue)
        docs = run.documents(orphans=fmt.orphans)
        if not isinstance(target, Path):
            _write_stream(fmt, docs, target, run)
        else:
            with Staging() as staging:
                if fmt.write_folder is not None:
                    fmt.write_folder(docs, staging.folder(target, fmt.replaceable), run)
                else:
                    _write_stream(fmt, docs, staging.file(target), run)
                for suffix, content in run.companions.items():
                    companion = target.with_name(target.stem + suffix)
                    staging.file(companion).write(content)
                    summary.files.append(str(companion))
        run.report_progress()
    summary.spans -= summary.dropped
    return summary


def _write_stream(fmt: Format, docs: Iterator[ExportDoc], stream: BinaryIO, run: Run) -> None:
    if fmt.write_file is None:
        raise ExportError(f"{fmt.name} writes a folder; give one with -o FOLDER")
    fmt.write_file(docs, stream, run)
    stream.flush()
