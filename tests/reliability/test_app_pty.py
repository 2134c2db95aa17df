"""The real app in a pseudo-terminal: quitting loses nothing shown saved; hostile documents
draw without running anything and without their control bytes reaching the terminal."""

from __future__ import annotations

import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import OSC, PAYLOADS, STORED
from pty_app import PtyApp, screen_text

from reader.cli import main
from reader.core.store import Store

SAMPLES = Path(__file__).parents[2] / "sample_corpus"
CTRL_RIGHT = "\x1b[1;5C"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "r.db"
    assert CliRunner().invoke(main, ["--db", str(db), "import", str(SAMPLES)]).exit_code == 0
    return db


@pytest.fixture
def app_on(tmp_path: Path) -> Iterator[Callable[[Path], PtyApp]]:
    started: list[PtyApp] = []

    def start(db: Path) -> PtyApp:
        started.append(PtyApp(["--db", str(db)], cwd=tmp_path))
        return started[-1]

    yield start
    for app in started:
        app.close()


def quit_by_q(app: PtyApp) -> None:
    app.press("q")


def quit_by_ctrl_c(app: PtyApp) -> None:
    app.press("\x03")


def terminate(app: PtyApp) -> None:
    app.signal(signal.SIGTERM)


def hang_up(app: PtyApp) -> None:
    app.hang_up()


@pytest.mark.parametrize("leave", [quit_by_q, quit_by_ctrl_c, terminate, hang_up])
def test_quitting_loses_nothing_shown_saved(
    leave: Callable[[PtyApp], None],
    sample_db: Path,
    tmp_path: Path,
    app_on: Callable[[Path], PtyApp],
) -> None:
    db = Path(shutil.copy(sample_db, tmp_path / "r.db"))
    app = app_on(db)
    app.wait_for("Biden", timeout=30)
    app.settle()
    app.press("\r")
    app.wait_for("Ln 1, Col 1")
    app.press("1")
    app.wait_for("as anonymous source")
    app.press(CTRL_RIGHT * 3 + "2")
    app.wait_for("as official statement")
    app.press("u")
    app.wait_for("undo: tag")
    app.press(CTRL_RIGHT * 3 + "3")
    app.wait_for("as denial")
    leave(app)  # at once: everything above was shown saved
    app.wait()
    conn = sqlite3.connect(db)
    labels = conn.execute(
        "SELECT label FROM annotations WHERE deleted_at IS NULL ORDER BY created_at"
    ).fetchall()
    assert labels == [("anonymous source",), ("denial",)]
    kinds = conn.execute("SELECT kind FROM actions ORDER BY seq").fetchall()
    assert kinds == [("add",), ("add",), ("undo",), ("add",)]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("leave", [quit_by_q, quit_by_ctrl_c, terminate])
def test_quitting_restores_the_terminal(
    leave: Callable[[PtyApp], None], sample_db: Path, app_on: Callable[[Path], PtyApp]
) -> None:
    app = app_on(sample_db)
    app.wait_for("Biden", timeout=30)
    app.settle()
    leave(app)
    assert app.wait() == 0
    raw = bytes(app.output)
    assert raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h") >= 0


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Every stored hostile case, each with an annotation whose note is hostile too."""
    folder = tmp_path_factory.mktemp("hostile-app")
    corpus = folder / "corpus"
    corpus.mkdir()
    for case in STORED:
        case.write(corpus)
    db = folder / "r.db"
    assert CliRunner().invoke(main, ["--db", str(db), "import", str(corpus)]).exit_code == 0
    with Store(db, annotator="\x1b]0;pwned\x07[b]ana") as store:
        for doc_id in store.document_ids():
            end = min(len(store.document(doc_id).text), 60)
            store.add_annotation(doc_id, 0, end, "denial", note=f"[@click=app.quit] {OSC}")
        titles = [store.document(d).title for d in store.document_ids()]
    return db, titles


def test_hostile_documents_draw_safely(
    hostile_db: tuple[Path, list[str]], app_on: Callable[[Path], PtyApp]
) -> None:
    db, titles = hostile_db
    before = sqlite3.connect(db).execute("SELECT count(*) FROM actions").fetchone()
    app = app_on(db)
    app.wait_for("Markup", timeout=30)
    app.settle()
    app.press("g\r")
    app.wait_for("Ln 1, Col 1")
    for _ in titles:  # "n" from the first document: through every one, and one past the end
        app.press("n")
        app.settle()
        assert app.process.poll() is None, screen_text(bytes(app.output))[-2000:]
    app.wait_for("This is the last document")  # so every one was shown
    app.press("\x1b")  # back to the library, whose rows show the hostile titles
    app.settle()
    app.press("q")
    assert app.wait() == 0
    drawn = bytes(app.output).decode("utf-8")  # strict: the app writes valid UTF-8
    assert [p for p in PAYLOADS if p in drawn] == []
    text = screen_text(bytes(app.output))
    plain = [t for t in titles if t.isascii() and t.isprintable()]
    assert plain and [t for t in plain if t not in text] == []
    after = sqlite3.connect(db).execute("SELECT count(*) FROM actions").fetchone()
    assert after == before  # nothing in a document ran an action


CTRL_HOME = "\x1b[1;5H"


def test_two_apps_on_one_database_see_each_others_tags(
    sample_db: Path, tmp_path: Path, app_on: Callable[[Path], PtyApp]
) -> None:
    db = Path(shutil.copy(sample_db, tmp_path / "r.db"))
    first, second = app_on(db), app_on(db)
    for app in (first, second):
        app.wait_for("Biden", timeout=30)
        app.settle()
    first.press("\r")
    first.wait_for("Ln 1, Col 1")
    first.press("1")
    first.wait_for("as anonymous source")
    second.press("\r")
    second.wait_for("0%  │ anonymous source")  # its cursor starts on the first app's tag
    second.press(CTRL_RIGHT * 3 + "2")
    second.wait_for("as official statement")
    first.press("np")  # reload the document
    first.settle()
    seen_from = len(first.output)
    first.press(CTRL_HOME + CTRL_RIGHT * 3)
    first.settle()
    assert "│ official statement" in screen_text(bytes(first.output[seen_from:]))
    for app in (first, second):
        app.press("q")
        assert app.wait() == 0
    rows = sqlite3.connect(db).execute("SELECT label FROM annotations ORDER BY created_at")
    assert rows.fetchall() == [("anonymous source",), ("official statement",)]
