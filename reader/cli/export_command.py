"""``reader export``: training data in the format a consumer reads unchanged."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click

from reader.cli.common import Context, fail, pass_context
from reader.core.export import FORMATS, ExportError, Filters, SpanIssue, export
from reader.core.store import STATUSES, StoreError
from reader.core.text import one_line

FORMAT_HELP = "\n".join(f"{name}: {fmt.description}" for name, fmt in FORMATS.items())

Report = Callable[[str], None]
Progress = Callable[[int, int], None]


@contextmanager
def _feedback() -> Iterator[tuple[Report, Progress | None]]:
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
) -> None:
    """Export documents and their spans as training data.

    A summary goes to stderr, with one line per span that had to be snapped to token
    boundaries or could not be written. Files are replaced atomically.
    """
    filters = Filters(labels, annotators, statuses, doc_ids)
    target: Path | BinaryIO = Path(output) if output != "-" else sys.stdout.buffer
    try:
        with obj.open_store(create=False) as store, _feedback() as (say, progress):

            def report(issue: SpanIssue) -> None:
                say(f"warning: {one_line(str(issue))}")

            summary = export(
                store,
                format_name,
                target,
                filters,
                per_span=per == "span",
                progress=progress,
                on_issue=report,
            )
            for path in summary.files:
                say(f"wrote {one_line(path)}")
            say(one_line(summary.line()))
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except (ExportError, StoreError, OSError) as exc:
        fail(str(exc))
