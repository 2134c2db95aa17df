"""The reading screen driven by the keyboard (and the mouse), checked against rows in SQLite."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.pilot import Pilot

from reader.config import parse_config
from reader.ui import clipboard

PHRASE = "sources familiar with the matter"


async def select_phrase(pilot: Pilot[None], app, press_until, phrase: str = PHRASE) -> int:
    """Put the cursor on the phrase word by word, then select it with v and movement keys."""
    view = app.reading.view
    start = view.text.index(phrase)
    await press_until(
        pilot, "down", lambda: view.wrap.row_of(view.cursor) == view.wrap.row_of(start)
    )
    await press_until(pilot, "ctrl+right", lambda: view.cursor == start)
    await pilot.press("v")
    words = phrase.split()
    await pilot.press(*["ctrl+right"] * (len(words) - 1), *["right"] * (len(words[-1]) - 1))
    assert view.selection == (start, start + len(phrase))
    return start


@pytest.fixture
def drones(find_doc) -> int:
    return find_doc("drones")


async def test_tag_by_keyboard_writes_the_exact_row(
    store, reading_app, drones, annotation_rows, press_until
) -> None:
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        start = await select_phrase(pilot, app, press_until)
        await pilot.press("1")
        text = store.document(drones).text
        assert text[start : start + len(PHRASE)] == PHRASE
        assert annotation_rows() == [
            (start, start + len(PHRASE), "anonymous source", PHRASE, None, True)
        ]
        view = app.reading.view
        assert view.selection is None
        assert [(h.start, h.end, h.label) for h in view.highlights] == [
            (start, start + len(PHRASE), "anonymous source")
        ]
        status = str(app.reading.query_one("#reading-status").render())
        assert "anonymous source" in status and "saved" in status


async def test_undo_redo_delete_and_reopen(
    store, reading_app, drones, annotation_rows, press_until
) -> None:
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        start = await select_phrase(pilot, app, press_until)
        await pilot.press("1")
        await pilot.press("u")
        assert [r[-1] for r in annotation_rows()] == [False]  # tombstoned, not live
        assert app.reading.view.highlights == []
        await pilot.press("U")
        assert [r[-1] for r in annotation_rows()] == [True]
        assert len(app.reading.view.highlights) == 1
        # The cursor is back on the tagged passage: x deletes it, u brings it back.
        assert start <= app.reading.view.cursor < start + len(PHRASE)
        await pilot.press("x")
        assert [r[-1] for r in annotation_rows()] == [False]
        await pilot.press("u", "escape")
    assert app.returned == [drones]

    again = reading_app(drones)
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        view = again.reading.view
        assert [(h.start, h.end) for h in view.highlights] == [(start, start + len(PHRASE))]
        # Undo history survives reopening: it comes from the actions table.
        await pilot.press("u")
        assert view.highlights == []
        await pilot.press("ctrl+r")
        assert len(view.highlights) == 1


async def test_reopened_highlight_is_painted_in_the_label_colour(store, reading_app, drones):
    text = store.document(drones).text
    start = text.index(PHRASE)
    store.add_annotation(drones, start, start + len(PHRASE), "official statement")
    app = reading_app(drones)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.reading.view
        assert view.wrap is not None
        row = view.wrap.row_of(start)
        strip = view.render_line(row - int(view.scroll_y))
        painted = "".join(
            seg.text for seg in strip if seg.style and seg.style.bgcolor and seg.style.bold
        )
        assert painted == text[start : min(start + len(PHRASE), view.wrap.ends[row])]
        assert all(
            seg.style.bgcolor.name == "#56b4e9"
            for seg in strip
            if seg.style and seg.style.bold and seg.text.strip()
        )


async def test_change_label_and_edit_note(store, reading_app, drones, annotation_rows) -> None:
    text = store.document(drones).text
    start = text.index(PHRASE)
    store.add_annotation(drones, start, start + len(PHRASE), "anonymous source")
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("]")
        assert app.reading.view.cursor == start
        await pilot.press("c")
        await pilot.press("3")  # picks denial, and tags nothing else
        assert [row[2] for row in annotation_rows()] == ["denial"]
        await pilot.press("c")
        await pilot.press("up", "enter")  # the picker opens on the current label
        assert annotation_rows()[0][2] == "official statement"
        await pilot.press("e")
        await pilot.press(*"checked twice")
        await pilot.press("ctrl+s")
        assert annotation_rows()[0][4] == "checked twice"
        await pilot.press("e")
        await pilot.press("x", "escape")
        assert annotation_rows()[0][4] == "checked twice"
        await pilot.press("u")
        assert annotation_rows()[0][4] is None


async def test_tag_without_selection_tags_the_word_at_the_cursor(
    store, reading_app, drones, annotation_rows, press_until
):
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.reading.view
        target = view.text.index("Ukraine")
        await press_until(pilot, "ctrl+right", lambda: view.cursor == target)
        await pilot.press("right", "right", "2")
        assert annotation_rows() == [
            (target, target + 7, "official statement", "Ukraine", None, True)
        ]


async def test_word_and_sentence_snaps_extend_when_repeated(store, reading_app, drones):
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.reading.view
        text = view.text
        await pilot.press("w")
        assert view.selection == (0, 3)  # "The"
        await pilot.press("w")
        assert view.selection == (0, 10)  # "The United"
        await pilot.press("escape", "s")
        first = text.index("matter.") + len("matter.")
        assert view.selection == (0, first)
        await pilot.press("s")
        second = text.index("anonymity.") + len("anonymity.")
        assert view.selection == (0, second)
        await pilot.press("escape")
        assert view.selection is None


async def test_jump_between_annotations_and_documents(store, reading_app, drones) -> None:
    text = store.document(drones).text
    first, second = text.index("The United States"), text.index(PHRASE)
    store.add_annotation(drones, second, second + len(PHRASE), "anonymous source")
    store.add_annotation(drones, first, first + 17, "official statement")
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.reading.view
        await pilot.press("]")
        assert view.cursor == second
        await pilot.press("]")  # nothing further: stays
        assert view.cursor == second
        await pilot.press("[")
        assert view.cursor == first
        await pilot.press("down", "down")
        moved_to = view.cursor
        assert store.neighbour(drones, 1) is None  # the last sample document
        await pilot.press("n")
        assert app.reading.doc_id == drones
        before = store.neighbour(drones, -1)
        assert before is not None
        await pilot.press("p")
        assert app.reading.doc_id == before
        assert store.document(drones).cursor == moved_to  # saved on leaving
        await pilot.press("n")
        assert app.reading.doc_id == drones
        assert view.cursor == moved_to  # and restored on coming back


async def test_custom_neighbour_order(store, reading_app, drones, find_doc) -> None:
    other = find_doc("biden")
    app = reading_app(drones, neighbour=lambda doc, step: other if step > 0 else None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p")
        assert app.reading.doc_id == drones
        await pilot.press("n")
        assert app.reading.doc_id == other
        assert "Biden" in str(app.reading.query_one("#reading-title").render())


async def test_toggle_done(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("d")
        assert store.document(drones).status == "done"
        await pilot.press("d")
        assert store.document(drones).status == "new"


async def test_position_is_restored_on_reopening(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.press("pagedown", "pagedown", "down", "right")
        cursor, top = app.reading.view.cursor, app.reading.view.top
        assert top > 0
        await pilot.press("escape")
    assert (store.document(drones).cursor, store.document(drones).scroll) == (cursor, top)
    again = reading_app(drones)
    async with again.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        assert (again.reading.view.cursor, again.reading.view.top) == (cursor, top)


async def test_copy_headless_gives_a_notice(store, reading_app, drones, monkeypatch) -> None:
    def no_clipboard(text: str) -> None:
        raise clipboard.pyperclip.PyperclipException("no copy/paste mechanism")

    monkeypatch.setattr(clipboard.pyperclip, "copy", no_clipboard)
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("y")  # nothing selected, no annotation: a hint, no copy
        await pilot.press("w", "y")
        assert app.clipboard == "The"
        notices = [n.message for n in app._notifications]
        assert notices[-1] == (
            "Sent 3 characters to the terminal's clipboard (no system clipboard found)"
        )
        await pilot.press("Y")
        assert app.clipboard == store.document(drones).text


async def test_copy_with_a_system_clipboard(
    store, reading_app, drones, monkeypatch, press_until
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(clipboard.pyperclip, "copy", copied.append)
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        await select_phrase(pilot, app, press_until)
        await pilot.press("1", "y")  # the annotation under the cursor
        assert copied == [PHRASE]
        notices = [n.message for n in app._notifications]
        assert notices[-1] == "Copied 32 characters to the clipboard"


async def test_mouse_click_places_the_cursor_and_drag_selects(
    store, reading_app, drones, annotation_rows
):
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        view = app.reading.view
        await pilot.click(view, offset=(5, 0))  # padding 1: column 4 of row 0
        assert view.cursor == 4 and view.selection is None
        await pilot.mouse_down(view, offset=(5, 1))
        await pilot.hover(view, offset=(14, 1))
        await pilot.mouse_up(view, offset=(14, 1))
        assert view.wrap is not None
        row_start = view.wrap.starts[1]
        assert view.selection == (row_start + 4, row_start + 14)
        await pilot.press("2")
        assert annotation_rows()[0][:2] == (row_start + 4, row_start + 14)


def panel_lines(app) -> list[str]:
    """The annotation panel's rows as shown: label line and passage line of each annotation."""
    panel = app.reading.panel
    lines = [panel.render_line(y).text.rstrip() for y in range(2 * len(panel.entries))]
    return [f"{label}\n{passage}" for label, passage in zip(lines[::2], lines[1::2], strict=True)]


