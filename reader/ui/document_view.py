"""The reading view: a Line-API widget showing wrapped text with a cursor, a selection,
annotation highlights and rule suggestions.

Only visible rows are rendered. A wrap index (the offsets of every visual row) is built once per
width, rendered rows are cached, and a change re-renders only the rows it touched. All offsets
are ``str`` indices into the text the view shows; the text is sanitised one character for one,
so offsets computed here are valid in the caller's text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, groupby, pairwise
from typing import ClassVar, Generic, NamedTuple, TypeVar

from rich.cells import get_character_cell_size, split_graphemes
from rich.color import Color, ColorParseError, blend_rgb
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import var
from textual.strip import Strip

from reader.config import DEFAULT_LABELS, Label
from reader.core import segment
from reader.core.text import sanitise
from reader.ui.steady_scroll import SteadyScrollView

_JOINERS = frozenset("\u200d\ufe0f")  # zero-width joiner, emoji presentation selector
_widths: dict[str, int] = {}  # cells of each character seen, filled on demand


def _char_widths(line: str) -> list[int]:
    """The cells of each character of ``line`` (no joiners: those need graphemes)."""
    for char in set(line).difference(_widths):
        _widths[char] = get_character_cell_size(char)
    return list(map(_widths.__getitem__, line))


def _all_narrow(chars: set[str]) -> bool:
    """True when every character takes exactly one cell on its own."""
    for char in chars.difference(_widths):
        _widths[char] = get_character_cell_size(char)
    return not chars & _JOINERS and all(_widths[char] == 1 for char in chars)


class Wrap:
    """The visual rows of a text at one width: row ``i`` shows ``text[starts[i]:ends[i]]``.

    Rows break after a space where they can, else at the last grapheme that fits. The newline
    ending a line belongs to no row's text, but the cursor may sit on it at the end of the row.
    """

    def __init__(self, text: str, width: int) -> None:
        self.width = max(1, width)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.simple = bytearray()  # 1 where every character of the row is one cell wide
        narrow_text = _all_narrow(set(text) - {"\n"})
        base = 0
        for line in text.split("\n"):
            first = len(self.starts)
            chars = set(line)
            simple = narrow_text or line.isascii() or _all_narrow(chars)
            if simple:
                self._wrap_narrow(line, base)
            elif chars & _JOINERS:
                self._wrap_graphemes(line, base)
            else:
                self._wrap_widths(line, base)
            self.simple.extend(bytes([simple]) * (len(self.starts) - first))
            base += len(line) + 1

    def __len__(self) -> int:
        return len(self.starts)

    def _row(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.ends.append(end)

    def _wrap_narrow(self, line: str, base: int) -> None:
        width, position = self.width, 0
        while len(line) - position > width:
            space = line.rfind(" ", position, position + width)
            end = space + 1 if space > position else position + width
            self._row(base + position, base + end)
            position = end
        self._row(base + position, base + len(line))

    def _wrap_widths(self, line: str, base: int) -> None:
        widths = _char_widths(line)
        before = [0, *accumulate(widths)]  # cells before each character
        row, size = 0, len(line)
        while before[size] - before[row] > self.width:
            # The longest run of characters that fits.
            cut = max(row + 1, bisect_right(before, before[row] + self.width, row, size + 1) - 1)
            space = line.rfind(" ", row, cut)
            cut = space + 1 if space > row else cut
            while cut < size and not widths[cut]:  # a mark stays with the character it marks
                cut += 1
            if cut >= size:
                break
            self._row(base + row, base + cut)
            row = cut
        self._row(base + row, base + size)

    def _wrap_graphemes(self, line: str, base: int) -> None:
        row = x = 0
        after_space, x_after_space = -1, 0
        for start, end, cells in split_graphemes(line)[0]:
            while x + cells > self.width and start > row:
                if after_space > row:
                    self._row(base + row, base + after_space)
                    row, x = after_space, x - x_after_space
                else:
                    self._row(base + row, base + start)
                    row, x = start, 0
                after_space = -1
            x += cells
            if line[start] == " ":
                after_space, x_after_space = end, x
        self._row(base + row, base + len(line))

    def row_of(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)


class Highlight(NamedTuple):
    """An annotation as the view shows it, in the view's offsets."""

    start: int
    end: int
    label: str
    id: str


