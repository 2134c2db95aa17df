"""The reading screen's list of the document's annotations: orphans first, then by position.

A Line-API list. The annotations are kept sorted in memory and changed in place after a
write; only the visible rows are rendered, so a write costs the same with ten annotations or
ten thousand.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.config import Label
from reader.core.store import Annotation
from reader.core.text import one_line
from reader.ui.dialogs import excerpt
from reader.ui.document_view import label_style
from reader.ui.steady_scroll import SteadyScrollView

ROW_HEIGHT = 2  # the label, then the passage
QUOTE_CHARS = 34
_BOLD = Style(bold=True)
_UNKNOWN_LABEL = Style(reverse=True)
_SHOWN, _ORPHANED, _HIDDEN = Style(), Style(dim=True, italic=True), Style(dim=True, strike=True)

Order = tuple[bool, int, int, str, str]


class Entry(NamedTuple):
    """An annotation as the panel lists it."""

    annotation: Annotation
    shown: str | None  # its passage as the view shows it; None when the view shows none

    @property
    def order(self) -> Order:
        """Orphans first (they wait to be placed), then by position."""
        a = self.annotation
        return (not a.orphaned, a.start, a.end, a.created_at, a.id)

    @property
    def disabled(self) -> bool:
        """Placed, but nothing of it is shown (e.g. only Markdown markup): nothing to jump to."""
        return self.shown is None and not self.annotation.orphaned


def _order(entry: Entry) -> Order:
    return entry.order


class _Look(NamedTuple):
    """The panel's styles as the CSS gives them: plain rows, the cursor's, a disabled row's."""

    plain: Style
    cursor: Style
    disabled: Style