LEAD = "The United States has released a warning"
LATER = "maliciously spreading disinformation"


@pytest.fixture
def tagged(store, drones) -> tuple[int, int]:
    """The drones article with two annotations, one before PHRASE (with a note), one after."""
    text = store.document(drones).text
    lead, later = text.index(LEAD), text.index(LATER)
    added = store.add_annotation(drones, lead, lead + len(LEAD), "official statement")
    store.update_annotation(added.id, note="named")
    store.add_annotation(drones, later, later + len(LATER), "denial")
    return lead, later


async def test_annotation_panel_jumps_to_an_annotation(store, reading_app, drones) -> None:
    text = store.document(drones).text
    start = text.index(PHRASE)
    store.add_annotation(drones, start, start + len(PHRASE), "denial")
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("tab", "enter")
        view = app.reading.view
        assert view.cursor == start and view.has_focus


async def test_panel_lists_a_new_annotation_and_drops_it_on_undo(
    reading_app, drones, tagged, press_until
) -> None:
    app = reading_app(drones)
    listed = [
        "■ official statement ✎\n  The United States has released a …",
        "■ denial\n  maliciously spreading disinformat…",
    ]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert panel_lines(app) == listed
        await select_phrase(pilot, app, press_until)
        await pilot.press("1")
        new = "■ anonymous source\n  sources familiar with the matter"
        assert panel_lines(app) == [listed[0], new, listed[1]]
        panel = app.reading.panel
        assert panel.current is not None and panel.current.annotation.quote == PHRASE
        await pilot.press("u")
        assert panel_lines(app) == listed
        await pilot.press("U")
        assert panel_lines(app) == [listed[0], new, listed[1]]
        await pilot.press("c", "3")  # the label changes in place
        assert panel_lines(app)[1] == "■ denial\n  sources familiar with the matter"
        await pilot.press("x")
        assert panel_lines(app) == listed


