"""``reader [PATH...]``: import PATH (if any) and open the app."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli.common import Context, fail, pass_context, warn
from reader.cli.corpus_commands import import_paths, summary
from reader.core.store import StoreError


@click.command("open")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@pass_context
def open_command(obj: Context, paths: tuple[Path, ...]) -> None:
    """Open the app on the database, importing PATH first when given."""
    notices: list[str] = []
    with obj.open_store() as store:
        if paths:
            try:
                report, bad = import_paths(store, list(paths))
            except StoreError as exc:
                fail(str(exc))
            for line in bad + report.refused:
                warn(line)
            notices = [*bad, *report.refused]
            if report.added or report.updated:
                notices.insert(0, summary(report, len(bad)))
    from reader.ui.app import ReaderApp  # the UI loads only when it is needed

    ReaderApp(
        db_path=obj.db_file, config=obj.config, annotator=obj.annotator, notices=notices
    ).run()
