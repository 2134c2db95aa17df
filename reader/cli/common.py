"""What every command shares: the context object, opening the store, one-line errors."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

import click

from reader.config import Config, ConfigError, default_config_path, default_db_path, load_config
from reader.core.store import Store, StoreError, database_problem
from reader.core.text import one_line


class _Stderr(logging.Handler):
    """Notices of the core (such as a database being migrated), one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(one_line(record.getMessage()), err=True)


def show_notices() -> None:
    """Send the core's notices to stderr (once, however often a command runs)."""
    logger = logging.getLogger("reader")
    if not any(isinstance(handler, _Stderr) for handler in logger.handlers):
        logger.addHandler(_Stderr(logging.INFO))


@dataclass
class Context:
    db_option: str | None
    config_option: str | None
    annotator_option: str | None

    @property
    def db_file(self) -> Path:
        return Path(self.db_option) if self.db_option else default_db_path()

    @property
    def config_file(self) -> Path:
        return Path(self.config_option) if self.config_option else default_config_path()

    @cached_property
    def config(self) -> Config:
        try:
            return load_config(Path(self.config_option) if self.config_option else None)
        except ConfigError as exc:
            fail(str(exc))

    @property
    def annotator(self) -> str | None:
        return self.annotator_option or self.config.annotator

    def open_store(self, *, create: bool = True) -> Store:
        try:
            return Store(self.db_file, annotator=self.annotator, create=create)
        except StoreError as exc:
            fail(str(exc))


_pass_obj = click.make_pass_decorator(Context)


def pass_context(command: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the Context; a store failure anywhere in the command becomes one line and exit 1."""

    @functools.wraps(command)
    def run(obj: Context, *args: Any, **kwargs: Any) -> Any:
        try:
            return command(obj, *args, **kwargs)
        except StoreError as exc:
            fail(str(exc))
        except sqlite3.DatabaseError as exc:
            fail(str(database_problem(obj.db_file, exc)))

    return _pass_obj(run)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit non-zero."""
    click.echo(f"error: {one_line(message)}", err=True)
    raise SystemExit(code)


def warn(message: str) -> None:
    click.echo(f"warning: {one_line(message)}", err=True)
