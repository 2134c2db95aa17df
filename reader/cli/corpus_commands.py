"""``reader import`` and ``reader stats``."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli.common import Context, fail, pass_context, warn
from reader.core.interchange import LabelledImportReport, import_corpus
from reader.core.store import ImportReport, Store, StoreError


def import_paths(
    store: Store, paths: list[Path], *, errors: str = "strict"
) -> tuple[LabelledImportReport, list[str]]:
    """Read and store ``paths`` as a stream, in batches of one transaction each (labelled
    JSONL brings its annotations); returns the report and one line per bad file or line."""
    return import_corpus(store, paths, errors=errors)


def summary(report: ImportReport, bad_files: int) -> str:
    """The one-line result; ``bad_files`` counts unreadable files and JSONL lines."""
    parts = [f"{report.added} added", f"{report.unchanged} unchanged", f"{report.updated} updated"]
    if report.refused:
        parts.append(f"{len(report.refused)} refused")
    if bad_files:
        parts.append(f"{bad_files} unreadable")
    if isinstance(report, LabelledImportReport) and report.annotations_imported:
        parts.append(f"{report.annotations_imported} annotations")
    line = "imported: " + ", ".join(parts)
    moved, orphaned = report.annotations_moved, report.annotations_orphaned
    if moved or orphaned or report.annotations_unchanged:
        line += (
            f"; annotations: {moved} moved, {report.annotations_unchanged} unchanged,"
            f" {orphaned} orphaned"
        )
    return line


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--errors",
    type=click.Choice(["strict", "replace"]),
    default="strict",
    show_default=True,
    help="Invalid UTF-8: refuse the file, or replace bad bytes with U+FFFD.",
)
@pass_context
def import_command(obj: Context, paths: tuple[Path, ...], errors: str) -> None:
    """Import documents from files or folders (.txt, .md, .jsonl)."""
    with obj.open_store() as store:
        try:
            report, bad = import_paths(store, list(paths), errors=errors)
        except StoreError as exc:
            fail(str(exc))
    for line in bad + report.refused:
        warn(line)
    click.echo(summary(report, len(bad)))
    if bad or report.refused:
        raise SystemExit(1)


@click.command("stats")
@pass_context
def stats_command(obj: Context) -> None:
    """Documents by status and annotations by label."""
    with obj.open_store(create=False) as store:
        total = store.document_count()
        click.echo(f"database: {store.path}")
        click.echo(f"documents: {total}")
        for status in ("new", "in_progress", "done"):
            click.echo(f"  {status}: {store.document_count(status)}")
        click.echo(f"annotations: {store.annotation_total()}")
        for label, count in store.label_counts().items():
            click.echo(f"  {label}: {count}")