class AnnotationPanel(SteadyScrollView, can_focus=True):
    """Two lines per annotation: its label (with a note marker), then an excerpt of its passage.

    Enter (or a click) posts :class:`Picked`; :meth:`show` moves the cursor without it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor(1)", "Down", show=False, id="panel.down"),
        Binding("up", "cursor(-1)", "Up", show=False, id="panel.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="panel.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="panel.page_up"),
        Binding("home", "end(-1)", "First", show=False, id="panel.first"),
        Binding("end", "end(1)", "Last", show=False, id="panel.last"),
        Binding("enter", "pick", "Jump", show=False, id="panel.pick"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "annotation-panel--cursor",
        "annotation-panel--disabled",
    }

    class Picked(Message):
        """The user chose an annotation."""

        def __init__(self, ann_id: str) -> None:
            super().__init__()
            self.ann_id = ann_id

    def __init__(self, labels: Sequence[Label], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._label_styles = {label.name: label_style(label) for label in labels}
        self._entries: list[Entry] = []  # sorted by Entry.order
        self._by_id: dict[str, Entry] = {}
        self.cursor = 0
        self._look_cache: _Look | None = None  # computed on first use after each style change
        # Painted lines by (entry, line of the entry, style, width): rows that only moved are
        # not painted again.
        self._lines: LRUCache[tuple[Entry, int, Style, int], Strip] = LRUCache(512)

    # -- content ----------------------------------------------------------------------

    def load(self, entries: Iterable[Entry]) -> None:
        self._entries = sorted(entries, key=_order)
        self._by_id = {entry.annotation.id: entry for entry in self._entries}
        self.cursor = 0
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def put(self, entry: Entry) -> None:
        """List a new annotation, or show the new state of a listed one."""
        ann_id = entry.annotation.id
        old = self._by_id.get(ann_id)
        if old is not None and old.order == entry.order:
            index = self._index(old)
            self._entries[index] = self._by_id[ann_id] = entry
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)
            return
        self.drop(ann_id)
        index = bisect_left(self._entries, entry.order, key=_order)
        self._entries.insert(index, entry)
        self._by_id[ann_id] = entry
        if index <= self.cursor and len(self._entries) > 1:
            self.cursor += 1  # the cursor stays on its annotation
        self._rows_moved(index)

    def drop(self, ann_id: str) -> None:
        old = self._by_id.pop(ann_id, None)
        if old is None:
            return
        index = self._index(old)
        del self._entries[index]
        if index < self.cursor:
            self.cursor -= 1
        self.cursor = min(self.cursor, max(0, len(self._entries) - 1))
        self._rows_moved(index)

    def _index(self, entry: Entry) -> int:
        return bisect_left(self._entries, entry.order, key=_order)

    @property
    def entries(self) -> list[Entry]:
        return list(self._entries)

    @property
    def current(self) -> Entry | None:
        return self._entries[self.cursor] if self._entries else None

    # -- cursor -----------------------------------------------------------------------

    def show(self, ann_id: str) -> None:
        """Put the cursor on an annotation (scrolling to it), without picking it."""
        entry = self._by_id.get(ann_id)
        if entry is not None:
            self._move(self._index(entry))

    def _move(self, index: int) -> None:
        old, self.cursor = self.cursor, index
        if old != index:
            self.refresh_lines(old * ROW_HEIGHT, ROW_HEIGHT)
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)
        top, height = index * ROW_HEIGHT, self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif height and top + ROW_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False, immediate=True)

    def _enabled_from(self, index: int, step: int) -> int | None:
        """The first row from ``index`` on, going by ``step``, that can take the cursor."""
        while 0 <= index < len(self._entries):
            if not self._entries[index].disabled:
                return index
            index += step
        return None

    def _move_toward(self, index: int, step: int) -> None:
        index = min(max(index, 0), len(self._entries) - 1)
        target = self._enabled_from(index, step)
        if target is None:
            target = self._enabled_from(index, -step)
        if target is not None:
            self._move(target)

    def action_cursor(self, step: int) -> None:
        target = self._enabled_from(self.cursor + step, step)
        if target is not None:
            self._move(target)

    def action_page(self, step: int) -> None:
        rows = max(1, self.scrollable_content_region.height // ROW_HEIGHT)
        self._move_toward(self.cursor + step * rows, step)

    def action_end(self, step: int) -> None:
        self._move_toward(len(self._entries) if step > 0 else 0, -step)

    def action_pick(self) -> None:
        entry = self.current
        if entry is not None and not entry.disabled:
            self.post_message(self.Picked(entry.annotation.id))

    def on_click(self, event: events.Click) -> None:
        index = (int(self.scroll_y) + event.y) // ROW_HEIGHT
        if index < len(self._entries) and not self._entries[index].disabled:
            self._move(index)
            self.action_pick()

    # -- drawing ----------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    def _resize(self) -> None:
        """Fit the scrollable height to the rows. Assigning ``virtual_size`` lays out the whole
        screen (10-15 ms); a write needs that only when the scrollbar comes or goes."""
        size = Size(self.scrollable_content_region.width, len(self._entries) * ROW_HEIGHT)
        overflows = size.height > self.container_size.height
        if size.width != self.virtual_size.width or overflows != self.show_vertical_scrollbar:
            self.virtual_size = size
            return
        self.set_reactive(AnnotationPanel.virtual_size, size)
        if overflows:
            self.set_scrollbar(virtual=size.height)
        self.scroll_y = min(self.scroll_y, self.max_scroll_y)

    def _rows_moved(self, index: int) -> None:
        """Rows from ``index`` on show other annotations: repaint those in view."""
        self._resize()
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        first = max(index * ROW_HEIGHT, top)
        if first < top + height:
            self.refresh_lines(first, top + height - first)

    def notify_style_update(self) -> None:
        """New CSS (a theme, focus gained or lost): every line is painted again."""
        super().notify_style_update()
        self._look_cache = None
        self._lines.clear()

    def _look(self) -> _Look:
        if self._look_cache is None:
            plain = self.rich_style
            self._look_cache = _Look(
                plain=plain,
                cursor=plain + self.get_component_rich_style("annotation-panel--cursor"),
                disabled=plain + self.get_component_rich_style("annotation-panel--disabled"),
            )
        return self._look_cache

    def render_line(self, y: int) -> Strip:
        width = self.size.width  # under the scrollbar too: Textual takes the line as it is
        index, part = divmod(int(self.scroll_y) + y, ROW_HEIGHT)
        look = self._look()
        if index >= len(self._entries):
            return Strip.blank(width, look.plain)
        entry = self._entries[index]
        base = look.disabled if entry.disabled else look.plain
        if index == self.cursor:
            base = look.cursor
        key = (entry, part, base, width)
        strip = self._lines.get(key)
        if strip is None:
            segments = self._label_line(entry) if part == 0 else self._quote_line(entry)
            strip = Strip(Segment.apply_style(segments, base)).crop_extend(0, width, base)
            strip = strip.simplify()  # fewer segments: less for Textual to do with each paint
            self._lines[key] = strip
        return strip

    def _label_line(self, entry: Entry) -> list[Segment]:
        annotation = entry.annotation
        square = self._label_styles.get(annotation.label, _UNKNOWN_LABEL)
        segments = [Segment("⚠ orphan ", _BOLD)] if annotation.orphaned else []
        segments += [Segment("■ ", square), Segment(one_line(annotation.label), _BOLD)]
        if annotation.note:
            segments.append(Segment(" ✎"))
        return segments

    def _quote_line(self, entry: Entry) -> list[Segment]:
        if entry.shown is not None:
            quote, style = entry.shown, _SHOWN
        else:  # an orphan's old quote, or a passage of which nothing is shown
            quote = entry.annotation.quote
            style = _ORPHANED if entry.annotation.orphaned else _HIDDEN
        return [Segment("  "), Segment(excerpt(quote, QUOTE_CHARS), style)]
