"""The library screen driven by the keyboard: moving, opening, search, filters, sorts, palette."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from reader.config import Config
from reader.core.corpus import read_corpus
from reader.core.library_query import LibraryQuery, View
from reader.core.store import NewDocument, Store, sha256_hex
from reader.core.text import one_line
from reader.ui.app import ReaderApp
from reader.ui.library import SEARCH_DELAY, DocumentList, LibraryScreen, fit

SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "sample_corpus"
SIZE = (110, 24)


class StandIn(Screen[int]):
    """Takes the reading screen's place: remembers what it was given; escape returns."""

    BINDINGS = [("escape", "back", "Back")]  # noqa: RUF012

    def __init__(self, store: Store, doc_id: int, config: Config, neighbour: Any) -> None:
        super().__init__()
        self.store, self.doc_id, self.neighbour = store, doc_id, neighbour

    def compose(self) -> ComposeResult:
        yield Static(f"document {self.doc_id}")

    def action_back(self) -> None:
        self.dismiss(self.doc_id)


def sample_db(path: Path) -> Path:
    with Store(path, annotator="tester") as store:
        store.import_documents(read_corpus([SAMPLE_CORPUS]).documents)
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return sample_db(tmp_path / "reader.db")


@pytest.fixture
def make_app(db: Path) -> Callable[..., ReaderApp]:
    def build(**kwargs: Any) -> ReaderApp:
        return ReaderApp(db, annotator="tester", reading_screen_factory=StandIn, **kwargs)

    return build


def titles_by(store: Store, order: str) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in store.conn.execute(f"SELECT id, title FROM documents {order}")]


def listed(app: ReaderApp) -> list[int]:
    documents = app.library.documents
    return [documents.row(i).id for i in range(documents.row_count)]  # type: ignore[union-attr]


