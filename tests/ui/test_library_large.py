"""100,000 documents: the library opens, pages down and jumps to the end (functional, not timed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

from reader.core.store import NewDocument, Store
from reader.ui.app import ReaderApp
from reader.ui.library import PAGE_SIZE, DocumentList

COUNT = 100_000


@pytest.fixture(scope="module")
def large_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "reader.db"
    docs = (
        NewDocument(f"doc-{i:06d}", f"Document {i:06d}", f"text {i}", f"{i:064x}")
        for i in range(COUNT)
    )
    with Store(path) as store:
        store.import_documents(docs)
        store.set_status(COUNT, "done")
    return path


def shown_titles(documents: DocumentList) -> list[str]:
    height = documents.scrollable_content_region.height
    lines = [documents.render_line(y).text.split("  ")[0].strip() for y in range(1, height)]
    return [line for line in lines if line]


def thumb_rows(documents: DocumentList) -> list[int]:
    """The rows of the list's scrollbar where its thumb is drawn."""
    bar = documents.vertical_scrollbar
    lines = bar.render_lines(Region(0, 0, 1, bar.size.height))
    return [
        y
        for y, line in enumerate(lines)
        if any(s.text.strip() or (s.style and s.style.reverse) for s in line)
    ]


async def test_the_scrollbar_follows_the_list(large_db: Path) -> None:
    app = ReaderApp(large_db)
    async with app.run_test(size=(100, 30)) as pilot:
        documents = app.library.documents
        bar = documents.vertical_scrollbar
        assert thumb_rows(documents) == [0]
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert documents.scroll_y > 0 and bar.position == documents.scroll_y
        assert thumb_rows(documents) == [0]  # a few rows of 100,000 move it by no cell
        await pilot.press("G")
        assert bar.position == documents.scroll_y
        assert thumb_rows(documents) == [bar.size.height - 1]
        documents.move_to(COUNT // 2)
        await pilot.pause()
        middle = bar.size.height // 2
        assert thumb_rows(documents) and set(thumb_rows(documents)) <= {middle - 1, middle}
        await pilot.press("g")
        assert bar.position == documents.scroll_y == 0 and thumb_rows(documents) == [0]


async def test_library_of_100k_documents_opens_pages_and_jumps(large_db: Path) -> None:
    app = ReaderApp(large_db)
    async with app.run_test(size=(100, 30)) as pilot:
        documents = app.library.documents
        assert documents.row_count == COUNT
        visible = shown_titles(documents)
        assert visible[:3] == ["Document 000000", "Document 000001", "Document 000002"]
        await pilot.pause()
        last_page = (COUNT - 1) // PAGE_SIZE
        assert sorted(documents._pages) == [0, last_page]  # the last read ahead, for End

        await pilot.press("pagedown", "pagedown")
        rows = documents.visible_rows
        assert documents.cursor == 2 * rows
        assert documents.current.title == f"Document {2 * rows:06d}"  # type: ignore[union-attr]

        await pilot.press("G")
        assert documents.cursor == COUNT - 1
        assert shown_titles(documents)[-2:] == ["Document 099998", "Document 099999"]
        assert sorted(documents._pages) == [0, last_page]  # nothing between

        for _ in range(3):  # back up across a page boundary, by keys from the last page
            await pilot.press("pageup")
        for i in range(COUNT - 1 - 3 * rows, COUNT - 1 - 3 * rows - 5, -1):
            assert documents.row(i).title == f"Document {i:06d}"  # type: ignore[union-attr]

        documents.move_to(COUNT // 2 + 17)  # far from any page read so far
        await pilot.pause()
        assert documents.current.title == f"Document {COUNT // 2 + 17:06d}"  # type: ignore[union-attr]
        assert documents.row((COUNT // 2 // PAGE_SIZE) * PAGE_SIZE - 1).id == COUNT // 2  # type: ignore[union-attr]

        await pilot.press("f", "f", "f")  # status: done
        assert documents.row_count == 1
        assert shown_titles(documents) == [f"Document {COUNT - 1:06d}"]


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs and what the workers read is drawn."""
    await pilot.pause()
    while pilot.app.workers:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_a_search_of_100k_documents_reads_its_pages_in_workers(large_db: Path) -> None:
    app = ReaderApp(large_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"text", "enter")
        await settle(pilot)
        documents = app.library.documents
        assert documents.shown.query == "text" and documents.row_count == COUNT
        first = documents.row(0)
        assert first is not None and first.title == "Document 000000"
        assert first.snippet is not None and "\ue000text\ue001 0" in first.snippet
        assert list(documents._pages) == [0]

        await pilot.press("G")
        await settle(pilot)
        assert sorted(documents._pages) == [0, (COUNT - 1) // PAGE_SIZE]
        last = documents.current
        assert last is not None and last.title == f"Document {COUNT - 1:06d}"
        assert last.snippet is not None and f"text\ue001 {COUNT - 1}" in last.snippet
        bottom = documents.scrollable_content_region.height - 1
        assert (
            documents.render_line(bottom - 1).text.strip().startswith(f"Document {COUNT - 1:06d}")
        )
