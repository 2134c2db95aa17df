"""Hostile text, wide characters and Markdown in the reading screen."""

from __future__ import annotations

import re

from rich.cells import cell_len

from reader.core.markdown import render_markdown
from reader.core.store import Store

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE_TITLE = "Title \x1b]0;owned\x07 [@click=app.quit]quit[/] [/b] \x9b"
HOSTILE = (
    "Body [@click=app.quit]click me[/] then [/b] and [red]x[/red] here.\n"
    "Clear \x1b[2J title \x1b]0;title\x07 clip \x1b]52;c;aGVsbG8=\x07 c1 \x9b31m \x85 "
    "bidi \u202eevil\u202c \u2066iso\u2069 end.\n"
)


async def test_hostile_text_is_shown_literally_and_runs_nothing(
    reading_app, new_document, annotation_rows, monkeypatch
):
    app = reading_app(new_document(HOSTILE, title=HOSTILE_TITLE))
    quits: list[str] = []
    monkeypatch.setattr(app, "action_quit", lambda: quits.append("quit"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        view = app.reading.view
        await pilot.click(view, offset=(10, 0))  # on "[@click=app.quit]"
        await pilot.click("#reading-title", offset=(30, 0))
        await pilot.press("s", "1")  # tag the first sentence, markup and all
        await pilot.press("down", "s", "2")  # and the line of escape sequences
        await pilot.press("e")
        await pilot.press(*"[red]x[/red]", "ctrl+s")
        await pilot.pause()
        shown = app.export_screenshot()
        assert quits == [] and app.is_running
        assert not UNSAFE.search(shown)
        assert "[@click=app.quit]click" in view.text
        assert "quit[/]" in str(app.reading.query_one("#reading-title").render())
        first_line, second_line = HOSTILE.split("\n")[:2]
        second_start = len(first_line) + 1
        assert [(r[0], r[1], r[3], r[4]) for r in annotation_rows()] == [
            (0, len(first_line), first_line, None),
            (second_start, second_start + len(second_line), second_line, "[red]x[/red]"),
        ]


CJK = "記者によると、情報筋は「合意はない」と述べた。😀 e\u0301 ok.\n"


async def test_wide_characters_place_cursor_and_highlight(
    reading_app, new_document, annotation_rows, press_until
):
    app = reading_app(new_document(CJK, title="cjk"))
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.reading.view
        target = CJK.index("情報筋")
        await press_until(pilot, "right", lambda: view.cursor == target)
        await pilot.press("v", "right", "right", "1")
        assert annotation_rows() == [(target, target + 3, "anonymous source", "情報筋", None, True)]
        await pilot.pause()
        cells, highlighted, first_cell = 0, "", None
        for segment in view.render_line(0):
            if segment.style and segment.style.bgcolor and segment.style.underline:
                highlighted += segment.text
                first_cell = cells if first_cell is None else first_cell
            cells += cell_len(segment.text)
        assert highlighted == "情報筋"
        assert first_cell == cell_len(CJK[:target])
        emoji = CJK.index("😀")
        await press_until(pilot, "right", lambda: view.cursor == emoji)
        assert view.x_of(emoji) == cell_len(CJK[:emoji])
        await pilot.press("right", "right")  # past the space onto "e", then over its accent
        assert view.cursor == emoji + 2
        await pilot.press("right")
        assert view.cursor == emoji + 4
        await pilot.press("left", "v", "2")  # "e" with its accent is one word
        assert annotation_rows()[-1][:4] == (emoji + 2, emoji + 4, "official statement", "e\u0301")


async def test_markdown_annotations_hold_exact_source_offsets(
    store: Store, reading_app, find_doc, annotation_rows, press_until
):
    ministry = find_doc("ministry")
    source = store.document(ministry).text
    rendered = render_markdown(source)
    phrase = "denied a newspaper report"
    app = reading_app(ministry)
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.reading.view
        assert view.text == rendered.text
        assert "**" not in view.text.split("\n\n")[2]
        at = rendered.text.index(phrase)
        await press_until(pilot, "ctrl+right", lambda: view.cursor == at)
        await pilot.press("w", "w", "w", "w")
        assert view.selection == (at, at + len(phrase))
        await pilot.press("3")
        start = source.index(phrase)
        assert source[start - 2 : start] == "**"
        assert annotation_rows() == [(start, start + len(phrase), "denial", phrase, None, True)]
        # Across a link: the stored quote keeps the source's markup, offsets stay exact.
        link = rendered.text.index("the Daily Ledger")
        await press_until(pilot, "ctrl+right", lambda: view.cursor == link)
        await pilot.press("w", "w", "w", "1")
        row = annotation_rows()[-1]
        assert row[3] == source[row[0] : row[1]] == "the [Daily Ledger"
        await pilot.press("down", "escape")
        left_at = view.cursor
    assert store.document(ministry).cursor == rendered.to_source[left_at]

    again = reading_app(ministry)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = again.reading.view
        assert view.cursor == left_at
        assert sorted((h.start, h.end) for h in view.highlights) == [
            (at, at + len(phrase)),
            (link, link + len("the Daily Ledger")),
        ]
        heading = view.text.index("What the ministry said")
        assert view.wrap is not None
        styles = [s.style for s in view.render_line(view.wrap.row_of(heading)) if s.text.strip()]
        assert styles and all(style and style.bold for style in styles)