def line_text(documents: DocumentList, y: int) -> str:
    return documents.render_line(y).text


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs (searches, their pages, label counts) and what they read
    is drawn."""
    await pilot.pause()
    for _ in range(20):
        if not pilot.app.workers:
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError("workers keep starting")


def summary_text(app: ReaderApp) -> str:
    return str(app.library.query_one("#summary", Static).render())


async def until(pilot: Pilot[None], holds: Callable[[], bool]) -> None:
    """Let the app run until ``holds()`` (what a worker posted has been handled)."""
    for _ in range(500):
        if holds():
            return
        await pilot.pause(0.01)
    raise AssertionError("never came")


async def type_search(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *[k if k != " " else "space" for k in text])
    await pilot.pause(SEARCH_DELAY + 0.1)
    await settle(pilot)


async def test_list_shows_every_document_with_its_columns(make_app, db) -> None:
    app = make_app()
    async with app.run_test(size=SIZE):
        documents = app.library.documents
        assert documents.row_count == 4
        assert documents.has_focus
        store = app.store
        expected = titles_by(store, "ORDER BY id")
        assert listed(app) == [i for i, _ in expected]
        header = line_text(documents, 0)
        assert header.split() == ["Title", "Chars", "Notes", "Status"]
        first = line_text(documents, 1)
        doc = store.document(expected[0][0])
        assert first.startswith(" " + doc.title[:40])
        assert f"{len(doc.text):,}" in first and first.rstrip().endswith("○ new")


@given(st.text(), st.integers(1, 60))
@example("plain ascii title", 5)
@example("exactly", 7)
@example("北京 talks 😀", 6)
def test_fit_cuts_or_pads_to_exactly_the_width(text: str, width: int) -> None:
    text = one_line(text)
    fitted = fit(text, width)
    assert cell_len(fitted) == width
    cut = set_cell_size(text, width - 1) + "…" if cell_len(text) > width else text
    assert fitted == set_cell_size(cut, width)


@pytest.mark.parametrize("columns", [110, 41, 20])
async def test_every_row_is_exactly_as_wide_as_the_list(db: Path, columns: int) -> None:
    wide = "北京 and São Paulo 😀 talks " * 4
    with Store(db) as store:
        store.import_documents([NewDocument("wide", wide, wide, sha256_hex(wide))])
    app = ReaderApp(db, annotator="tester", reading_screen_factory=StandIn)
    async with app.run_test(size=(columns, 24)):
        documents = app.library.documents
        width = documents.scrollable_content_region.width
        lines = [documents.render_line(y) for y in range(documents.row_count + 1)]
        assert [line.cell_length for line in lines] == [width] * len(lines)
        assert [cell_len(line.text) for line in lines] == [width] * len(lines)
        if columns == 110:
            assert lines[5].text.startswith(" 北京 and São Paulo 😀 talks 北京")
            assert lines[5].text.rstrip().endswith("0 ○ new")


async def test_moving_with_j_k_arrows_pages_and_ends(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        documents = app.library.documents
        await pilot.press("j", "j")
        assert documents.cursor == 2
        await pilot.press("k")
        assert documents.cursor == 1
        await pilot.press("down", "down", "down", "down")
        assert documents.cursor == 3  # stops at the last row
        await pilot.press("up")
        assert documents.cursor == 2
        await pilot.press("g")
        assert documents.cursor == 0
        await pilot.press("G")
        assert documents.cursor == 3
        await pilot.press("home", "pagedown")
        assert documents.cursor == 3
        await pilot.press("pageup")
        assert documents.cursor == 0
        await pilot.press("end")
        assert documents.cursor == 3


async def test_a_cursor_move_repaints_only_the_two_rows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        documents = app.library.documents
        await settle(pilot)
        drawn: list[int] = []
        render_line = documents.render_line
        documents.render_line = lambda y: (drawn.append(y), render_line(y))[1]  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause()
        assert sorted(set(drawn)) == [1, 2]  # rows 0 and 1, below the column headings
        assert line_text(documents, 2) == render_line(2).text
        drawn.clear()
        await pilot.press("G")
        await pilot.pause()
        assert sorted(set(drawn)) == [2, 4]


async def test_rows_take_the_new_colours_when_the_theme_changes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        documents = app.library.documents
        before = [s.style for s in documents.render_line(1)]  # the cursor row
        app.action_toggle_theme()
        await pilot.pause()
        after = [s.style for s in documents.render_line(1)]
        assert before != after
        assert after == [s.style for s in documents.render_line(1)]


async def test_click_selects_and_double_click_opens(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(DocumentList, offset=(10, 3))  # below the headings: the third row
        assert app.library.documents.cursor == 2
        await pilot.double_click(DocumentList, offset=(10, 2))
        reading = app.screen
        assert isinstance(reading, StandIn) and reading.doc_id == listed(app)[1]


async def test_enter_opens_the_document_and_escape_returns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        reading = app.screen
        assert isinstance(reading, StandIn)
        assert reading.doc_id == listed(app)[1]
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        assert app.library.documents.cursor == 1


async def test_returning_shows_new_counts_and_status(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = summary_text(app)
        assert "done 0/4 (0%) · in progress 0 │" in summary and "denial 0" in summary
        await pilot.press("enter")
        reading = app.screen
        assert isinstance(reading, StandIn)
        reading.store.add_annotation(reading.doc_id, 0, 5, "denial")
        reading.store.add_annotation(reading.doc_id, 6, 9, "denial")
        reading.store.add_annotation(reading.doc_id, 0, 3, "anonymous source")
        reading.store.set_status(listed(app)[3], "done")
        await pilot.press("escape")
        row = app.library.documents.row(0)
        assert row is not None and (row.annotation_count, row.status) == (3, "in_progress")
        assert "◐ in progress" in line_text(app.library.documents, 1)
        assert "done 1/4 (25%) · in progress 1 │" in summary_text(app)  # status: at once
        await settle(pilot)
        summary = summary_text(app)
        assert "anonymous source 2" not in summary
        assert "anonymous source 1" in summary and "denial 2" in summary
        assert "official statement 0" in summary


async def test_label_counts_come_from_a_worker_and_never_hold_up_the_list(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = threading.Event()
    release = threading.Event()
    threads: list[str] = []
    label_counts = LibraryQuery.label_counts

    def slow_label_counts(self: LibraryQuery) -> dict[str, int]:
        threads.append(threading.current_thread().name)
        counting.set()
        release.wait(10)
        return label_counts(self)

    monkeypatch.setattr(LibraryQuery, "label_counts", slow_label_counts)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert await asyncio.to_thread(counting.wait, 10)
        await until(pilot, lambda: "done 0/4 (0%)" in summary_text(app))  # counted before
        assert "denial …" in summary_text(app)
        await pilot.press("j", "j")  # the list answers meanwhile
        assert app.library.documents.cursor == 2
        release.set()
        await settle(pilot)
        assert "denial 0" in summary_text(app)
    assert threads and threading.main_thread().name not in threads


async def test_status_counts_at_start_come_from_a_worker_after_the_list(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    threads: list[str] = []
    status_counts = LibraryQuery.status_counts

    def slow_status_counts(self: LibraryQuery) -> dict[str, int]:
        threads.append(threading.current_thread().name)
        release.wait(10)
        return status_counts(self)

    monkeypatch.setattr(LibraryQuery, "status_counts", slow_status_counts)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.library.documents.row_count == 4
        assert "done … · in progress … │" in summary_text(app) and "denial …" in summary_text(app)
        release.set()
        await settle(pilot)
        assert "done 0/4 (0%) · in progress 0 │" in summary_text(app)
        assert "denial 0" in summary_text(app)
    assert threads and threading.main_thread().name not in threads


async def test_opening_a_listed_document_from_anywhere_counts_no_position(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[int] = []
    position = LibraryQuery.position

    def counting_position(self: LibraryQuery, view: View, doc_id: int) -> int | None:
        counted.append(doc_id)
        return position(self, view, doc_id)

    monkeypatch.setattr(LibraryQuery, "position", counting_position)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        target = listed(app)[2]
        app.open_document(target)  # as the palette does: its row is read, its place known
        await pilot.pause()
        assert isinstance(app.screen, StandIn) and app.screen.doc_id == target
        assert counted == []
        assert app.library.documents.cursor == 2


async def test_cursor_follows_the_document_last_read(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        reading = app.screen
        assert isinstance(reading, StandIn)
        reading.doc_id = listed(app)[2]  # the reader moved on to another document
        await pilot.press("escape")
        assert app.library.documents.cursor == 2


async def test_neighbour_follows_the_lists_sort_and_filter(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")  # sort by title
        assert app.library.documents.view.sort == "title"
        order = [i for i, _ in titles_by(app.store, "ORDER BY title, id")]
        assert listed(app) == order
        assert app.library.documents.cursor == order.index(1)  # still on the same document
        await pilot.press("g", "enter")
        reading = app.screen
        assert isinstance(reading, StandIn)
        assert reading.doc_id == order[0]
        assert reading.neighbour(order[0], 1) == order[1]
        assert reading.neighbour(order[1], -1) == order[0]
        assert reading.neighbour(order[-1], 1) is None


async def test_search_as_you_type_shows_matches_with_snippets(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_search(pilot, "familiar with the matt")
        documents = app.library.documents
        assert documents.view == documents.shown and not documents.searching
        want = {
            r[0]
            for r in app.store.conn.execute(
                "SELECT id FROM documents WHERE text LIKE '%familiar with the matter%'"
            )
        }
        assert documents.row_count == len(want) >= 1
        assert set(listed(app)) == want
        row = documents.row(0)
        assert row is not None and row.snippet
        snippet_line = line_text(documents, 2)
        assert "familiar" in snippet_line and "\ue000" not in snippet_line
        matched = [s for s in documents.render_line(2) if s.text in ("familiar", "matter")]
        assert matched and all(s.style and s.style.underline for s in matched)
        await pilot.press("enter")  # leaves the box for the results
        assert documents.has_focus
        await pilot.press("enter")
        assert isinstance(app.screen, StandIn)


class HeldSearches:
    """Makes a search's first read (in its worker) wait until released; records threads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, held: str) -> None:
        self.held, self.started, self.release = held, threading.Event(), threading.Event()
        self.threads: list[str] = []
        open_view = LibraryQuery.open

        def held_open(query: LibraryQuery, view: View, *args: Any) -> Any:
            if view.query:
                self.threads.append(threading.current_thread().name)
            if view.query == held:
                self.started.set()
                self.release.wait(10)
            return open_view(query, view, *args)

        monkeypatch.setattr(LibraryQuery, "open", held_open)

    async def wait_started(self) -> None:
        assert await asyncio.to_thread(self.started.wait, 10)