async def test_enter_on_a_panel_row_moves_the_cursor_to_it(reading_app, drones, tagged) -> None:
    lead, later = tagged
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        view, panel = app.reading.view, app.reading.panel
        await pilot.press("tab")
        assert panel.has_focus
        await pilot.press("down", "enter")
        assert view.cursor == later and view.has_focus
        await pilot.press("tab", "up", "enter")
        assert view.cursor == lead
        # The panel follows the cursor in the text.
        await pilot.press("]")
        assert panel.current is not None and panel.current.annotation.start == later


async def test_custom_labels_keymap_and_clashing_keys(
    store, reading_app, drones, annotation_rows
) -> None:
    config = parse_config(
        {
            "labels": [
                {"name": "claim", "key": "k", "color": "#009E73"},
                {"name": "quote", "key": "q"},
            ]
        }
    )
    app = reading_app(drones, config)
    async with app.run_test(size=(120, 36)) as pilot:
        app.set_keymap({"reading.select": "m"})
        await pilot.press("m", "right", "right", "q")
        assert annotation_rows() == [(0, 3, "quote", "The", None, True)]
        notices = [n.message for n in app._notifications]
        assert any("Label key 'k' of 'claim' is also a reading key" in n for n in notices)
        assert "claim" in str(app.reading.query_one("#reading-legend").render())


