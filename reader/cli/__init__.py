"""The ``reader`` command: a thin click layer over ``reader.core``.

``reader [PATH...]`` (no subcommand) imports PATH if given and opens the app.
Each subcommand lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from reader.cli.common import Context, pass_context
from reader.cli.corpus_commands import import_command, stats_command
from reader.cli.export_command import export_command
from reader.cli.open_command import open_command
from reader.cli.suggest_commands import serve_command, suggest_command
from reader.cli.team_commands import agree_command, merge_command


class DefaultGroup(click.Group):
    """A group that runs ``open`` when the first argument is not a subcommand."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            args = ["open", *args]
        return super().resolve_command(ctx, args)


@click.group(
    cls=DefaultGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="READER_DB",
    help="SQLite database file (default: in the user data dir; env READER_DB).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="READER_CONFIG",
    help="Config TOML (labels, keys, annotator).",
)
@click.option("--annotator", help="Name recorded on annotations (default: config, then OS user).")
@click.version_option(package_name="attribution-reader")
@click.pass_context
def main(
    ctx: click.Context, db_path: str | None, config_path: str | None, annotator: str | None
) -> None:
    """Read news articles and tag attribution passages; export training data.

    Run `reader PATH` to import a corpus (files or folders of .txt, .md, .jsonl) and open it.
    """
    ctx.obj = Context(db_path, config_path, annotator)
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_command)


@main.command("config-path")
@pass_context
def config_path_command(obj: Context) -> None:
    """Print where the config file is read from."""
    click.echo(str(obj.config_file))


main.add_command(open_command)
main.add_command(import_command)
main.add_command(stats_command)
main.add_command(export_command)
main.add_command(suggest_command)
main.add_command(serve_command)
main.add_command(merge_command)
main.add_command(agree_command)
