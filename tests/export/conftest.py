"""Fixtures for the export tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from export_fixture import build_corpus

from reader.core.store import Store


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Store]:
    store = build_corpus(tmp_path / "corpus.db", tmp_path)
    yield store
    store.close()