async def test_panel_cursor_skips_an_annotation_with_nothing_shown(
    store, reading_app, new_document
) -> None:
    text = "# Title\n\nSome **bold** words here.\n"
    doc = new_document(text, title="marked", fmt="markdown")
    for quote, label in (("Title", "denial"), ("**", "official statement"), ("words", "denial")):
        start = text.index(quote)
        store.add_annotation(doc, start, start + len(quote), label)
    app = reading_app(doc)
    async with app.run_test(size=(120, 36)) as pilot:
        view, panel = app.reading.view, app.reading.panel
        await pilot.pause()
        assert panel_lines(app) == [
            "■ denial\n  Title",
            "■ official statement\n  **",  # only markup: listed, dimmed, struck through
            "■ denial\n  words",
        ]
        assert [seg.text for seg in panel.render_line(3) if seg.style and seg.style.strike] == [
            "**"
        ]
        await pilot.press("tab", "down", "enter")
        assert view.text[view.cursor : view.cursor + 5] == "words"
        await pilot.press("tab", "up", "up", "enter")
        assert view.cursor == view.text.index("Title")


async def test_focus_and_theme_changes_repaint_both_cursors(reading_app, drones, tagged) -> None:
    """Rows are painted once and kept: a change of focus or theme must paint them again."""
    app = reading_app(drones)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the suggestions are drawn
        await pilot.pause()
        view, panel = app.reading.view, app.reading.panel

        def shown(widget, y: int, x: int) -> Style:
            """The style of the cell at (x, y) of a widget, as the screen gets it."""
            strip = widget.render_lines(Region(0, y, widget.size.width, 1))[0]
            style = strip.crop(x, x + 1)._segments[0].style
            assert style is not None
            return style

        def view_cursor() -> Style:
            assert view.wrap is not None
            y = view.wrap.row_of(view.cursor) - int(view.scroll_y)
            return shown(view, y, 1 + view.x_of(view.cursor))  # after the padding

        def panel_row(y: int) -> Style:
            return shown(panel, y, panel.size.width - 2)  # a blank cell at the row's end

        def view_row_end() -> Style:
            return shown(view, 0, view.size.width - 3)  # before the padding and the scrollbar

        focused, unfocused_row, plain_text = view_cursor(), panel_row(0), view_row_end()
        assert focused.reverse and not focused.underline
        await pilot.press("tab")
        blurred, focused_row = view_cursor(), panel_row(0)
        assert blurred.underline and not blurred.reverse
        assert focused_row.bgcolor != unfocused_row.bgcolor
        await pilot.press("tab")
        assert view_cursor() == focused and panel_row(0) == unfocused_row

        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        plain = panel_row(2)  # the second annotation: not under the panel's cursor
        assert plain.bgcolor == panel.rich_style.bgcolor != unfocused_row.bgcolor
        assert view_cursor().reverse
        assert view_row_end().bgcolor == view.rich_style.bgcolor != plain_text.bgcolor