class Hint(NamedTuple):
    """A suggestion as the view shows it: a label a rule proposes, in the view's offsets."""

    start: int
    end: int
    label: str
    rule: str


class _Styled(NamedTuple):
    """A stretch of text in a style of the text itself (a Markdown heading, emphasis, …)."""

    start: int
    end: int
    kind: str


_Span = TypeVar("_Span", Highlight, Hint, _Styled)


def _bounds(span: tuple[int, int, str, str] | tuple[int, int, str]) -> tuple[int, int]:
    return span[0], span[1]


class _SpanIndex(Generic[_Span]):
    """Spans sorted by start, answering "which overlap [start, end)" in O(log n + k)."""

    def __init__(self, spans: Iterable[_Span]) -> None:
        self.spans: list[_Span] = sorted(spans, key=_bounds)
        self.starts: list[int] = [span[0] for span in self.spans]
        # At least the longest span's length (a removal leaves it as it was).
        self.longest: int = max((span[1] - span[0] for span in self.spans), default=0)

    def overlapping(self, start: int, end: int) -> list[_Span]:
        low = bisect_left(self.starts, start - self.longest)
        high = bisect_left(self.starts, end)
        return [span for span in self.spans[low:high] if span[1] > start]

    def add(self, span: _Span) -> None:
        index = bisect_right(self.spans, _bounds(span), key=_bounds)
        self.spans.insert(index, span)
        self.starts.insert(index, span[0])
        self.longest = max(self.longest, span[1] - span[0])

    def discard(self, span: _Span) -> None:
        low, high = bisect_left(self.starts, span[0]), bisect_right(self.starts, span[0])
        for index in range(low, high):
            if self.spans[index] == span:
                del self.spans[index], self.starts[index]
                return


def label_style(label: Label) -> Style:
    """Background in the label's colour plus its text style, a cue that needs no colour."""
    cue = Style(
        bold=label.style == "bold" or None,
        italic=label.style == "italic" or None,
        underline=label.style == "underline" or None,
        strike=label.style == "strike" or None,
        reverse=label.style == "reverse" or None,
    )
    try:
        red, green, blue = Color.parse(label.color).get_truecolor()
    except ColorParseError:
        return cue
    light = (299 * red + 587 * green + 114 * blue) / 1000 > 140
    return Style(bgcolor=label.color, color="black" if light else "white") + cue


_UNKNOWN_LABEL = Style(underline=True, reverse=True)
_PLAIN = Style()
SUGGESTION_TEXT_MIX = 0.35  # share of the text colour in a suggestion's colour


def suggestion_style(label: Label, base: Style) -> Style:
    """Text in the label's colour, mixed toward the text colour of ``base`` so that it reads on
    light and dark backgrounds alike (no background: that is how annotations look)."""
    try:
        colour = Color.parse(label.color).get_truecolor()
    except ColorParseError:
        return _PLAIN
    if base.color is not None:
        colour = blend_rgb(colour, base.color.get_truecolor(), SUGGESTION_TEXT_MIX)
    return Style(color=Color.from_triplet(colour))


# Kinds of text style (reader.core.markdown's names, heading levels folded) with their
# component class, so that themes style them in CSS.
TEXT_KINDS = (
    "heading",
    "strong",
    "em",
    "code",
    "code-block",
    "link",
    "blockquote",
    "list-marker",
    "rule",
)


def _cue(style: Style) -> Style:
    """Only the text attributes of a style (its colour-free cue)."""
    return Style(
        bold=style.bold, italic=style.italic, underline=style.underline, strike=style.strike
    )


class _Look(NamedTuple):
    """The styles rows are painted with, as the CSS gives them (computed once per change)."""

    base: Style
    kinds: dict[str, Style]  # per text kind
    hints: dict[str, Style]  # per label; ``""`` for labels not configured
    selection: Style
    cursor: Style
    labels: dict[str, Style]


