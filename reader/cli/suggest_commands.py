"""``reader suggest`` (what the cue-phrase rules propose, accept it all, or score the rules)
and ``reader serve`` (the app in a browser through textual-serve)."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from reader.cli.common import Context, fail, pass_context, warn
from reader.config import ConfigError
from reader.core.store import Store, StoreError
from reader.core.suggest import LabelScore, Rule, pending_suggestions, rules_from_config, total
from reader.core.suggest import rule_scores as score_rules
from reader.core.text import counted, one_line

EXCERPT_CHARS = 80
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """One sanitised line of at most ``limit`` characters."""
    line = " ".join(one_line(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _rules(obj: Context) -> tuple[Rule, ...]:
    try:
        return rules_from_config(obj.config)
    except ConfigError as exc:
        fail(str(exc))


def _documents(store: Store, ids: Sequence[int]) -> list[int]:
    for doc_id in ids:
        try:
            store.document(doc_id)
        except StoreError as exc:
            fail(str(exc))
    return list(ids) or store.document_ids()


@click.command("suggest")
@click.option(
    "--doc", "doc_ids", type=int, multiple=True, help="Only this document id (repeatable)."
)
@click.option(
    "--dry-run",
    "mode",
    flag_value="dry-run",
    default=True,
    help="Print what the rules propose (the default): doc, start, end, label, rule, quote.",
)
@click.option(
    "--apply", "mode", flag_value="apply", help="Accept every suggestion (one undo step a doc)."
)
@click.option(
    "--score",
    "mode",
    flag_value="score",
    help="Precision/recall/F1 of the rules against the annotations of annotated documents.",
)
@click.option("--exact", is_flag=True, help="With --score: spans must match exactly, not overlap.")
@click.option(
    "--include-accepted",
    is_flag=True,
    help="With --score: count accepted suggestions as annotations too.",
)
@pass_context
def suggest_command(
    obj: Context, doc_ids: tuple[int, ...], mode: str, exact: bool, include_accepted: bool
) -> None:
    """Suggestions from the cue-phrase rules ([[rules]] in the config, or the defaults).

    Suggestions already annotated with their label, or rejected, are not shown again.
    """
    rules = _rules(obj)
    with obj.open_store(create=False) as store:
        if mode == "score":
            print_scores(score_rules(store, rules, exact=exact, include_accepted=include_accepted))
            return
        shown = documents = 0
        for doc_id in _documents(store, doc_ids):
            suggestions = pending_suggestions(store, doc_id, rules)
            if not suggestions:
                continue
            documents += 1
            shown += len(suggestions)
            if mode == "apply":
                store.accept_suggestions(doc_id, suggestions)
                continue
            text = store.document(doc_id).text
            for s in suggestions:
                quote = excerpt(text[s.start : s.end])
                click.echo(f"{doc_id}\t{s.start}\t{s.end}\t{s.label}\t{s.rule}\t{quote}")
    verb = "accepted" if mode == "apply" else "suggested"
    click.echo(f"{verb}: {shown} in {counted(documents, 'document')}", err=mode != "apply")


def print_scores(scores: dict[str, LabelScore]) -> None:
    if not scores:
        fail("no annotated documents to score the rules against")

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    width = max(len(label) for label in [*scores, "label"])
    click.echo(f"{'label':<{width}}  suggested  correct  precision   gold  found  recall      F1")
    for s in [*scores.values(), total(scores)]:
        click.echo(
            f"{one_line(s.label):<{width}}  {s.suggested:>9}  {s.correct:>7}"
            f"  {number(s.precision):>9}  {s.gold:>5}  {s.found:>5}"
            f"  {number(s.recall):>6}  {number(s.f1):>6}"
        )


def app_command(obj: Context) -> str:
    """The shell command that runs the app on this database and config."""
    args = [sys.executable, "-m", "reader", "--db", str(obj.db_file.resolve())]
    if obj.config_option:
        args += ["--config", str(Path(obj.config_option).resolve())]
    if obj.annotator_option:
        args += ["--annotator", obj.annotator_option]
    return shlex.join(args)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--public-url", help="The URL browsers use, when it is not http://HOST:PORT (a proxy)."
)
@pass_context
def serve_command(obj: Context, host: str, port: int, public_url: str | None) -> None:
    """Serve the app in a web browser (needs the `serve` extra: textual-serve).

    Each browser tab runs its own app on the same database; stop with Ctrl+C. There is no
    login: anyone who can reach the port can read and change the database.
    """
    try:
        from textual_serve.server import Server
    except ImportError:
        fail("reader serve needs textual-serve: pip install 'attribution-reader[serve]'")
    if host not in LOCAL_HOSTS:
        warn(f"serving on {host}: anyone who can reach port {port} can edit the database")
    obj.open_store().close()  # create or migrate the database before any app opens it
    server = Server(app_command(obj), host=host, port=port, title="reader", public_url=public_url)
    server.serve()
