"""Command palette providers: open a document by title, the app's commands, and the commands
of the reading screen.

Titles come from the database as the user types (never a full list in memory) and are shown
as sanitised :class:`Content`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from reader.core.library_query import SORTS, LibraryQuery
from reader.core.store import STATUSES
from reader.core.text import one_line

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp
    from reader.ui.reading_screen import ReadingScreen

TITLE_HITS = 20


def highlighted(matcher: Matcher, text: str) -> Content:
    """``text`` as plain content with the fuzzy match marked (``Matcher.highlight`` parses
    markup, which a title must never be)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class OpenDocument(Provider):
    """Jump to a document: the words typed are searched in titles (the last as a prefix)."""

    async def search(self, query: str) -> Hits:
        app: ReaderApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for doc_id, title in LibraryQuery(app.store.conn).titles(query, TITLE_HITS):
            shown = one_line(title)
            yield Hit(
                max(matcher.match(shown), 0.5),
                highlighted(matcher, shown),
                partial(app.open_document, doc_id),
                text=shown,
                help="Open this document",
            )


Command = tuple[str, str, Callable[[], object]]


class CommandList(Provider):
    """A fixed list of commands (name, help, callback), matched fuzzily by name."""

    def commands(self) -> Iterator[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), callback, text=name, help=help_text)


def show_agreement(app: ReaderApp) -> None:
    from reader.ui.adjudicate import AgreementScreen  # loads the agreement code on first use

    app.push_screen(AgreementScreen(app.store, app.config))


def adjudicate(app: ReaderApp) -> None:
    from reader.ui.adjudicate import AdjudicationScreen

    app.push_screen(AdjudicationScreen(app.store, app.config))


class LibraryCommands(CommandList):
    """Theme, stats, team work, filters, sorts and long work (import, search index, export)."""

    def commands(self) -> Iterator[Command]:
        app: ReaderApp = self.app  # type: ignore[assignment]
        library = app.library
        yield (
            "Toggle light/dark theme",
            "Switch between the reader themes",
            app.action_toggle_theme,
        )
        yield (
            "Show statistics",
            "Documents by status, annotations by label and annotator",
            app.action_show_stats,
        )
        yield (
            "Show annotator agreement",
            "Span F1 and Krippendorff's alpha between the annotators",
            partial(show_agreement, app),
        )
        yield (
            "Adjudicate disagreements",
            "Walk the passages where annotators disagree and build the gold layer",
            partial(adjudicate, app),
        )
        yield (
            "Filter library: all statuses",
            "Show documents of every status",
            partial(library.set_status_filter, None),
        )
        for status in STATUSES:
            name = status.replace("_", " ")
            yield (
                f"Filter library by status: {name}",
                f"Show only {name} documents",
                partial(library.set_status_filter, status),
            )
        yield (
            "Filter library: all labels",
            "Stop filtering by label",
            partial(library.set_label_filter, None),
        )
        for label in app.config.labels:
            name = one_line(label.name)
            yield (
                f"Filter library by label: {name}",
                "Show documents with this label",
                partial(library.set_label_filter, label.name),
            )
        for sort in SORTS:
            yield (
                f"Sort library by {sort}",
                "Change the order of the list",
                partial(library.set_sort, sort),
            )
        yield (
            "Import files or a folder…",
            "Add .txt, .md and .jsonl documents (labelled JSONL with its annotations)",
            app.work.ask_import,
        )
        yield (
            "Rebuild search index",
            "Rebuild the full-text index from the documents",
            app.work.rebuild_index,
        )
        yield ("Export annotations…", "Write the annotations as training data", app.work.ask_export)


class ReadingCommands(CommandList):
    """What the reading screen offers besides its keys."""

    def commands(self) -> Iterator[Command]:
        screen: ReadingScreen = self.screen  # type: ignore[assignment]
        yield (
            "Accept all suggestions in this document",
            "Every pending rule suggestion becomes an annotation, as one step that u undoes",
            screen.action_accept_all_suggestions,
        )
        yield (
            "Hide or show suggestions",
            "Toggle the rule suggestions in the text",
            screen.action_toggle_suggestions,
        )