async def test_search_runs_in_a_worker_the_list_answering_meanwhile(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch, "drones")
    shown: list[str] = []
    show = DocumentList._show
    monkeypatch.setattr(
        DocumentList,
        "_show",
        lambda self, opened: (shown.append(opened.view.query), show(self, opened)),
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        documents = app.library.documents
        await pilot.press("slash", *"drones")
        await held.wait_started()
        view_line = str(app.library.query_one("#view-line", Static).render())
        assert "4 shown" in view_line and "searching …" in view_line
        assert documents.row_count == 4 and documents.searching  # the last rows stay
        await pilot.press("enter", "slash", *"grain")  # replaces the text: a newer search
        await pilot.pause(SEARCH_DELAY + 0.1)
        held.release.set()
        await settle(pilot)
        assert documents.shown.query == "grain" and not documents.searching
        assert shown == ["", "grain"]  # the stale search was never shown
        want = [i for i, _ in titles_by(app.store, "WHERE text LIKE '%grain%'")]
        drones = [i for i, _ in titles_by(app.store, "WHERE text LIKE '%drones%'")]
        assert listed(app) == want and len(want) == len(drones) == 1 != len(set(want + drones))
        assert documents.cursor == 0
        view_line = str(app.library.query_one("#view-line", Static).render())
        assert f"{len(want)} shown" in view_line and "searching" not in view_line
    assert held.threads and threading.main_thread().name not in held.threads


async def test_keys_pressed_while_searching_act_on_its_results(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch, "said")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        documents = app.library.documents
        await pilot.press("slash", *"said", "enter")  # to the list at once
        await held.wait_started()
        await pilot.press("G", "k")
        assert documents.cursor == 0 and documents.has_focus  # kept for the results
        held.release.set()
        await settle(pilot)
        assert documents.row_count == 3 and documents.cursor == 1  # the last of 3, one up


async def test_enter_while_searching_opens_the_first_result(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldSearches(monkeypatch, "ministry")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "slash", *"ministry", "enter")
        await held.wait_started()
        await pilot.press("enter")
        assert isinstance(app.screen, LibraryScreen)  # not the row the cursor was on
        held.release.set()
        await settle(pilot)
        reading = app.screen
        assert isinstance(reading, StandIn)
        target = next(i for i, t in titles_by(app.store, "") if t.startswith("Ministry"))
        assert reading.doc_id == target


async def test_snippets_of_a_page_are_read_by_a_worker_once(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, list[int]]] = []
    snippets = LibraryQuery.snippets

    def recorded(self: LibraryQuery, text: str, ids: list[int]) -> dict[int, str]:
        asked.append((threading.current_thread().name, list(ids)))
        return snippets(self, text, ids)

    monkeypatch.setattr(LibraryQuery, "snippets", recorded)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_search(pilot, "said")
        documents = app.library.documents
        rows = [documents.row(i) for i in range(documents.row_count)]
        assert len(rows) == 3 and all(r is not None and r.snippet for r in rows)
        assert [ids for _, ids in asked] == [[r.id for r in rows if r is not None]]
        assert threading.main_thread().name not in {name for name, _ in asked}
        for row in rows:
            assert "\ue000said\ue001" in row.snippet.lower()  # type: ignore[union-attr]


