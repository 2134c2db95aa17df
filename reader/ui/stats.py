"""A screen of counts: documents by status, annotations by label and by annotator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.config import Config
from reader.core.library_query import LibraryQuery, Stats
from reader.core.store import Store
from reader.core.text import one_line

STATUS_NAMES = {"new": "new", "in_progress": "in progress", "done": "done"}


def _table(title: str, headings: tuple[str, ...], rows: Sequence[tuple[Text, ...]]) -> Table:
    table = Table(title=Text(title, style="bold"), title_justify="left", expand=False)
    for i, heading in enumerate(headings):
        table.add_column(Text(heading), justify="right" if i else "left")
    for row in rows:
        table.add_row(*row)
    return table


def status_table(stats: Stats) -> Table:
    total = stats.documents or 1
    rows = [
        (Text(STATUS_NAMES[s]), Text(f"{n:,}"), Text(f"{100 * n / total:.0f}%"))
        for s, n in stats.by_status.items()
    ]
    rows.append((Text("all", style="bold"), Text(f"{stats.documents:,}"), Text("")))
    return _table("Documents", ("status", "documents", "share"), rows)


def label_table(stats: Stats, config: Config) -> Table:
    names = [label.name for label in config.labels]
    names += [name for name in stats.by_label if name not in names]  # labels no longer in config
    rows = []
    for name in names:
        label = config.label(name)
        style = f"{label.color} {label.style}" if label else "italic"
        rows.append(
            (
                Text(one_line(name), style=style),
                Text(f"{stats.by_label.get(name, 0):,}"),
                Text(f"{stats.documents_by_label.get(name, 0):,}"),
            )
        )
    return _table("Annotations by label", ("label", "annotations", "documents"), rows)


def annotator_table(stats: Stats) -> Table:
    rows = [(Text(one_line(name)), Text(f"{n:,}")) for name, n in stats.by_annotator.items()]
    return _table("Annotations by annotator", ("annotator", "annotations"), rows)


class StatsScreen(Screen[None]):
    """Counts for the whole database; Escape returns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
    ]

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self.stats = LibraryQuery(store.conn).stats()
        self.config = config

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats"):
            yield Static(status_table(self.stats), classes="stats-table")
            yield Static(label_table(self.stats, self.config), classes="stats-table")
            yield Static(annotator_table(self.stats), classes="stats-table")
        yield Footer()
