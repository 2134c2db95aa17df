"""Orphans (annotations whose passage was lost when their document changed) in the reading
screen: listed in the panel, never drawn, and placed again by keys."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from reader.core.store import NewDocument, Store, sha256_hex

LOST = "Beta denied the secret deal."
LOST_TOO = "Delta confirmed the meeting."
NEW_PLACE = "Gamma welcomed the harvest."
BEFORE = f"Alpha said the plan was fine.\n\n{LOST}\n\n{LOST_TOO}\n"
AFTER = f"Alpha said the plan was fine.\n\n{NEW_PLACE}\n\nEpsilon praised the weather.\n"
SIZE = (120, 30)


def reimport(store: Store, text: str) -> None:
    store.import_documents(
        [NewDocument(external_id="edited", title="edited", text=text, sha256=sha256_hex(text))]
    )


@pytest.fixture
def edited(store: Store, new_document) -> tuple[int, list[str]]:
    """A document whose two tagged sentences vanished when it was imported again."""
    doc = new_document(BEFORE, title="edited")
    ids = [
        store.add_annotation(doc, BEFORE.index(q), BEFORE.index(q) + len(q), label).id
        for q, label in ((LOST, "denial"), (LOST_TOO, "official statement"))
    ]
    reimport(store, AFTER)
    assert [a.id for a in store.orphans(doc)] == ids
    return doc, ids


def row(store: Store, ann_id: str) -> tuple[Any, ...]:
    query = 'SELECT start, "end", quote, orphaned, deleted_at IS NULL FROM annotations WHERE id = ?'
    return store.conn.execute(query, (ann_id,)).fetchone()


def panel_lines(app) -> list[str]:
    """The panel's rows as shown, two lines (label, passage) per annotation."""
    panel = app.reading.panel
    lines = [panel.render_line(y).text.rstrip() for y in range(2 * len(panel.entries))]
    return [f"{label}\n{passage}" for label, passage in zip(lines[::2], lines[1::2], strict=True)]


async def select_new_place(pilot: Pilot[Any], app, press_until) -> None:
    view = app.reading.view
    start = view.text.index(NEW_PLACE)
    await press_until(pilot, "down", lambda: view.cursor >= start)
    await pilot.press("s")  # the sentence at the cursor
    assert view.selection == (start, start + len(NEW_PLACE))


async def test_orphans_are_listed_not_drawn_and_placed_by_keys(
    store, reading_app, edited, press_until
) -> None:
    doc, (lost, lost_too) = edited
    old = row(store, lost)
    app = reading_app(doc)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.reading.view.highlights == []
        assert panel_lines(app) == [
            "⚠ orphan ■ denial\n  " + LOST,
            "⚠ orphan ■ official statement\n  " + LOST_TOO,
        ]
        status = str(app.reading.query_one("#reading-status").render())
        assert "⚠ 2 orphaned" in status

        await pilot.press("tab", "down", "enter")  # pick the second orphan in the panel
        assert app.reading.view.has_focus
        status = str(app.reading.query_one("#reading-status").render())
        assert f"placing “{LOST_TOO[:23]}…”" in status
        await select_new_place(pilot, app, press_until)
        await pilot.press("o")
        start = AFTER.index(NEW_PLACE)
        assert row(store, lost_too) == (start, start + len(NEW_PLACE), NEW_PLACE, 0, 1)
        assert row(store, lost) == old  # the other orphan stays as it was
        view = app.reading.view
        assert [(h.start, h.end, h.id) for h in view.highlights] == [
            (start, start + len(NEW_PLACE), lost_too)
        ]
        await pilot.pause()
        assert panel_lines(app) == [
            "⚠ orphan ■ denial\n  " + LOST,
            "■ official statement\n  " + NEW_PLACE,
        ]

        await pilot.press("u")
        assert row(store, lost_too)[3] == 1
        assert view.highlights == []
        await pilot.press("U")
        assert row(store, lost_too) == (start, start + len(NEW_PLACE), NEW_PLACE, 0, 1)


async def test_o_needs_a_picked_orphan_when_there_are_several(
    store, reading_app, edited, press_until
) -> None:
    doc, ids = edited
    app = reading_app(doc)
    async with app.run_test(size=SIZE) as pilot:
        await select_new_place(pilot, app, press_until)
        await pilot.press("o")
        assert [row(store, i)[3] for i in ids] == [1, 1]
        assert any("Pick an orphan" in n.message for n in app._notifications)


async def test_the_only_orphan_is_placed_without_picking(
    store, reading_app, edited, press_until
) -> None:
    doc, (lost, lost_too) = edited
    store.delete_annotation(lost_too)
    app = reading_app(doc)
    async with app.run_test(size=SIZE) as pilot:
        await select_new_place(pilot, app, press_until)
        await pilot.press("o")
        start = AFTER.index(NEW_PLACE)
        assert row(store, lost) == (start, start + len(NEW_PLACE), NEW_PLACE, 0, 1)
