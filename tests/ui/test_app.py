"""The app shell: stylesheets, notices, keymap, help, themes, palette commands, long work, quit."""

from __future__ import annotations

import gc
import io
import sqlite3
import threading
from pathlib import Path

import pytest
from rich.console import Console
from textual.color import Color
from textual.widgets import HelpPanel, Input, ProgressBar, Select, Static

from reader.config import Config
from reader.core.library_query import LibraryQuery, Stats
from reader.core.store import Store
from reader.ui.adjudicate import AdjudicationScreen
from reader.ui.app import DARK, LIGHT, ReaderApp, freeze_what_is_loaded
from reader.ui.background import PathPrompt
from reader.ui.library import LibraryScreen
from reader.ui.resources import ResourceError, stylesheets
from reader.ui.stats import StatsScreen
from tests.ui.test_library import SIZE, StandIn, sample_db


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return sample_db(tmp_path / "reader.db")


def app_on(db: Path, **kwargs: object) -> ReaderApp:
    return ReaderApp(db, annotator="tester", reading_screen_factory=StandIn, **kwargs)  # type: ignore[arg-type]


def test_stylesheets_from_the_source_tree() -> None:
    sheets = stylesheets()
    assert sheets[0].name == "app.tcss" and sheets[0].is_file()
    assert sheets[0].parent == Path(__file__).resolve().parents[2] / "styles"