class _Paint(NamedTuple):
    """Everything that styles one row, and the style of any offset in it."""

    look: _Look
    styles: list[_Styled]
    hints: list[Hint]
    highlights: list[Highlight]
    selection: tuple[int, int]
    cursor: tuple[int, int]

    def style_at(self, offset: int) -> Style:
        look = self.look
        style = look.base
        for span in self.styles:
            if span.start <= offset < span.end:
                style += look.kinds.get(span.kind, _PLAIN)
        hinted = [h for h in self.hints if h.start <= offset < h.end]
        if hinted:
            # Under an annotation its colours win; the suggestion's cue stays visible.
            hint = min(hinted, key=lambda h: h.end - h.start)
            style += look.hints.get(hint.label, look.hints[""])
        covering = [h for h in self.highlights if h.start <= offset < h.end]
        if covering:
            # The innermost highlight's colour, with every covering label's text cue on top.
            innermost = min(covering, key=lambda h: h.end - h.start)
            style += self._label(innermost.label)
            style = sum((_cue(self._label(h.label)) for h in covering), style)
        if self.selection[0] <= offset < self.selection[1]:
            style += look.selection
        if self.cursor[0] <= offset < max(self.cursor[1], self.cursor[0] + 1):
            style += look.cursor
        return style

    def _label(self, name: str) -> Style:
        return self.look.labels.get(name, _UNKNOWN_LABEL)


# Cursor movements: binding name, key, other keys, unit, step, description. Each also has a
# shift+key binding that extends the selection.
_MOVES = (
    ("left", "left", (), "char", -1, "left"),
    ("right", "right", (), "char", 1, "right"),
    ("up", "up", ("k",), "row", -1, "up"),
    ("down", "down", ("j",), "row", 1, "down"),
    ("word_left", "ctrl+left", (), "word", -1, "word left"),
    ("word_right", "ctrl+right", (), "word", 1, "word right"),
    ("page_up", "pageup", (), "page", -1, "page up"),
    ("page_down", "pagedown", ("space",), "page", 1, "page down"),
    ("line_start", "home", (), "home", -1, "line start"),
    ("line_end", "end", (), "end", 1, "line end"),
    ("top", "ctrl+home", (), "top", -1, "top"),
    ("bottom", "ctrl+end", (), "bottom", 1, "bottom"),
)