async def test_search_with_fts_syntax_characters_does_not_fail(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_search(pilot, '"china AND -russia OR (')
        assert app.library.documents.row_count >= 1
        await pilot.press("escape")  # clears the search
        assert app.library.documents.row_count == 4
        assert app.library.query_one("#search").value == ""  # type: ignore[attr-defined]


async def test_search_with_no_result(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_search(pilot, "xylophone")
        documents = app.library.documents
        assert documents.row_count == 0
        await pilot.press("enter", "enter", "j", "G")  # nothing to open, nothing breaks
        assert isinstance(app.screen, LibraryScreen)


async def test_status_and_label_filters(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        ids = listed(app)
        app.store.set_status(ids[1], "done")
        app.store.add_annotation(ids[2], 0, 4, "official statement")
        app.library.refresh_documents()
        await pilot.press("f")  # new
        assert listed(app) == [ids[0], ids[3]]
        await pilot.press("f")  # in progress
        assert listed(app) == [ids[2]]
        await pilot.press("f")  # done
        assert listed(app) == [ids[1]]
        await pilot.press("f")  # all again
        assert listed(app) == ids
        await pilot.press("l")  # anonymous source: read by a worker
        await settle(pilot)
        assert listed(app) == []
        await pilot.press("l")  # official statement
        await settle(pilot)
        assert listed(app) == [ids[2]]
        view_line = str(app.library.query_one("#view-line", Static).render())
        assert "label: official statement" in view_line and "1 shown" in view_line


async def test_the_label_filter_follows_tagging_in_the_reading_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        ids = listed(app)
        app.store.add_annotation(ids[0], 0, 4, "denial")
        app.library.set_label_filter("denial")
        await settle(pilot)
        assert listed(app) == [ids[0]]
        await pilot.press("enter")
        reading = app.screen
        assert isinstance(reading, StandIn)
        reading.store.add_annotation(ids[2], 0, 4, "denial")
        (tagged,) = reading.store.annotations(ids[0])
        reading.store.delete_annotation(tagged.id)
        await pilot.press("escape")
        await settle(pilot)
        assert listed(app) == [ids[2]]


async def test_sorts_and_reverse(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        store = app.store
        ids = listed(app)
        store.add_annotations(ids[3], [(0, 3, "denial"), (4, 8, "denial")])
        store.add_annotation(ids[1], 0, 3, "denial")
        app.library.refresh_documents()
        await pilot.press("o")
        assert listed(app) == [i for i, _ in titles_by(store, "ORDER BY title, id")]
        await pilot.press("r")
        assert listed(app) == [i for i, _ in titles_by(store, "ORDER BY title DESC, id DESC")]
        await pilot.press("o")  # date: newest first
        order = "ORDER BY updated_at DESC, id DESC"
        assert listed(app) == [i for i, _ in titles_by(store, order)]
        await pilot.press("o")  # annotation count: most first
        assert listed(app)[:2] == [ids[3], ids[1]]
        await pilot.press("o")
        assert listed(app) == ids


async def test_palette_jumps_to_a_document_by_title(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        target = next(i for i, t in titles_by(app.store, "") if t.startswith("Ministry"))
        await pilot.press("ctrl+p")
        await pilot.press(*"ministry grai")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        reading = app.screen
        assert isinstance(reading, StandIn) and reading.doc_id == target
        await pilot.press("escape")
        assert app.library.documents.current.id == target  # type: ignore[union-attr]


HOSTILE_TITLE = (
    "[@click=app.quit]Click[/] [/b] [red]x[/red] \x1b[2J\x1b]0;owned\x07 \u202eevil \x9b"
)


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    path = sample_db(tmp_path / "reader.db")
    text = HOSTILE_TITLE + "\nbody text with [b]markup[/b] and familiar words \x1b]52;c;aGk=\x07"
    with Store(path) as store:
        store.import_documents([NewDocument("hostile", HOSTILE_TITLE, text, sha256_hex(text))])
    return path


async def test_hostile_titles_are_shown_literally_and_run_nothing(hostile_db: Path) -> None:
    app = ReaderApp(hostile_db, reading_screen_factory=StandIn, notices=[HOSTILE_TITLE])
    async with app.run_test(size=SIZE) as pilot:
        documents = app.library.documents
        await pilot.press("G")
        line = line_text(documents, 5)
        assert "[@click=app.quit]Click[/] [/b] [red]x[/red]" in line
        assert not any(c in line for c in "\x1b\x07\u202e\x9b")
        assert "␛[2J" in line
        await pilot.click(DocumentList, offset=(5, 5))
        await type_search(pilot, "familiar")
        await pilot.press("ctrl+p", *"click")
        await pilot.pause(0.5)
        await pilot.press("escape")
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert all("\x1b" not in m and "\u202e" not in m for m in messages)
    assert app.return_code in (None, 0)


def test_library_snapshot(snap_compare, db: Path) -> None:
    app = ReaderApp(db, annotator="tester", reading_screen_factory=StandIn)

    async def move(pilot: Pilot[None]) -> None:
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=move)


def test_library_search_snapshot(snap_compare, db: Path) -> None:
    app = ReaderApp(db, annotator="tester", reading_screen_factory=StandIn)

    async def search(pilot: Pilot[None]) -> None:
        await type_search(pilot, "said")

    assert snap_compare(app, terminal_size=SIZE, run_before=search)


def test_library_light_theme_snapshot(snap_compare, db: Path) -> None:
    app = ReaderApp(db, config=Config(theme="reader-light"), reading_screen_factory=StandIn)

    async def sort_and_filter(pilot: Pilot[None]) -> None:
        await pilot.press("o", "f")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=sort_and_filter)


async def test_with_the_reading_screen_next_follows_the_list(db: Path) -> None:
    from reader.ui.reading_screen import ReadingScreen

    app = ReaderApp(db, annotator="tester")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o", "r", "g")  # titles, Z to A
        order = [i for i, _ in titles_by(app.store, "ORDER BY title DESC, id DESC")]
        await pilot.press("enter")
        reading = app.screen
        assert isinstance(reading, ReadingScreen) and reading.doc_id == order[0]
        await pilot.press("n")
        assert reading.doc_id == order[1]
        await pilot.press("d", "escape")  # mark it done, back to the list
        assert isinstance(app.screen, LibraryScreen)
        documents = app.library.documents
        assert documents.cursor == 1
        assert documents.current is not None and documents.current.status == "done"
