"""The ``reader`` command: a thin click layer over ``reader.core``.

``reader [PATH...]`` (no subcommand) imports PATH if given and opens the app.
Each subcommand lives in its own module, registered in ``COMMANDS`` and imported only
when it runs (or when help lists it), so starting one command loads none of the others.
"""

from __future__ import annotations

import importlib

import click

from reader.cli.common import Context, pass_context, show_notices

COMMANDS = {
    "open": "reader.cli.open_command:open_command",
    "import": "reader.cli.corpus_commands:import_command",
    "stats": "reader.cli.corpus_commands:stats_command",
    "export": "reader.cli.export_command:export_command",
    "suggest": "reader.cli.suggest_commands:suggest_command",
    "serve": "reader.cli.suggest_commands:serve_command",
    "merge": "reader.cli.team_commands:merge_command",
    "agree": "reader.cli.team_commands:agree_command",
}


class ReaderGroup(click.Group):
    """Loads subcommands on demand, and runs ``open`` when the first argument is none."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = COMMANDS[name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.list_commands(ctx):
            args = ["open", *args]
        return super().resolve_command(ctx, args)


@click.group(
    cls=ReaderGroup,
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
    show_notices()
    ctx.obj = Context(db_path, config_path, annotator)
    if ctx.invoked_subcommand is None:
        open_command = main.get_command(ctx, "open")
        assert open_command is not None
        ctx.invoke(open_command)


@main.command("config-path")
@pass_context
def config_path_command(obj: Context) -> None:
    """Print where the config file is read from."""
    click.echo(str(obj.config_file))