class DocumentView(SteadyScrollView, can_focus=True):
    """Wrapped, highlighted text with a block cursor and a keyboard or mouse selection.

    The selection runs from its mark to the cursor, both characters included. It starts with
    ``v``, a shift+movement, a mouse drag or a word/sentence snap, follows every cursor
    movement, and ends with ``v`` again or :meth:`clear_selection`.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--cursor",
        "document-view--selection",
        "document-view--suggestion",
        *(f"document-view--{kind}" for kind in TEXT_KINDS),
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                ",".join((key, *extra)),
                f"move({unit!r}, {step})",
                text.capitalize(),
                False,
                id=f"reading.{name}",
            )
            for name, key, extra, unit, step, text in _MOVES
        ),
        *(
            Binding(
                f"shift+{key}",
                f"move({unit!r}, {step}, True)",
                f"Extend {text}",
                False,
                id=f"reading.extend_{name}",
            )
            for name, key, _, unit, step, text in _MOVES
        ),
        Binding("v", "toggle_select", "Select", id="reading.select"),
        Binding("w", "snap('word')", "Word", id="reading.snap_word"),
        Binding("s", "snap('sentence')", "Sentence", id="reading.snap_sentence"),
    ]

    position: var[tuple[int, int | None]] = var((0, None), always_update=True, init=False)
    """``(cursor, mark)``, set after every change of the cursor or the selection. Watchers
    run at once, so what they change is painted in the same frame as the text (a message
    would be handled after that frame, in a second one)."""

    def __init__(
        self,
        labels: Sequence[Label] = DEFAULT_LABELS,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._labels = tuple(labels)
        self._label_styles = {label.name: label_style(label) for label in labels}
        self.text = ""
        self.cursor = 0
        self.mark: int | None = None
        self._styles: _SpanIndex[_Styled] = _SpanIndex([])
        self._highlights: _SpanIndex[Highlight] = _SpanIndex([])
        self._hints: _SpanIndex[Hint] = _SpanIndex([])
        self._wrap: Wrap | None = None
        self._goal_x: int | None = None
        self._top = 0  # offset of the first visible row, kept across re-wrapping
        self._drag_from: int | None = None
        self._snap: tuple[str, int, int] | None = None  # last snap, so a repeat extends it
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._look_cache: _Look | None = None  # computed on first use after each style change

    # -- content ----------------------------------------------------------------------

    def load(
        self,
        text: str,
        styles: Iterable[tuple[int, int, str]] = (),
        highlights: Iterable[Highlight] = (),
        *,
        cursor: int = 0,
        top: int = 0,
    ) -> None:
        """Show ``text`` (tabs as one space) with highlights and styles of the text itself.

        ``styles`` are ``(start, end, kind)``: kinds as reader.core.markdown names them.
        """
        self.text = sanitise(text).replace("\t", " ")
        self._styles = _SpanIndex(
            _Styled(start, end, kind.rstrip("0123456789").replace("_", "-"))
            for start, end, kind in styles
        )
        self._highlights = _SpanIndex(highlights)
        self._hints = _SpanIndex([])
        self.cursor = self._clamp(cursor)
        self.mark = None
        self._goal_x = self._snap = None
        self._top = self._clamp(top)
        self._wrap = None
        self._rewrap()
        self.position = (self.cursor, self.mark)

    def change_highlights(self, removed: Iterable[Highlight], added: Iterable[Highlight]) -> None:
        """Take highlights away and add others, re-rendering only the rows they cover."""
        removed, added = list(removed), list(added)
        for highlight in removed:
            self._highlights.discard(highlight)
        for highlight in added:
            self._highlights.add(highlight)
        self._invalidate(*(highlight[:2] for highlight in (*removed, *added)))

    def highlights_at(self, offset: int) -> list[Highlight]:
        """Highlights covering ``offset``, innermost (shortest) first."""
        found = self._highlights.overlapping(offset, offset + 1)
        return sorted(found, key=lambda h: (h.end - h.start, h.start, h.label))

    @property
    def highlights(self) -> list[Highlight]:
        return list(self._highlights.spans)

    def set_suggestions(self, hints: Iterable[Hint]) -> None:
        """Replace the suggestions shown, re-rendering only rows whose suggestions changed."""
        old = set(self._hints.spans)
        self._hints = _SpanIndex(hints)
        self._invalidate(*(hint[:2] for hint in old.symmetric_difference(self._hints.spans)))

    def suggestions_at(self, offset: int) -> list[Hint]:
        """Suggestions covering ``offset``, innermost (shortest) first."""
        found = self._hints.overlapping(offset, offset + 1)
        return sorted(found, key=lambda h: (h.end - h.start, h.start, h.label))

    @property
    def suggestions(self) -> list[Hint]:
        return list(self._hints.spans)

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected span ``[start, end)``, or None."""
        if self.mark is None:
            return None
        start, last = sorted((self.mark, self.cursor))
        end = self._step_char(last, 1) if self._wrap is not None else last + 1
        return start, min(max(end, last + 1), len(self.text))

    @property
    def top(self) -> int:
        """Offset of the first visible row."""
        if self._wrap is None or not len(self._wrap):
            return self._top
        return self._wrap.starts[min(int(self.scroll_y), len(self._wrap) - 1)]

    @property
    def visible_span(self) -> tuple[int, int]:
        """From the start of the first visible row to the end of the last."""
        wrap = self._wrap
        if wrap is None or not len(wrap):
            return self._top, self._top
        first = min(int(self.scroll_y), len(wrap) - 1)
        last = min(first + max(1, self.scrollable_content_region.height), len(wrap)) - 1
        return wrap.starts[first], wrap.ends[last]

    @property
    def wrap(self) -> Wrap | None:
        return self._wrap

    def _clamp(self, offset: int) -> int:
        return min(max(offset, 0), len(self.text))

    # -- cursor and selection ---------------------------------------------------------

    def move_to(self, offset: int, *, select: bool = False, keep_goal: bool = False) -> None:
        """Put the cursor at ``offset``, extending the selection if there is one.

        ``select`` starts a selection at the old cursor when there is none.
        """
        before = self.selection
        old_cursor = self.cursor
        if select and self.mark is None:
            self.mark = self.cursor
        self.cursor = self._clamp(offset)
        if not keep_goal:
            self._goal_x = None
        self._snap = None
        self._changed(old_cursor, before)

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` with the cursor on its last character."""
        before, old_cursor = self.selection, self.cursor
        self.mark = self._clamp(start)
        self.cursor = self._clamp(max(start, end - 1))
        self._goal_x = None
        self._changed(old_cursor, before)

    def clear_selection(self) -> None:
        if self.mark is not None:
            before = self.selection
            self.mark = None
            self._snap = None
            self._changed(self.cursor, before)

    def _changed(self, old_cursor: int, old_selection: tuple[int, int] | None) -> None:
        changed = [(old_cursor, old_cursor + 1), (self.cursor, self.cursor + 1)]
        new_selection = self.selection
        if old_selection and new_selection:
            # Only the characters that joined or left the selection change.
            (a0, b0), (a1, b1) = old_selection, new_selection
            if a0 != a1:
                changed.append((min(a0, a1), max(a0, a1)))
            if b0 != b1:
                changed.append((min(b0, b1) - 1, max(b0, b1)))
        elif old_selection or new_selection:
            changed.append(old_selection or new_selection or (0, 0))
        self._invalidate(*changed)
        self._follow_cursor()
        self.position = (self.cursor, self.mark)

    def _follow_cursor(self) -> None:
        if self._wrap is None:
            return
        row = self._wrap.row_of(self.cursor)
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def action_move(self, unit: str, step: int, select: bool = False) -> None:
        if unit == "page":
            height = self.scrollable_content_region.height
            self.scroll_to(y=self.scroll_y + step * height, animate=False, immediate=True)
        self.move_to(self._target(unit, step), select=select, keep_goal=unit in ("row", "page"))

    def action_toggle_select(self) -> None:
        if self.mark is None:
            self.move_to(self.cursor, select=True)
        else:
            self.clear_selection()

    def action_snap(self, unit: str) -> None:
        """Select the word or sentence at the cursor; pressed again, extend to the next one."""
        if self._snap and self._snap[0] == unit and self.selection == self._snap[1:]:
            start, end = self._snap[1:]
            span = self._unit_at(unit, self._next_start(unit, end))
            if span is None or span[1] <= end:
                return
            end = span[1]
        else:
            span = self._unit_at(unit, self.cursor)
            if span is None or span[0] == span[1]:
                self.app.bell()
                return
            start, end = span
        self.select(start, end)
        self._snap = (unit, start, end)

    def _unit_at(self, unit: str, offset: int) -> tuple[int, int] | None:
        if unit == "word":
            return segment.word_at(self.text, offset)
        return segment.sentence_at(self.text, offset)

    def _next_start(self, unit: str, end: int) -> int:
        if unit == "word":
            return segment.next_word(self.text, end - 1)
        rest = self.text[end:]
        return end + len(rest) - len(rest.lstrip())

    def _target(self, unit: str, step: int) -> int:
        wrap, cursor = self._wrap, self.cursor
        if wrap is None or not self.text:
            return 0
        if unit == "char":
            return self._step_char(cursor, step)
        if unit == "word":
            find = segment.next_word if step > 0 else segment.prev_word
            return find(self.text, cursor)
        if unit == "top":
            return 0
        if unit == "bottom":
            return len(self.text)
        row = wrap.row_of(cursor)
        if unit == "home":
            return wrap.starts[row]
        if unit == "end":
            return self._row_last(row)
        rows = step if unit == "row" else step * max(1, self.scrollable_content_region.height)
        target_row = min(max(row + rows, 0), len(wrap) - 1)
        if target_row == row:
            return wrap.starts[row] if step < 0 else self._row_last(row)
        if self._goal_x is None:
            self._goal_x = self.x_of(cursor)
        return self.offset_at(target_row, self._goal_x)

    def _step_char(self, offset: int, step: int) -> int:
        """The next (or previous) cursor stop: a grapheme's first character or a line's end."""
        assert self._wrap is not None
        target = self._clamp(offset + step)
        row = self._wrap.row_of(target)
        if self._wrap.simple[row]:
            return target
        stops = [stop for stop, _ in self._cells(row)]
        if step > 0:
            return next((stop for stop in stops if stop >= target), self._wrap.ends[row])
        return next((stop for stop in reversed(stops) if stop <= target), target)

    # -- geometry ---------------------------------------------------------------------

    def _row_last(self, row: int) -> int:
        """The last cursor stop of a row: its newline (or the text's end), else its last char."""
        assert self._wrap is not None
        end = self._wrap.ends[row]
        if end == len(self.text) or self.text[end] == "\n":
            return end
        return self._cells(row)[-1][0]

    def _cells(self, row: int) -> list[tuple[int, int]]:
        """(offset, cells) of each cursor stop in a row; the end-of-line stop has 1 cell."""
        assert self._wrap is not None
        start, end = self._wrap.starts[row], self._wrap.ends[row]
        if self._wrap.simple[row]:
            stops = [(offset, 1) for offset in range(start, end)]
        else:
            graphemes = split_graphemes(self.text[start:end])[0]
            stops = [(start + first, cells) for first, _, cells in graphemes]
        if end == len(self.text) or self.text[end] == "\n":
            stops.append((end, 1))
        return stops

    def x_of(self, offset: int) -> int:
        """The column of ``offset`` in its row."""
        assert self._wrap is not None
        row = self._wrap.row_of(offset)
        if self._wrap.simple[row]:
            return offset - self._wrap.starts[row]
        return sum(cells for stop, cells in self._cells(row) if stop < offset)

    def offset_at(self, row: int, x: int) -> int:
        """The cursor stop of ``row`` that covers column ``x`` (or the row's last one)."""
        assert self._wrap is not None
        if self._wrap.simple[row]:
            return min(self._wrap.starts[row] + max(x, 0), self._row_last(row))
        column = 0
        stops = self._cells(row)
        for stop, cells in stops:
            column += cells
            if column > x:
                return stop
        return stops[-1][0] if stops else self._wrap.starts[row]

    def _offset_at_point(self, x: int, y: int) -> int | None:
        if self._wrap is None or not len(self._wrap):
            return None
        row = min(max(y + int(self.scroll_y), 0), len(self._wrap) - 1)
        return self.offset_at(row, x)

    # -- rendering --------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def notify_style_update(self) -> None:
        """New CSS (a theme, focus gained or lost): every row is painted again."""
        super().notify_style_update()
        self._look_cache = None
        self._cache.clear()

    def _rewrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or (self._wrap is not None and self._wrap.width == width):
            return
        top = self.top
        self._wrap = Wrap(self.text, width)
        self._cache.clear()
        self.virtual_size = Size(width, len(self._wrap))
        self.scroll_to(y=self._wrap.row_of(top), animate=False, immediate=True)
        self._follow_cursor()
        self.refresh()

    def _invalidate(self, *spans: tuple[int, int]) -> None:
        """Forget the rows showing these spans of offsets, and repaint those in view."""
        wrap = self._wrap
        if wrap is None:
            return
        top = int(self.scroll_y)
        bottom = top + self.scrollable_content_region.height - 1
        shown: set[int] = set()
        for start, end in spans:
            first = wrap.row_of(self._clamp(start))
            last = wrap.row_of(self._clamp(max(start, end)))
            if last - first < len(self._cache):
                for row in range(first, last + 1):
                    self._cache.discard(row)
            else:
                cached = self._cache.keys()
                for row in [r for r in cached if first <= r <= last]:
                    self._cache.discard(row)
            shown.update(range(max(first, top), min(last, bottom) + 1))
        # One repaint per run of rows in view (each costs the same for one row or many).
        for _, run in groupby(enumerate(sorted(shown)), key=lambda pair: pair[1] - pair[0]):
            rows = [row for _, row in run]
            self.refresh_lines(rows[0], len(rows))

    def _look(self) -> _Look:
        """The styles of the text, the cursor, the selection, suggestions and labels."""
        if self._look_cache is None:
            base = self.rich_style

            def part(name: str) -> Style:
                return self.get_component_rich_style(f"document-view--{name}", partial=True)

            cue = part("suggestion")
            self._look_cache = _Look(
                base=base,
                kinds={kind: part(kind) for kind in TEXT_KINDS},
                hints={"": cue}
                | {label.name: suggestion_style(label, base) + cue for label in self._labels},
                selection=part("selection"),
                cursor=part("cursor"),
                labels=self._label_styles,
            )
        return self._look_cache

    def render_line(self, y: int) -> Strip:
        row = y + int(self.scroll_y)
        wrap = self._wrap
        if wrap is None or row >= len(wrap):
            return Strip.blank(self.scrollable_content_region.width, self._look().base)
        strip = self._cache.get(row)
        if strip is None:
            # As wide as the content region (the scrollbar covers the last cells), so that
            # Textual takes the row as it is.
            segments = self._render_row(row)
            width = self.content_region.width
            filled = sum(segment.cell_length for segment in segments)
            if filled < width:
                segments.append(Segment(" " * (width - filled), self._look().base))
            segments = list(Segment.simplify(segments))  # fewer: less for Textual to do
            strip = self._cache[row] = Strip(segments, max(width, filled))
        return strip

    def _render_row(self, row: int) -> list[Segment]:
        assert self._wrap is not None
        start, end = self._wrap.starts[row], self._wrap.ends[row]
        styles = self._styles.overlapping(start, end)
        hints = self._hints.overlapping(start, end)
        highlights = self._highlights.overlapping(start, end)
        selection = self.selection or (0, 0)
        plain = not (styles or hints or highlights) and not start <= self.cursor <= end
        if plain and (selection[1] <= start or selection[0] >= end):  # most rows
            return [Segment(self.text[start:end], self._look().base)] if start < end else []
        paint = _Paint(
            look=self._look(),
            styles=styles,
            hints=hints,
            highlights=highlights,
            selection=selection,
            cursor=(self.cursor, self._step_char(self.cursor, 1)),
        )
        cuts = {start, end}
        spans = [(s.start, s.end) for s in paint.styles]
        spans += [(h.start, h.end) for h in paint.hints]
        spans += [(h.start, h.end) for h in paint.highlights]
        for a, b in (*spans, paint.selection, paint.cursor):
            cuts.update((min(max(a, start), end), min(max(b, start), end)))
        points = sorted(cuts)
        segments = [Segment(self.text[a:b], paint.style_at(a)) for a, b in pairwise(points)]
        if self.cursor == end and self._row_last(row) == end:
            segments.append(Segment(" ", paint.style_at(end)))
        return segments

    # -- mouse ------------------------------------------------------------------------

    def on_mouse_down(self, event: events.MouseDown) -> None:
        position = event.get_content_offset(self)
        if event.button != 1 or position is None:
            return
        offset = self._offset_at_point(position.x, position.y)
        if offset is None:
            return
        self._drag_from = offset
        self.clear_selection()
        self.move_to(offset)
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_from is None:
            return
        position = event.get_content_offset_capture(self)
        offset = self._offset_at_point(position.x, position.y)
        if offset is not None and offset != self.cursor:
            self.move_to(offset, select=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.release_mouse()
