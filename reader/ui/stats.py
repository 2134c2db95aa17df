"""A screen of counts: documents by status, annotations by label and by annotator.

The annotation counts are passes over every annotation (seconds at a million): a thread
worker reads them on a connection of its own while the screen shows what it has so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from reader.config import Config
from reader.core.library_query import SharedQuery, Stats
from reader.core.store import Store
from reader.core.text import one_line
from reader.ui.key_bar import KeyBar
from reader.ui.library import worker_query

STATUS_NAMES = {"new": "new", "in_progress": "in progress", "done": "done"}
COUNTING = "counting annotations…"


def _table(title: str, headings: tuple[str, ...], rows: Sequence[tuple[Text, ...]]) -> Table:
    table = Table(title=Text(title, style="bold"), title_justify="left", expand=False)
    for i, heading in enumerate(headings):
        table.add_column(Text(heading), justify="right" if i else "left")
    for row in rows:
        table.add_row(*row)
    return table


def status_table(by_status: dict[str, int]) -> Table:
    documents = sum(by_status.values())
    total = documents or 1
    rows = [
        (Text(STATUS_NAMES[s]), Text(f"{n:,}"), Text(f"{100 * n / total:.0f}%"))
        for s, n in by_status.items()
    ]
    rows.append((Text("all", style="bold"), Text(f"{documents:,}"), Text("")))
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
    """Counts for the whole database, counted by a worker; Escape returns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
    ]

    class Counted(Message, bubble=False):
        """Documents per status (first), then everything (``stats``)."""

        def __init__(
            self, *, by_status: dict[str, int] | None = None, stats: Stats | None = None
        ) -> None:
            super().__init__()
            self.by_status, self.stats = by_status, stats

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self.config = config
        self.counts = SharedQuery(store.path, immutable=store.read_only)
        self.stats: Stats | None = None  # None until counted

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats"):
            yield Static(Text("counting documents…"), id="stats-documents", classes="stats-table")
            yield Static(Text(COUNTING), id="stats-labels", classes="stats-table")
            yield Static(id="stats-annotators", classes="stats-table")
        yield KeyBar(id="stats-keys")

    def on_mount(self) -> None:
        self.run_worker(self._count, thread=True, group="stats")

    def on_unmount(self) -> None:
        self.counts.close()  # a count still running stops

    def _count(self) -> None:
        with worker_query(self.counts, lambda: False) as query:
            self.post_message(self.Counted(by_status=query.status_counts()))
            self.post_message(self.Counted(stats=query.stats()))

    @on(Counted)
    def _show(self, message: Counted) -> None:
        if message.stats is not None:
            self.stats = stats = message.stats
            self.query_one("#stats-labels", Static).update(label_table(stats, self.config))
            self.query_one("#stats-annotators", Static).update(annotator_table(stats))
        by_status = message.stats.by_status if message.stats else message.by_status
        if by_status is not None:
            self.query_one("#stats-documents", Static).update(status_table(by_status))