def test_stylesheets_from_an_installed_package(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "reader"
    (package / "styles").mkdir(parents=True)
    for name in ("app.tcss", "reading.tcss"):
        (package / "styles" / name).write_text("")
    assert stylesheets(package) == [
        package / "styles" / "app.tcss",
        package / "styles" / "reading.tcss",
    ]
    with pytest.raises(ResourceError):
        stylesheets(tmp_path / "elsewhere" / "reader")


async def test_notices_are_shown_as_plain_text(db: Path) -> None:
    notices = ["imported: 4 added", "bad.txt: [b]not UTF-8[/b] \x1b[31m"]
    app = app_on(db, notices=notices)
    async with app.run_test(size=SIZE):
        shown = [(n.message, n.severity, n.markup) for n in app._notifications]
        assert shown == [
            ("imported: 4 added", "information", False),
            ("bad.txt: [b]not UTF-8[/b] ␛[31m", "warning", False),
        ]


async def test_many_notices_are_summed_up(db: Path) -> None:
    app = app_on(db, notices=[f"file{i}.txt: empty" for i in range(20)])
    async with app.run_test(size=SIZE):
        messages = [n.message for n in app._notifications]
        assert len(messages) == 9 and messages[-1].startswith("… and 12 more")


async def test_keys_can_be_remapped_in_the_config(db: Path) -> None:
    app = app_on(db, config=Config(keymap={"library.down": "n", "app.quit": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "j")
        assert app.library.documents.cursor == 2  # j is no longer "down"
        await pilot.press("q")
        assert app.is_running
        await pilot.press("x")
    assert not app.is_running


async def test_question_mark_toggles_the_help_panel(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert app.screen.query(HelpPanel)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query(HelpPanel)


async def test_themes_from_config_and_toggle(db: Path) -> None:
    app = app_on(db, config=Config(theme="reader-light"))
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == LIGHT.name
        await pilot.press("ctrl+t")
        assert app.theme == "reader-dark"
        await pilot.press("ctrl+p", *"toggle light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert app.theme == LIGHT.name


async def test_the_first_app_to_start_freezes_what_is_loaded(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(gc.get_objects())))
    freeze_what_is_loaded.cache_clear()
    try:
        for _ in range(2):
            app = app_on(db)
            async with app.run_test(size=SIZE):
                assert isinstance(app.screen, LibraryScreen)
    finally:
        freeze_what_is_loaded.cache_clear()
    assert len(frozen) == 1 and frozen[0] > 0  # once in a process


async def test_the_app_opens_in_the_dark_theme_with_its_colours(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == DARK.name and app.current_theme is DARK
        assert app.screen.styles.background == Color.parse(DARK.background)
        documents = app.library.documents
        assert documents.styles.background == Color.parse(DARK.surface)

        def cursor_colour() -> str:
            style = next(iter(documents.render_line(1 + documents.cursor))).style
            assert style is not None and style.bgcolor is not None
            return Color.from_rich_color(style.bgcolor).hex

        dark = Color.parse(app.theme_variables["block-cursor-background"]).hex
        assert cursor_colour() == dark
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert documents.styles.background == Color.parse(LIGHT.surface)
        light = Color.parse(app.theme_variables["block-cursor-background"]).hex
        assert cursor_colour() == light != dark  # rows drawn again in the new theme


async def test_unknown_theme_is_a_warning(db: Path) -> None:
    app = app_on(db, config=Config(theme="[b]nope"))
    async with app.run_test(size=SIZE):
        assert app.theme == "reader-dark"
        (notice,) = app._notifications
        assert notice.severity == "warning" and "'[b]nope'" in notice.message


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
async def test_quit_keys_close_the_store(db: Path, key: str) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        store = app.store
        await pilot.press(key)
    assert not app.is_running
    with pytest.raises(sqlite3.ProgrammingError):
        store.conn.execute("SELECT 1")


async def run_command(pilot, app: ReaderApp, words: str) -> None:
    await pilot.press("ctrl+p", *words)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


async def test_stats_screen_from_the_palette(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        ids = app.store.document_ids()
        app.store.add_annotation(ids[0], 0, 3, "denial")
        app.store.set_status(ids[1], "done")
        await run_command(pilot, app, "statistics")
        assert isinstance(app.screen, StatsScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        stats = app.screen.stats
        assert stats is not None
        assert stats.by_status == {"new": 2, "in_progress": 1, "done": 1}
        assert stats.by_label == {"denial": 1} and stats.by_annotator == {"tester": 1}
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_filter_and_sort_commands(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "status: done")
        assert app.library.documents.view.status == "done"
        await run_command(pilot, app, "label: denial")
        assert app.library.documents.view.label == "denial"
        await run_command(pilot, app, "sort library by annotations")
        view = app.library.documents.view
        assert (view.sort, view.descending) == ("annotations", True)


async def test_import_from_the_palette_runs_in_a_worker(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    for i in range(3):
        (folder / f"extra{i}.txt").write_text(f"Extra {i}\n\nSome text {i}.", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "import files")
        assert isinstance(app.screen, PathPrompt)
        await pilot.press(*str(folder), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert app.library.documents.row_count == 7
        messages = [n.message for n in app._notifications]
        assert any("imported: 3 added" in m for m in messages)
        assert any("broken.txt" in m for m in messages)
        assert not app.library.task_panel.display
        assert app.library.task_panel.query_one(ProgressBar).progress == 4


async def test_import_from_the_palette_brings_labelled_annotations(
    db: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        '{"id": "n1", "text": "Officials denied it.", "spans": [{"start": 10, "end": 19,'
        ' "label": "denial"}]}\n'
        '{"id": "d1", "text": "A source said so.", "label": [[0, 8, "anonymous source"]]}\n',
        encoding="utf-8",
    )
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "import files")
        await pilot.press(*str(labelled), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        rows = app.store.conn.execute(
            'SELECT d.external_id, a.start, a."end", a.label, a.quote, a.origin'
            " FROM annotations a JOIN documents d ON d.id = a.doc_id ORDER BY d.external_id"
        ).fetchall()
        assert rows == [
            ("d1", 0, 8, "anonymous source", "A source", "import"),
            ("n1", 10, 19, "denial", "denied it", "import"),
        ]
        messages = [n.message for n in app._notifications]
        assert any(
            "imported: 2 added, 0 unchanged, 0 updated, 2 annotations" in m for m in messages
        )


async def test_adjudication_from_the_palette(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        doc = app.store.document_ids()[0]
        for annotator, label in (("ann", "denial"), ("bob", "anonymous source")):
            with Store(db, annotator=annotator) as theirs:
                theirs.add_annotation(doc, 0, 10, label)
        await run_command(pilot, app, "adjudicate")
        assert isinstance(app.screen, AdjudicationScreen)
        assert app.screen.documents == [doc]
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_rebuild_index_from_the_palette(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        app.store.conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')")
        await run_command(pilot, app, "rebuild search")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        hits = app.store.conn.execute(
            "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'familiar'"
        ).fetchone()[0]
        assert hits >= 1
        assert any("search index rebuilt" in n.message for n in app._notifications)


async def test_export_from_the_palette(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        app.store.add_annotation(app.store.document_ids()[0], 0, 5, "denial")
        await run_command(pilot, app, "export annotations")
        assert isinstance(app.screen, PathPrompt)
        assert app.screen.query_one(Select).value == "jsonl"
        await pilot.press(*str(target), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert any("exported 4 documents" in n.message for n in app._notifications)


async def test_prompt_escape_cancels(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, app, "import files")
        assert isinstance(app.screen, PathPrompt)
        assert app.screen.query_one(Input).has_focus
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        assert not app.workers


def shown(screen: StatsScreen, part: str) -> str:
    """The text of one of the screen's tables (or of what stands in for it)."""
    console = Console(width=100, file=io.StringIO())
    console.print(screen.query_one(f"#stats-{part}", Static).content)
    return console.file.getvalue()  # type: ignore[attr-defined]


async def test_stats_are_counted_by_a_worker_while_the_screen_answers(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    threads: list[str] = []
    stats = LibraryQuery.stats

    def slow_stats(self: LibraryQuery) -> Stats:
        threads.append(threading.current_thread().name)
        release.wait(10)
        return stats(self)

    monkeypatch.setattr(LibraryQuery, "stats", slow_stats)
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        ids = app.store.document_ids()
        app.store.add_annotations(ids[0], [(0, 3, "denial"), (4, 9, "anonymous source")])
        app.store.set_status(ids[1], "done")
        app.action_show_stats()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        for _ in range(100):  # the status counts come first
            if "Documents" in shown(screen, "documents"):
                break
            await pilot.pause(0.01)
        documents = shown(screen, "documents").split("\n")
        assert any(line.split("│")[1:3] == [" in progress ", "         1 "] for line in documents)
        assert any(line.split("│")[1:3] == [" all         ", "         4 "] for line in documents)
        assert shown(screen, "labels") == "counting annotations…\n" and screen.stats is None
        await pilot.press("question_mark")  # the screen answers meanwhile
        assert screen.query("HelpPanel")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.stats is not None
        assert screen.stats.by_label == {"anonymous source": 1, "denial": 1}
        assert "anonymous source" in shown(screen, "labels") and "tester" in shown(
            screen, "annotators"
        )
    assert threads and threading.main_thread().name not in threads


async def test_leaving_the_stats_stops_their_count(db: Path) -> None:
    app = app_on(db)
    async with app.run_test(size=SIZE) as pilot:
        app.action_show_stats()
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        await app.workers.wait_for_complete()
        assert screen.counts.closed


def test_stats_snapshot(snap_compare, db: Path) -> None:
    async def show_stats(pilot) -> None:
        app = pilot.app
        ids = app.store.document_ids()
        app.store.add_annotations(ids[0], [(0, 3, "denial"), (4, 9, "anonymous source")])
        app.store.set_status(ids[1], "done")
        app.action_show_stats()
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app_on(db), terminal_size=SIZE, run_before=show_stats)
