"""Snapshots of the reading screen at fixed terminal sizes, once its suggestions are shown."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from reader.core.store import Store


async def suggested(pilot: Pilot[Any]) -> None:
    """Wait for the suggestions, which are computed in a thread."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()


@pytest.fixture
def drones(store: Store, find_doc) -> int:
    """The drones article with three annotations, two of them nested, one with a note."""
    drones = find_doc("drones")
    text = store.document(drones).text

    def tag(quote: str, label: str, note: str | None = None) -> None:
        start = text.index(quote)
        added = store.add_annotation(drones, start, start + len(quote), label)
        if note:
            store.update_annotation(added.id, note=note)

    tag("as per the sources familiar with the matter", "anonymous source", "no names given")
    tag("sources familiar", "denial")
    tag("The United States has released a warning", "official statement")
    return drones


def test_reading_screen_with_annotations(reading_app, drones, snap_compare) -> None:
    app = reading_app(drones)
    # Onto the nested annotation: the status line names both labels.
    assert snap_compare(app, press=["]", "]"], terminal_size=(120, 30), run_before=suggested)


def test_reading_screen_selecting(reading_app, drones, snap_compare) -> None:
    app = reading_app(drones)
    assert snap_compare(
        app,
        press=["down", "down", "down", "v", "ctrl+right"],
        terminal_size=(120, 30),
        run_before=suggested,
    )


def test_reading_screen_narrow_markdown(reading_app, find_doc, snap_compare) -> None:
    app = reading_app(find_doc("ministry"))
    assert snap_compare(app, press=["s"], terminal_size=(80, 24), run_before=suggested)


def test_label_picker(reading_app, drones, snap_compare) -> None:
    app = reading_app(drones)
    assert snap_compare(app, press=["]", "c"], terminal_size=(100, 24), run_before=suggested)
