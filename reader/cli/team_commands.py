"""``reader merge`` and ``reader agree``: team databases and inter-annotator agreement."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from reader.cli.common import Context, fail, pass_context, warn
from reader.core.agreement import (
    GOLD,
    OVERALL,
    Agreement,
    Scores,
    agreement,
    annotators,
    spans_from_store,
)
from reader.core.merge import merge_databases
from reader.core.store import Store, StoreError
from reader.core.text import one_line

if TYPE_CHECKING:
    from rich.table import Table


@click.command("merge")
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The team database to merge into (created when missing).",
)
@pass_context
def merge_command(obj: Context, sources: tuple[Path, ...], output: Path) -> None:
    """Merge annotators' databases: documents by content, annotations by id.

    Running it again with the same inputs changes nothing; no annotation is lost.
    """
    for source in sources:
        if not source.is_file():
            fail(f"{source}: no such database")
    try:
        with Store(output, annotator=obj.annotator) as target:
            report = merge_databases(target, list(sources))
    except StoreError as exc:
        fail(str(exc))
    for line in report.conflicts:
        warn(line)
    click.echo(f"merged {len(sources)} databases into {output}")
    click.echo(f"documents: {report.documents_added} added, {report.documents_matched} matched")
    click.echo(
        f"annotations: {report.annotations_added} added, {report.annotations_updated} updated,"
        f" {report.annotations_unchanged} unchanged, {report.annotations_reanchored}"
        f" re-anchored, {report.annotations_orphaned} orphaned"
    )
    click.echo(f"conflicts: {len(report.conflicts)}")


@click.command("agree")
@click.argument("database", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--annotators",
    "only",
    metavar="NAMES",
    help=f"Comma-separated annotators to compare (default: everyone but {GOLD!r}).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_context
def agree_command(obj: Context, database: Path | None, only: str | None, as_json: bool) -> None:
    """Agreement between annotators: span precision/recall/F1 and Krippendorff's alpha.

    Each pair is compared on the documents both annotated, per label and overall; "exact"
    needs the same boundaries and label, "overlap" the same label and a shared character
    (paired one to one, largest overlap first). alpha_u is Krippendorff's unitizing alpha
    over characters; alpha_chars treats each character as labelled or not.
    """
    path = database or obj.db_file
    try:
        with Store(path, create=False) as store:
            docs = spans_from_store(store)
    except StoreError as exc:
        fail(str(exc))
    present = sorted({name for doc in docs.values() for name in doc.spans})
    names = [n.strip() for n in only.split(",") if n.strip()] if only else annotators(docs)
    if len(set(names)) < 2:
        fail(f"agreement needs two annotators; found: {', '.join(present) or 'none'}")
    result = agreement(docs, names)
    if as_json:
        click.echo(orjson.dumps(_as_json(result), option=orjson.OPT_INDENT_2).decode())
    else:
        from rich.console import Console  # loaded only here: the CLI stays light

        console = Console()
        if not console.is_terminal:
            console.width = 160
        console.print(agreement_table(result))


def _as_json(result: Agreement) -> dict[str, object]:
    return {
        "annotators": result.annotators,
        "overall_key": OVERALL,
        "pairs": [
            {
                "reference": pair.reference,
                "other": pair.other,
                "labels": {label: asdict(s) for label, s in pair.by_label.items()},
            }
            for pair in result.pairs
        ],
        "average": {label: asdict(s) for label, s in result.average.items()},
    }


def agreement_table(result: Agreement) -> Table:
    """The agreement numbers as a rich table (pairs, then their average, by label)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Agreement (exact / overlap span match; Krippendorff's alpha)")
    for header in ("pair", "label", "docs", "exact P", "R", "F1", "overlap P", "R", "F1"):
        table.add_column(header, justify="left" if header in ("pair", "label") else "right")
    table.add_column("alpha_u", justify="right")
    table.add_column("alpha_chars", justify="right")
    rows = [(f"{p.reference} / {p.other}", p.by_label) for p in result.pairs]
    if len(result.pairs) > 1:
        rows.append(("average", result.average))
    for pair_name, by_label in rows:
        for label, scores in by_label.items():
            cells = [Text(one_line(pair_name)), Text(one_line(label))]
            table.add_row(*cells, *(Text(cell) for cell in _cells(scores)))
        table.add_section()
    return table


def _cells(scores: Scores) -> list[str]:
    numbers = [
        scores.exact_precision,
        scores.exact_recall,
        scores.exact_f1,
        scores.overlap_precision,
        scores.overlap_recall,
        scores.overlap_f1,
        scores.alpha_u,
        scores.alpha_chars,
    ]
    return [str(scores.documents), *("-" if n is None else f"{n:.3f}" for n in numbers)]
