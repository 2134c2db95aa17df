"""The reading view on its own: wrapping, cursor geometry, painting and partial repaints."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len, split_graphemes
from textual.geometry import Region
from textual.scrollbar import ScrollBar

from reader.ui.document_view import DocumentView, Highlight, Hint, Wrap, _SpanIndex

# Narrow letters, spaces, wide CJK and emoji, combining marks, joined emoji, line breaks.
PIECES = [
    "a",
    "b",
    "word",
    " ",
    " ",
    "中",
    "文",
    "😀",
    "e\u0301",
    "\u0301",
    "👨\u200d👩",
    "❤\ufe0f",
    "\n",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
widths = st.integers(min_value=1, max_value=12)


def grapheme_starts(line: str) -> set[int]:
    return {start for start, _, _ in split_graphemes(line)[0]}


@given(texts, widths)
@example("中\u0301中", 1)
@example("ab\u0301 cd", 2)
def test_rows_tile_each_line_without_splitting_graphemes(text: str, width: int) -> None:
    wrap = Wrap(text, width)
    position = 0
    rows = list(zip(wrap.starts, wrap.ends, strict=True))
    for line in text.split("\n"):
        line_end = position + len(line)
        line_rows = [(s, e) for s, e in rows if position <= s <= line_end and s <= e <= line_end]
        assert line_rows[0][0] == position and line_rows[-1][1] == line_end
        for (_, end), (start, _) in pairwise(line_rows):
            assert end == start
            assert start - position in grapheme_starts(line)
        for start, end in line_rows:
            piece = text[start:end]
            assert cell_len(piece) <= width or len(split_graphemes(piece)[0]) == 1
        position = line_end + 1
    assert len(rows) == len(wrap)


@given(texts, widths)
def test_rows_are_filled_before_breaking(text: str, width: int) -> None:
    """A row that does not end after a space could not have taken the next grapheme."""
    wrap = Wrap(text, width)
    for row in range(len(wrap) - 1):
        start, end = wrap.starts[row], wrap.ends[row]
        graphemes = split_graphemes(text[start:end])[0]
        after_space = bool(graphemes) and text[start + graphemes[-1][0]] == " "
        if end == wrap.starts[row + 1] and not after_space:
            following = split_graphemes(text[end : wrap.ends[row + 1]])[0][0]
            assert cell_len(text[start : end + following[1]]) > width


async def test_cursor_stops_round_trip_through_columns(view_app) -> None:
    text = "中文 text 😀 e\u0301 👨\u200d👩 ok\nsecond 行 line with more words to wrap"
    app = view_app()
    async with app.run_test(size=(9 + 3, 5)) as pilot:  # padding and scrollbar
        view = app.query_one(DocumentView)
        view.load(text)
        await pilot.pause()
        assert view.wrap is not None
        stops = []
        offset = -1
        while offset != view.cursor:
            offset = view.cursor
            stops.append(offset)
            await pilot.press("right")
        # Right never lands inside a grapheme: not on the accent, the joiner or the second emoji.
        assert text.index("\u0301") not in stops
        assert text.index("\u200d") not in stops
        assert text.index("👩") not in stops
        for stop in stops:
            row = view.wrap.row_of(stop)
            before = text[view.wrap.starts[row] : stop]
            assert view.x_of(stop) == cell_len(before)
            assert view.offset_at(row, view.x_of(stop)) == stop
        for stop in reversed(stops[:-1]):
            await pilot.press("left")
            assert view.cursor == stop


async def test_only_changed_rows_are_rendered_again(view_app, monkeypatch) -> None:
    text = "\n".join(f"line {n} with some words" for n in range(200))
    app = view_app()
    async with app.run_test(size=(30 + 3, 10)) as pilot:  # padding and scrollbar
        view = app.query_one(DocumentView)
        view.load(text)
        await pilot.pause()
        rendered: list[int] = []
        original = DocumentView._render_row

        def counting(self: DocumentView, row: int):
            rendered.append(row)
            return original(self, row)

        monkeypatch.setattr(DocumentView, "_render_row", counting)
        await pilot.press("right")
        assert rendered == [0]
        rendered.clear()
        await pilot.press("down")
        assert sorted(rendered) == [0, 1]
        rendered.clear()
        start = text.index("line 5")
        highlight = Highlight(start, start + 6, "denial", "a")
        view.change_highlights([], [highlight])
        await pilot.pause()
        assert rendered == [5]
        rendered.clear()
        view.change_highlights([highlight], [])
        await pilot.pause()
        assert rendered == [5] and view.highlights == []


spans = st.tuples(
    st.integers(0, 40), st.integers(1, 12), st.sampled_from("ab"), st.sampled_from("xyz")
)


@given(
    st.lists(st.tuples(st.booleans(), spans), max_size=40), st.integers(0, 50), st.integers(1, 10)
)
def test_span_index_changed_in_place_answers_as_one_built_anew(changes, start, length) -> None:
    index: _SpanIndex[Highlight] = _SpanIndex([])
    live: list[Highlight] = []
    for add, (first, size, label, ann_id) in changes:
        span = Highlight(first, first + size, label, ann_id)
        if add:
            index.add(span)
            live.append(span)
        elif span in live:
            index.discard(span)
            live.remove(span)
    assert sorted(index.spans) == sorted(live)
    built = _SpanIndex(live)
    end = start + length
    assert sorted(index.overlapping(start, end)) == sorted(built.overlapping(start, end))


async def test_highlights_overlap_with_both_cues(view_app) -> None:
    text = "as per the sources familiar with the matter"
    app = view_app()
    async with app.run_test(size=(60 + 3, 3)) as pilot:  # padding and scrollbar
        view = app.query_one(DocumentView)
        inner = text.index("sources familiar")
        view.load(
            text,
            highlights=[
                Highlight(0, len(text), "anonymous source", "outer"),
                Highlight(inner, inner + 16, "denial", "inner"),
            ],
            cursor=len(text),
        )
        await pilot.pause()
        segments = {seg.text: seg.style for seg in view.render_line(0) if seg.style}
        outer_style, inner_style = segments["as per the "], segments["sources familiar"]
        assert outer_style.bgcolor.name == "#e69f00" and outer_style.underline
        # The innermost colour, with both labels' cues: underline and italic.
        assert inner_style.bgcolor.name == "#cc79a7"
        assert inner_style.underline and inner_style.italic
        assert [h.id for h in view.highlights_at(inner)] == ["inner", "outer"]


async def test_control_characters_never_reach_the_screen(view_app) -> None:
    text = "a\x1b[2Jb\x1b]0;title\x07c\x9bd\u202eevil\u2066e\tf[@click=app.quit]g[/b]"
    app = view_app()
    async with app.run_test(size=(60 + 3, 3)) as pilot:  # padding and scrollbar
        view = app.query_one(DocumentView)
        view.load(text)
        await pilot.pause()
        shown = "".join(seg.text for seg in view.render_line(0))
        assert len(view.text) == len(text)  # one for one: offsets stay valid
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
        assert not any(c in shown for c in "\u202e\u2066")
        assert "[@click=app.quit]g[/b]" in shown
        assert "e f" in shown  # a tab is one space


async def test_scrollbar_is_repainted_only_when_its_thumb_moves(view_app, monkeypatch) -> None:
    text = "\n".join(f"line {n}" for n in range(3000))
    app = view_app()
    async with app.run_test(size=(30 + 3, 10)) as pilot:  # padding and scrollbar
        view = app.query_one(DocumentView)
        view.load(text)
        await pilot.pause()
        bar = view.vertical_scrollbar
        height = bar.size.height

        def shown() -> list[list[tuple[str, object]]]:
            lines = bar.render_lines(Region(0, 0, 1, height))
            return [[(seg.text, seg.style) for seg in line] for line in lines]

        painted: list[float] = []
        original = ScrollBar.render

        def counting(self: ScrollBar):
            painted.append(self.position)
            return original(self)

        monkeypatch.setattr(ScrollBar, "render", counting)
        moves = [("row", 1)] * 120 + [("page", 1)] * 40 + [("row", -1)] * 30 + [("bottom", 1)]
        for unit, step in moves:
            view.action_move(unit, step)
            before = shown()
            bar.refresh()  # what a full repaint would draw now
            assert shown() == before, (unit, view.scroll_y)
            assert bar.position == view.scroll_y
        painted.clear()
        for _ in range(60):
            view.action_move("row", -1)
            shown()
        # 60 rows of a 3000-row text move the thumb about one cell: a few repaints, not 60.
        assert view.scroll_y == view.max_scroll_y - 60 + height - 1
        assert 1 <= len(painted) <= 10


async def test_changes_out_of_view_are_forgotten_not_repainted(view_app, monkeypatch) -> None:
    text = "\n".join(f"line {n} with some words" for n in range(200))
    app = view_app()
    async with app.run_test(size=(30 + 3, 10)) as pilot:  # padding and scrollbar
        view = app.query_one(DocumentView)
        view.load(text)
        await pilot.pause()
        assert view.wrap is not None
        view.scroll_to(y=45, animate=False, immediate=True)  # rows painted, then kept
        await pilot.pause()
        view.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        painted: list[tuple[int, int]] = []
        original = DocumentView.refresh_lines

        def counting(self: DocumentView, first: int, count: int = 1) -> None:
            painted.append((first, count))
            original(self, first, count)

        monkeypatch.setattr(DocumentView, "refresh_lines", counting)
        starts = [text.index(f"line {n} ") for n in (3, 50, 120, 199)]
        view.set_suggestions(Hint(start, start + 4, "denial", "rule") for start in starts)
        assert painted == [(3, 1)]  # the others are not in view
        view.scroll_to(y=45, animate=False, immediate=True)
        await pilot.pause()
        row = view.wrap.row_of(starts[1])
        strip = view.render_line(row - int(view.scroll_y))
        assert any(seg.style and seg.style.underline2 for seg in strip)  # painted anew
