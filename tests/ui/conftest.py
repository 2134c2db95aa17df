"""Shared fixtures of the UI tests: a store made from the sample corpus and small host apps.

Helpers are fixtures (not imports) so that the tests run the same against an installed copy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from reader.config import DEFAULT_LABELS, Config
from reader.core.corpus import read_corpus
from reader.core.store import NewDocument, Store, sha256_hex
from reader.ui.document_view import DocumentView
from reader.ui.reading_screen import ReadingScreen

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = ROOT / "sample_corpus"
READING_CSS = ROOT / "styles" / "reading.tcss"

Row = tuple[int, int, str, str, str | None, bool]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database holding the sample corpus."""
    with Store(tmp_path / "reader.db", annotator="tester") as opened:
        opened.import_documents(read_corpus([SAMPLE_CORPUS]).documents)
        yield opened


@pytest.fixture
def find_doc(store: Store) -> Callable[[str], int]:
    """``find_doc(part)``: the id of the one document whose external id contains ``part``."""

    def find(part: str) -> int:
        found = [i for i in store.document_ids() if part in store.document(i).external_id]
        assert len(found) == 1, found
        return found[0]

    return find


@pytest.fixture
def new_document(store: Store) -> Callable[..., int]:
    """``new_document(text, title=..., fmt=...)``: import a made-up document, return its id."""

    def add(text: str, *, title: str = "test", fmt: str = "text") -> int:
        digest = sha256_hex(text)
        store.import_documents(
            [NewDocument(external_id=title, title=title, text=text, sha256=digest, format=fmt)]
        )
        query = "SELECT id FROM documents WHERE external_id = ?"
        return int(store.conn.execute(query, (title,)).fetchone()[0])

    return add


@pytest.fixture
def annotation_rows(store: Store) -> Callable[[], list[Row]]:
    """``annotation_rows()``: (start, end, label, quote, note, live) of every stored row."""

    def rows() -> list[Row]:
        query = 'SELECT start, "end", label, quote, note, deleted_at FROM annotations'
        found = store.conn.execute(query + " ORDER BY start, created_at")
        return [(r[0], r[1], r[2], r[3], r[4], r[5] is None) for r in found]

    return rows


async def _press_until(
    pilot: Pilot[Any], key: str, done: Callable[[], bool], limit: int = 80
) -> None:
    for _ in range(limit):
        if done():
            return
        await pilot.press(key)
    assert done(), f"{key} pressed {limit} times"


@pytest.fixture
def press_until() -> Callable[..., Awaitable[None]]:
    """``await press_until(pilot, key, done)``: press ``key`` until ``done()`` holds."""
    return _press_until


class ReadingHost(App[None]):
    """A bare app that opens a ReadingScreen and records what the screen returns on leaving."""

    CSS_PATH = READING_CSS

    def __init__(self, store: Store, doc: int, config: Config | None, **kwargs: Any) -> None:
        super().__init__()
        self.store = store
        self.doc = doc
        self.config = config or Config()
        self.screen_kwargs = kwargs
        self.returned: list[int | None] = []

    def on_mount(self) -> None:
        screen = ReadingScreen(self.store, self.doc, self.config, **self.screen_kwargs)
        self.push_screen(screen, self.returned.append)

    @property
    def reading(self) -> ReadingScreen:
        screen = self.screen
        assert isinstance(screen, ReadingScreen)
        return screen


@pytest.fixture
def reading_app(store: Store) -> Callable[..., ReadingHost]:
    """``reading_app(doc_id, config=None, neighbour=...)``: a host app on the fixture store."""

    def build(doc: int, config: Config | None = None, **kwargs: Any) -> ReadingHost:
        return ReadingHost(store, doc, config, **kwargs)

    return build


class ViewHost(App[None]):
    """A bare app holding one DocumentView, styled as the reading screen styles it."""

    CSS_PATH = READING_CSS

    def compose(self) -> ComposeResult:
        yield DocumentView(DEFAULT_LABELS)


@pytest.fixture
def view_app() -> Callable[[], ViewHost]:
    return ViewHost
