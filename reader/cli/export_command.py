"""``reader export``: training data in the format a consumer reads unchanged."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

import click
import orjson

from reader.cli.common import Context, fail, pass_context
from reader.core.export import FORMATS, ExportError, Filters, SpanIssue, export
from reader.core.export.output import BUFFER
from reader.core.store import STATUSES, StoreError
from reader.core.text import one_line

FORMAT_HELP = "\n".join(f"{name}: {fmt.description}" for name, fmt in FORMATS.items())

Report = Callable[[str], None]
Progress = Callable[[int, int], None]
SHOWN_ISSUES = 20


class IssueLog:
    """Spans that were snapped or dropped: every one to ``--issues FILE`` (JSONL) when given,
    else the first few as warnings and a count of the rest."""

    def __init__(self, say: Report, file: BinaryIO | None) -> None:
        self.say = say
        self.file = file
        self.count = 0

    def __call__(self, issue: SpanIssue) -> None:
        self.count += 1
        if self.file is not None:
            self.file.write(orjson.dumps(asdict(issue), option=orjson.OPT_APPEND_NEWLINE))
        elif self.count <= SHOWN_ISSUES:
            self.say(f"warning: {one_line(str(issue))}")

    def close(self) -> None:
        if self.file is None and self.count > SHOWN_ISSUES:
            more = self.count - SHOWN_ISSUES
            self.say(f"warning: {more} more spans changed; --issues FILE lists every one")


@contextmanager
def feedback() -> Iterator[tuple[Report, Progress | None]]:
    """Where to say things (stderr) and a progress bar when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield (lambda line: click.echo(line, err=True)), None
        return
    from rich.console import Console  # only a terminal needs rich
    from rich.progress import Progress as Bar
    from rich.text import Text

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("exporting", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield (lambda line: bar.console.print(Text(line))), advance


@contextmanager
def standard_output() -> Iterator[BinaryIO]:
    """Standard output, through a large buffer when it is a file (its own flushes every 8 KiB)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, io.UnsupportedOperation):  # captured, as in tests
        yield sys.stdout.buffer
        return
    sys.stdout.flush()
    with open(fd, "wb", buffering=BUFFER, closefd=False) as stream:
        yield stream


@click.command("export", epilog=f"\b\nFormats:\n{FORMAT_HELP}")
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice(list(FORMATS)),
    default="jsonl",
    show_default=True,
    help="Output format (see below).",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="File to write (a folder for brat); - writes to stdout.",
)
@click.option(
    "--per",
    type=click.Choice(["document", "span"]),
    default="document",
    show_default=True,
    help="jsonl only: one line per document, or per span with prefix/suffix context.",
)
@click.option("--label", "labels", multiple=True, help="Only spans with this label (repeatable).")
@click.option(
    "--annotator", "annotators", multiple=True, help="Only spans by this annotator (repeatable)."
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only documents with this status, e.g. done (repeatable).",
)
@click.option(
    "--doc", "doc_ids", multiple=True, help="Only the document with this id (repeatable)."
)
@click.option(
    "--origin",
    type=click.Choice(["all", "manual", "rules"]),
    default="all",
    show_default=True,
    help="Only hand-made spans, only spans accepted from rule suggestions, or all.",
)
@click.option(
    "--issues",
    "issues_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every snapped or dropped span here (JSONL) instead of the first 20 to stderr.",
)
@pass_context
def export_command(
    obj: Context,
    format_name: str,
    output: str,
    per: str,
    labels: tuple[str, ...],
    annotators: tuple[str, ...],
    statuses: tuple[str, ...],
    doc_ids: tuple[str, ...],
    origin: str,
    issues_path: Path | None,
) -> None:
    """Export documents and their spans as training data.

    A summary goes to stderr, after a warning per span that had to be snapped to token
    boundaries or could not be written (the first 20; --issues FILE keeps them all).
    Files are replaced atomically.
    """
    filters = Filters(labels, annotators, statuses, doc_ids, origin)
    try:
        with (
            obj.open_store(create=False) as store,
            feedback() as (say, progress),
            ExitStack() as files,
        ):
            target = Path(output) if output != "-" else files.enter_context(standard_output())
            issues_file = files.enter_context(issues_path.open("wb")) if issues_path else None
            report = IssueLog(say, issues_file)
            summary = export(
                store,
                format_name,
                target,
                filters,
                per_span=per == "span",
                progress=progress,
                on_issue=report,
            )
            report.close()
            for path in [*summary.files, *([str(issues_path)] if issues_path else [])]:
                say(f"wrote {one_line(path)}")
            say(one_line(summary.line()))
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except (ExportError, StoreError, OSError) as exc:
        fail(str(exc))
