"""The library: a virtual list of documents paged from SQLite, with search, filters and sorts.

:class:`DocumentList` is a Line-API widget: it knows how many rows the view has and asks
:class:`~reader.core.library_query.LibraryQuery` for pages of them as lines are drawn,
continuing from the key of a neighbouring page it already holds, so scrolling costs the same
at row 10 and at row 99,990. Searches, label filters, snippets and the header's label counts
are read by thread workers on connections of their own, so the screen never waits for them.
Only titles and numbers reach the screen, always sanitised and as styled segments, never as
markup.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.events import Click, Key, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Input, Label, ProgressBar, Static

from reader.config import Config
from reader.core.library_query import (
    PAGE_SIZE,
    SORTS,
    LibraryQuery,
    OpenedView,
    SharedQuery,
    View,
    snippet_parts,
)
from reader.core.store import STATUSES, DocumentRow, Store
from reader.core.text import one_line
from reader.ui.key_bar import KeyBar
from reader.ui.steady_scroll import SteadyScrollView

CACHED_PAGES = 32
DRAWN_LINES = 512  # rows' lines kept drawn
SEARCH_DELAY = 0.2  # seconds of quiet typing before the search runs

STATUS_TEXT = {"new": "○ new", "in_progress": "◐ in progress", "done": "● done"}
SORT_TEXT = {"id": "import order", "title": "title", "date": "date", "annotations": "annotations"}
# Column widths in cells (the title takes the rest); one space between columns.
CHARS_WIDTH, NOTES_WIDTH, STATUS_WIDTH = 9, 5, 13
MIN_TITLE_WIDTH = 8
# A row's cells besides its title: a space before it and one after each column but the last.
ROW_CELLS = 1 + 1 + CHARS_WIDTH + 1 + NOTES_WIDTH + 1 + STATUS_WIDTH


def fit(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if text.isascii() and text.isprintable():  # one cell per character
        return text[: width - 1] + "…" if len(text) > width else text.ljust(width)
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def right(text: str, width: int) -> str:
    """``text`` (ASCII: numbers) aligned right in ``width`` cells, cut as :func:`fit` cuts."""
    return text.rjust(width) if len(text) <= width else fit(text, width)


NeighbourFn = Callable[[int, int], "int | None"]
ReadingScreenFactory = Callable[[Store, int, Config, NeighbourFn], Screen[object]]


def reading_screen(store: Store, doc_id: int, config: Config, neighbour: NeighbourFn) -> Screen:
    from reader.ui.reading_screen import ReadingScreen  # loads the reading view on first use

    return ReadingScreen(store, doc_id, config, neighbour=neighbour)


@contextmanager
def worker_query(shared: SharedQuery, stale: Callable[[], bool]) -> Iterator[LibraryQuery]:
    """The shared query for a thread worker, its statements stopped once ``stale()`` (a newer
    request came); stopped so, or by the screen closing, the worker ends quietly.

    Stale work is stopped inside SQLite rather than by cancelling the worker: a cancelled
    thread worker runs on all the same, and waiting for it raises ``WorkerCancelled``."""
    try:
        with shared.use(stop=stale) as query:
            yield query
    except sqlite3.Error:
        if not (stale() or shared.closed):
            raise


def post_unless_stale(target: MessagePump, message: Message, stale: Callable[[], bool]) -> None:
    if not stale():
        target.post_message(message)


def read_in_worker(view: View) -> bool:
    """A search, or a label filter (both read seconds of index or annotations at 1M)."""
    return bool(view.query.strip() or view.label)


class WorkerConnections:
    """The read-only connections of the library's thread workers: searches (their matches
    kept for the pages read next), snippets (seconds for a long document: never in a
    search's way), and the header's label counts."""

    def __init__(self, store: Store) -> None:
        self.search, self.snippets, self.counts = (
            SharedQuery(store.path, immutable=store.read_only) for _ in range(3)
        )

    def close(self) -> None:
        for shared in (self.search, self.snippets, self.counts):
            shared.close()


class DocumentList(SteadyScrollView, can_focus=True):
    """All documents of a view, one line each (two while searching: the matching passage).

    Views without a search or a label filter are read on the app's connection as lines are
    drawn. The others are read by thread workers on a connection of their own, which keeps
    the matching documents for the pages read after: until the first page is ready the list
    shows the rows it had (keys pressed meanwhile act on the new rows when they come), and
    each page's snippets follow its rows.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="library.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="library.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="library.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="library.page_up"),
        Binding("home,g", "first", "First", show=False, id="library.first"),
        Binding("end,G", "last", "Last", show=False, id="library.last"),
        Binding("enter", "open", "Open", id="library.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-list--header",
        "document-list--cursor",
        "document-list--number",
        "document-list--snippet",
        "document-list--match",
        "document-list--new",
        "document-list--in_progress",
        "document-list--done",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Opened(Message):
        """The user chose a document."""

        def __init__(self, doc_id: int) -> None:
            super().__init__()
            self.doc_id = doc_id

    class Changed(Message):
        """The view or its row count changed, or a search started."""

    class _Read(Message, bubble=False):
        """A worker's result: a view opened, a page, or a page's snippets."""

        def __init__(
            self,
            epoch: int,
            *,
            opened: OpenedView | None = None,
            page: tuple[int, list[DocumentRow]] | None = None,
            snippets: tuple[int, dict[int, str]] | None = None,
        ) -> None:
            super().__init__()
            self.epoch, self.opened, self.page, self.snippets = epoch, opened, page, snippets

    def __init__(
        self,
        library: LibraryQuery,
        connections: WorkerConnections,
        view: View | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.library = library
        self.connections = connections
        self.view = view or View()  # what was asked for last
        self.shown = self.view  # what the rows are of (a search may still be reading)
        self.searching = False
        self.row_count = 0
        self._pages: OrderedDict[int, list[DocumentRow]] = OrderedDict()
        self._reading: set[int] = set()  # pages of a search asked of a worker
        self._epoch = 0  # counts reloads: a worker's result for an earlier one is dropped
        self._after_read: list[Callable[[], None]] = []  # keys pressed while searching
        self._styles: dict[tuple[str | None, bool], Style] = {}
        # Drawn rows by (index, line of the row, under the cursor, width): a scroll by one
        # line draws one new row.
        self._lines: LRUCache[tuple[int, int, bool, int], Strip] = LRUCache(DRAWN_LINES)
        self._width: int | None = None  # the rows' width while a frame is drawn

    # -- data ----------------------------------------------------------------------

    @property
    def row_height(self) -> int:
        return 2 if self.shown.query.strip() else 1

    def set_view(self, view: View, keep: int | None = None, *, top: bool = False) -> None:
        """Show ``view``, with the cursor on document ``keep`` if it is in it, else on the
        first row (``top``) or where it was."""
        self.view = view
        self.reload(keep=keep, top=top)

    def reload(self, keep: int | None = None, *, top: bool = False, changed: bool = False) -> None:
        """Read the view again, with the cursor on ``keep`` if it is in it; ``changed``:
        documents were added or replaced, so a search must match again."""
        self._epoch += 1  # the workers of earlier reloads stop
        self._after_read.clear()
        cursor = 0 if top else self.cursor
        if not read_in_worker(self.view):
            self.searching = False
            self._show(self.library.open(self.view, keep, cursor))
            return
        self.searching = True
        work = partial(self._open_search, self._epoch, self.view, keep, cursor, changed)
        self.run_worker(work, thread=True, group="search")
        self.post_message(self.Changed())

    def show(self, doc_id: int) -> None:
        """Put the cursor on a document when the view holds it (at once if its row is read)."""
        for number, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.id == doc_id:
                    self.move_to(number * PAGE_SIZE + offset)
                    return
        self.reload(keep=doc_id)

    def _show(self, opened: OpenedView) -> None:
        self.shown, self.row_count = opened.view, opened.count
        self._pages = OrderedDict(opened.pages)
        self._reading.clear()
        self._forget_drawing()
        self._resize_virtual()
        self.cursor = opened.cursor
        self.refresh()
        self.call_after_refresh(self._read_ahead)
        self.post_message(self.Changed())

    @property
    def last_index(self) -> int:
        return max(0, self.row_count - 1)

    def row(self, index: int) -> DocumentRow | None:
        """The row at ``index``, or None (also while a search's worker reads its page)."""
        if not 0 <= index < self.row_count:
            return None
        number, offset = divmod(index, PAGE_SIZE)
        page = self._page(number)
        return page[offset] if page is not None and offset < len(page) else None

    @property
    def current(self) -> DocumentRow | None:
        return self.row(self.cursor)

    def _page(self, number: int) -> list[DocumentRow] | None:
        if number in self._pages:
            self._pages.move_to_end(number)
            return self._pages[number]
        read = partial(
            LibraryQuery.read_page,
            view=self.shown,
            count=self.row_count,
            number=number,
            before=self._pages.get(number - 1),
            after=self._pages.get(number + 1),
        )
        if read_in_worker(self.shown):
            if number not in self._reading:
                self._reading.add(number)
                work = partial(self._read_search_page, self._epoch, number, read)
                self.run_worker(work, thread=True, group="search")
            return None
        rows = read(self.library)
        self._keep(number, rows)
        return rows

    def _keep(self, number: int, rows: list[DocumentRow]) -> None:
        self._pages[number] = rows
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)

    # -- search workers (threads) ----------------------------------------------------

    def _stale(self, epoch: int) -> Callable[[], bool]:
        """Whether the list was reloaded since ``epoch`` (asked from worker threads)."""
        return lambda: epoch != self._epoch

    def _open_search(
        self, epoch: int, view: View, keep: int | None, cursor: int, changed: bool
    ) -> None:
        stale = self._stale(epoch)
        with worker_query(self.connections.search, stale) as query:
            if changed:
                query.forget_search()
            opened = query.open(view, keep, cursor)
            post_unless_stale(self, self._Read(epoch, opened=opened), stale)

    def _read_search_page(
        self, epoch: int, number: int, read: Callable[[LibraryQuery], list[DocumentRow]]
    ) -> None:
        stale = self._stale(epoch)
        with worker_query(self.connections.search, stale) as query:
            post_unless_stale(self, self._Read(epoch, page=(number, read(query))), stale)

    def _read_snippets(self, epoch: int, text: str, number: int, rows: list[DocumentRow]) -> None:
        """The snippets of a page's rows."""
        stale = self._stale(epoch)
        with worker_query(self.connections.snippets, stale) as query:
            found = query.snippets(text, [r.id for r in rows])
            post_unless_stale(self, self._Read(epoch, snippets=(number, found)), stale)

    def _snippets_later(self, number: int, rows: list[DocumentRow]) -> None:
        if self.shown.query.strip():
            work = partial(self._read_snippets, self._epoch, self.shown.query, number, rows)
            self.run_worker(work, thread=True, group="search")

    @on(_Read)
    def _take(self, message: _Read) -> None:
        if message.epoch != self._epoch:
            return  # read for a view or state of the documents since replaced
        if message.opened is not None:
            self.searching = False
            self._show(message.opened)
            for number, rows in message.opened.pages.items():
                self._snippets_later(number, rows)
            actions, self._after_read = self._after_read, []
            for action in actions:
                action()
        elif message.page is not None:
            number, rows = message.page
            self._reading.discard(number)
            self._keep(number, rows)
            self._snippets_later(number, rows)
            self._forget_drawing()
            self.refresh()
        elif message.snippets is not None:
            number, found = message.snippets
            if (page := self._pages.get(number)) is not None:
                self._pages[number] = [replace(r, snippet=found.get(r.id)) for r in page]
                self._forget_drawing()
                self.refresh()

    # -- geometry ------------------------------------------------------------------

    def _resize_virtual(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, self.row_count * self.row_height + 1)

    def on_resize(self, event: Resize) -> None:
        self._resize_virtual()
        self._scroll_to_cursor()

    @property
    def visible_rows(self) -> int:
        return max(1, (self.scrollable_content_region.height - 1) // self.row_height)

    def _scroll_to_cursor(self) -> None:
        height = self.row_height
        top = self.cursor * height
        lines = self.scrollable_content_region.height - 1  # below the column headings
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + height > self.scroll_y + lines:
            self.scroll_to(y=top + height - lines, animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.call_after_refresh(self._read_ahead)

    def _read_ahead(self) -> None:
        """Read the pages a page key would show next, once the frame is painted (so that
        no key waits for them)."""
        if read_in_worker(self.shown):
            return  # read by workers, as shown
        top = int(self.scroll_y) // self.row_height
        for index in (top - self.visible_rows, top + 2 * self.visible_rows, self.last_index):
            if 0 <= index < self.row_count:
                self._page(index // PAGE_SIZE)

    def watch_cursor(self, old: int, new: int) -> None:
        scrolled_from = self.scroll_y
        self._scroll_to_cursor()
        if self.scroll_y == scrolled_from:  # only the two rows change (a scroll repaints all)
            for index in {old, new}:
                # Virtual line 0 is the column headings' line; rows follow it.
                self.refresh_lines(1 + index * self.row_height, self.row_height)

    def on_focus(self) -> None:
        self._forget_drawing(styles=True)
        self.refresh()

    def on_blur(self) -> None:
        self._forget_drawing(styles=True)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_drawing(styles=True)

    # -- actions -------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        self.cursor = max(0, min(index, self.last_index))

    def _on_rows(self, action: Callable[[], None]) -> None:
        """Do a key's action, or while a search is being read, on its rows when they come."""
        if self.searching:
            self._after_read.append(action)
        else:
            action()

    def action_cursor_down(self) -> None:
        self._on_rows(lambda: self.move_to(self.cursor + 1))

    def action_cursor_up(self) -> None:
        self._on_rows(lambda: self.move_to(self.cursor - 1))

    def action_page_down(self) -> None:
        self._on_rows(lambda: self.move_to(self.cursor + self.visible_rows))

    def action_page_up(self) -> None:
        self._on_rows(lambda: self.move_to(self.cursor - self.visible_rows))

    def action_first(self) -> None:
        self._on_rows(lambda: self.move_to(0))

    def action_last(self) -> None:
        self._on_rows(lambda: self.move_to(self.last_index))

    def action_open(self) -> None:
        self._on_rows(self._open_current)

    def _open_current(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row.id))

    def on_click(self, event: Click) -> None:
        """A click selects a row; a double click opens it."""
        if event.y < 1:
            return
        index = (int(self.scroll_y) + event.y - 1) // self.row_height
        if index < self.row_count:
            self.move_to(index)
            if event.chain == 2:
                self._open_current()

    # -- drawing -------------------------------------------------------------------

    def _columns(self, width: int) -> int:
        """The title column's width."""
        return max(MIN_TITLE_WIDTH, width - 1 - ROW_CELLS)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._width = self.scrollable_content_region.width  # looked up once per frame
        try:
            return super().render_lines(crop)
        finally:
            self._width = None

    def render_line(self, y: int) -> Strip:
        width = self._width if self._width is not None else self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        line = int(self.scroll_y) + y - 1
        index, part = divmod(line, self.row_height)
        cursor = index == self.cursor
        key = (index, part, cursor, width)
        if (strip := self._lines.get(key)) is not None:
            return strip
        row = self.row(index) if index < self.row_count else None
        style = partial(self._style, cursor=cursor)
        if row is None:  # past the end, or still being read: not kept
            return Strip.blank(width, style(None) if index < self.row_count else self.rich_style)
        if part == 0:
            strip = self._row_strip(row, width, style)
        else:
            strip = Strip(self._snippet_segments(row, style))
            strip = strip.crop(0, width).extend_cell_length(width, style(None))
        self._lines[key] = strip
        return strip

    def _forget_drawing(self, *, styles: bool = False) -> None:
        """Drop the drawn lines (the rows changed), and with ``styles`` the resolved styles
        (the styles changed)."""
        self._lines.clear()
        if styles:
            self._styles.clear()

    def _style(self, component: str | None, cursor: bool) -> Style:
        """A component's style (resolved against the list's background), on the cursor row
        under the cursor's colours; resolved once until the styles change."""
        style = self._styles.get((component, cursor))
        if style is None:
            style = self.get_component_rich_style(component) if component else self.rich_style
            if cursor:
                style += self.get_component_rich_style("document-list--cursor")
            self._styles[component, cursor] = style
        return style

    def _header(self, width: int) -> Strip:
        style = self._style("document-list--header", cursor=False)
        text = " ".join(
            [
                "",
                fit("Title", self._columns(width)),
                right("Chars", CHARS_WIDTH),
                right("Notes", NOTES_WIDTH),
                fit("Status", STATUS_WIDTH),
            ]
        )
        return Strip([Segment(text, style)]).crop(0, width).extend_cell_length(width, style)

    def _row_strip(
        self, row: DocumentRow, width: int, style: Callable[[str | None], Style]
    ) -> Strip:
        """A row's line, its columns of known widths built to exactly ``width`` cells."""
        number, plain = style("document-list--number"), style(None)
        status = STATUS_TEXT.get(row.status, one_line(row.status))
        title = self._columns(width)
        segments = [
            Segment(" " + fit(one_line(row.title), title) + " ", plain),
            Segment(right(f"{row.chars:,}", CHARS_WIDTH) + " ", number),
            Segment(right(f"{row.annotation_count:,}", NOTES_WIDTH) + " ", number),
            Segment(fit(status, STATUS_WIDTH), style(f"document-list--{row.status}")),
        ]
        used = title + ROW_CELLS
        if used > width:  # narrower than the narrowest title column
            return Strip(segments, used).crop(0, width)
        segments.append(Segment(" " * (width - used), plain))
        return Strip(segments, width)

    def _snippet_segments(
        self, row: DocumentRow, style: Callable[[str | None], Style]
    ) -> list[Segment]:
        plain, match = style("document-list--snippet"), style("document-list--match")
        segments = [Segment("   ", plain)]
        for text, is_match in snippet_parts(row.snippet or ""):
            segments.append(Segment(text, match if is_match else plain))
        return segments


class TaskPanel(Static):
    """What long work is doing: a name and a progress bar, shown only while it runs (and
    made when it first runs)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.display = False
        self._parts: tuple[Label, ProgressBar] | None = None

    def start(self, name: str, total: float | None) -> None:
        if self._parts is None:
            self._parts = (
                Label(id="task-name", markup=False),
                ProgressBar(id="task-progress", show_eta=False),
            )
            self.mount(*self._parts)
        label, bar = self._parts
        label.update(Content(one_line(name)))
        bar.update(total=total, progress=0)
        self.display = True

    def advance(self, done: float, total: float | None) -> None:
        if self._parts is not None:
            self._parts[1].update(total=total, progress=done)

    def finish(self) -> None:
        self.display = False


class LibraryScreen(Screen[None]):
    """The document list with its search box, filters, counts and progress."""

    AUTO_FOCUS = "DocumentList"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="library.search"),
        Binding("f", "cycle_status", "Status", id="library.status_filter"),
        Binding("l", "cycle_label", "Label", id="library.label_filter"),
        Binding("o", "cycle_sort", "Sort", id="library.sort"),
        Binding("r", "reverse", "Reverse", show=False, id="library.reverse"),
        Binding("escape", "clear_search", "Clear search", show=False, id="library.clear"),
    ]

    class Counted(Message, bubble=False):
        """Documents per status or live annotations per label, counted by a worker."""

        def __init__(
            self, *, by_status: dict[str, int] | None = None, by_label: dict[str, int] | None = None
        ) -> None:
            super().__init__()
            self.by_status, self.by_label = by_status, by_label

    def __init__(self, store: Store, config: Config, *, factory: ReadingScreenFactory) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.library = LibraryQuery(store.conn)
        self.connections = WorkerConnections(store)
        self.factory = factory
        self._search_timer: Timer | None = None
        self._reading: Screen[object] | None = None
        self._opened: int | None = None
        self._by_status: dict[str, int] | None = None  # None until first counted
        self._by_label: dict[str, int] | None = None
        self._countings = 0

    def compose(self) -> ComposeResult:
        yield Static(id="summary", markup=False)
        yield Input(placeholder="Search titles and text  ( / )", id="search")
        yield Static(id="view-line", markup=False)
        yield DocumentList(self.library, self.connections, id="documents")
        yield TaskPanel(id="task")
        yield KeyBar(id="library-keys")

    @property
    def documents(self) -> DocumentList:
        return self.query_one(DocumentList)

    def on_mount(self) -> None:
        self.documents.reload()
        self._draw_summary()
        self.call_after_refresh(self._start_counting, statuses=True)

    def on_unmount(self) -> None:
        self.connections.close()

    def on_screen_resume(self) -> None:
        if self._reading is not None:
            shown = getattr(self._reading, "doc_id", self._opened)
            self._reading = None
            self.refresh_documents(keep=shown if isinstance(shown, int) else self._opened)

    def refresh_documents(self, keep: int | None = None) -> None:
        """Read counts and rows again (after reading, tagging or importing)."""
        self.library.forget_search()
        if keep is None and (current := self.documents.current) is not None:
            keep = current.id
        self.documents.reload(keep=keep, changed=True)
        self.update_summary()

    # -- header lines --------------------------------------------------------------

    def update_summary(self) -> None:
        """Status counts now (read from an index); label counts (a pass over every
        annotation) by a worker started once the screen is painted, so that it never slows
        a paint; until they come the last ones counted stay. When the screen opens, the
        status counts come from the worker too, first."""
        self._by_status = self.library.status_counts()
        self._draw_summary()
        self.call_after_refresh(self._start_counting, statuses=False)

    def _start_counting(self, *, statuses: bool) -> None:
        self._countings += 1  # a count still running for an earlier call stops
        counting = self._countings
        stale = lambda: counting != self._countings  # noqa: E731
        self.run_worker(partial(self._count, stale, statuses), thread=True, group="summary")

    def _count(self, stale: Callable[[], bool], statuses: bool) -> None:
        with worker_query(self.connections.counts, stale) as query:
            if statuses:
                post_unless_stale(self, self.Counted(by_status=query.status_counts()), stale)
            post_unless_stale(self, self.Counted(by_label=query.label_counts()), stale)

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        if message.by_status is not None:
            self._by_status = message.by_status
        if message.by_label is not None:
            self._by_label = message.by_label
        self._draw_summary()

    def _draw_summary(self) -> None:
        parts: list[str | tuple[str, str]]
        if (by_status := self._by_status) is None:
            parts = [("done …", "bold"), " · in progress … │"]
        else:
            done, total = by_status["done"], sum(by_status.values())
            share = f" ({100 * done / total:.0f}%)" if total else ""
            parts = [
                (f"done {done:,}/{total:,}{share}", "bold"),
                f" · in progress {by_status['in_progress']:,} │",
            ]
        counted = self._by_label
        for label in self.config.labels:
            parts.append(" ")
            parts.append((one_line(label.name), f"{label.color} {label.style}"))
            parts.append(f" {counted.get(label.name, 0):,}" if counted is not None else " …")
        # One line, its size set by the stylesheet: repainted, never laid out again.
        self.query_one("#summary", Static).update(Content.assemble(*parts), layout=False)

    @on(DocumentList.Changed)
    def update_view_line(self) -> None:
        documents = self.documents
        view = documents.shown
        arrow = "↓" if view.descending else "↑"
        status = STATUS_TEXT[view.status] if view.status else "all"
        label = one_line(view.label) if view.label else "all"
        search = f"  ·  search “{one_line(view.query.strip())}”" if view.query.strip() else ""
        reading = "  ·  searching …" if documents.searching else ""
        text = (
            f"{documents.row_count:,} shown  ·  sort: {SORT_TEXT[view.sort]} {arrow}"
            f"  ·  status: {status}  ·  label: {label}{search}{reading}"
        )
        self.query_one("#view-line", Static).update(Content(text), layout=False)

    # -- opening -------------------------------------------------------------------

    @on(DocumentList.Opened)
    def open_from_list(self, event: DocumentList.Opened) -> None:
        self.open_document(event.doc_id)

    def open_document(self, doc_id: int) -> None:
        def neighbour(current: int, step: int) -> int | None:
            return self.library.neighbour(self.documents.view, current, step)

        self._opened = doc_id
        self._reading = self.factory(self.store, doc_id, self.config, neighbour)
        self.app.push_screen(self._reading)

    def show_document(self, doc_id: int) -> None:
        """Put the cursor on a document when the view holds it."""
        self.documents.show(doc_id)

    # -- search, filters, sorts ----------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def search_later(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.search(event.value))

    def search(self, text: str) -> None:
        self._search_timer = None
        if text != self.documents.view.query:
            self.change_view(replace(self.documents.view, query=text), keep_cursor=False)

    @on(Input.Submitted, "#search")
    def leave_search(self) -> None:
        """Run the search at once and move to its results."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self.search(self.query_one("#search", Input).value)
        self.documents.focus()

    def on_key(self, event: Key) -> None:
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.leave_search()

    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        if box.value:
            box.value = ""
            self.search("")
        self.documents.focus()

    def change_view(self, view: View, *, keep_cursor: bool = True) -> None:
        current = self.documents.current if keep_cursor else None
        self.documents.set_view(view, keep=current.id if current else None, top=not keep_cursor)

    def set_status_filter(self, status: str | None) -> None:
        self.change_view(replace(self.documents.view, status=status))  # type: ignore[arg-type]

    def set_label_filter(self, label: str | None) -> None:
        self.change_view(replace(self.documents.view, label=label))

    def set_sort(self, sort: str, *, descending: bool | None = None) -> None:
        view = self.documents.view.sorted_by(sort)  # type: ignore[arg-type]
        if descending is not None:
            view = replace(view, descending=descending)
        self.change_view(view)

    def action_cycle_status(self) -> None:
        choices: list[str | None] = [None, *STATUSES]
        now = choices.index(self.documents.view.status)
        self.set_status_filter(choices[(now + 1) % len(choices)])

    def action_cycle_label(self) -> None:
        choices: list[str | None] = [None, *(label.name for label in self.config.labels)]
        current = self.documents.view.label
        now = choices.index(current) if current in choices else 0
        self.set_label_filter(choices[(now + 1) % len(choices)])

    def action_cycle_sort(self) -> None:
        now = SORTS.index(self.documents.view.sort)
        self.set_sort(SORTS[(now + 1) % len(SORTS)])

    def action_reverse(self) -> None:
        view = self.documents.view
        self.change_view(replace(view, descending=not view.descending))

    # -- long work -----------------------------------------------------------------

    @property
    def task_panel(self) -> TaskPanel:
        return self.query_one(TaskPanel)
