"""Snapshots of the reading screen at fixed terminal sizes."""

from __future__ import annotations

from reader.core.store import Store
from tests.ui.conftest import ReadingHost, doc_id


def annotate_drones(store: Store) -> int:
    """Three annotations, two of them nested, one with a note."""
    drones = doc_id(store, "drones")
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


def test_reading_screen_with_annotations(store: Store, snap_compare) -> None:
    app = ReadingHost(store, annotate_drones(store))
    # Onto the nested annotation: the status line names both labels.
    assert snap_compare(app, press=["]", "]"], terminal_size=(120, 30))


def test_reading_screen_selecting(store: Store, snap_compare) -> None:
    app = ReadingHost(store, annotate_drones(store))
    assert snap_compare(
        app, press=["down", "down", "down", "v", "ctrl+right"], terminal_size=(120, 30)
    )


def test_reading_screen_narrow_markdown(store: Store, snap_compare) -> None:
    app = ReadingHost(store, doc_id(store, "ministry"))
    assert snap_compare(app, press=["s"], terminal_size=(80, 24))


def test_label_picker(store: Store, snap_compare) -> None:
    app = ReadingHost(store, annotate_drones(store))
    assert snap_compare(app, press=["]", "c"], terminal_size=(100, 24))
