"""Shared fixtures of the UI tests: a store made from the sample corpus and small host apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.app import App

from reader.config import Config
from reader.core.corpus import read_corpus
from reader.core.store import NewDocument, Store, sha256_hex
from reader.ui.reading_screen import ReadingScreen

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = ROOT / "sample_corpus"
READING_CSS = ROOT / "styles" / "reading.tcss"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh database holding the sample corpus."""
    with Store(tmp_path / "reader.db", annotator="tester") as opened:
        opened.import_documents(read_corpus([SAMPLE_CORPUS]).documents)
        yield opened


def doc_id(store: Store, external_id: str) -> int:
    """The id of the sample document whose external id contains ``external_id``."""
    found = [i for i in store.document_ids() if external_id in store.document(i).external_id]
    assert len(found) == 1, found
    return found[0]


def add_document(store: Store, text: str, *, title: str = "test", fmt: str = "text") -> int:
    """Import one made-up document and return its id."""
    store.import_documents(
        [
            NewDocument(
                external_id=title, title=title, text=text, sha256=sha256_hex(text), format=fmt
            )
        ]
    )
    row = store.conn.execute("SELECT id FROM documents WHERE external_id = ?", (title,)).fetchone()
    return int(row[0])


class ReadingHost(App[None]):
    """A bare app that opens a ReadingScreen and records what the screen returns on leaving."""

    CSS_PATH = READING_CSS

    def __init__(self, store: Store, doc: int, config: Config | None = None, **kwargs: object):
        super().__init__()
        self.store = store
        self.doc = doc
        self.config = config or Config()
        self.screen_kwargs = kwargs
        self.returned: list[int | None] = []

    def on_mount(self) -> None:
        screen = ReadingScreen(self.store, self.doc, self.config, **self.screen_kwargs)  # type: ignore[arg-type]
        self.push_screen(screen, self.returned.append)

    @property
    def reading(self) -> ReadingScreen:
        screen = self.screen
        assert isinstance(screen, ReadingScreen)
        return screen


@pytest.fixture
def reading_app(store: Store) -> Callable[..., ReadingHost]:
    """Build a host app on the fixture store: ``reading_app(doc_id, config=None)``."""

    def build(doc: int, config: Config | None = None, **kwargs: object) -> ReadingHost:
        return ReadingHost(store, doc, config, **kwargs)

    return build
